"""The what-if command's side: its scenario file, read by the registry's bounded YAML reader, and its
answer as text a planner reads in a terminal (French)."""

from __future__ import annotations

from pathlib import Path

from analysis.scenario import Scenario, read_scenario, refused
from analysis.whatif import WhatIf
from core.text import french_date
from ingest._safe_yaml import load_yaml

from .render_analysis import _int

__all__ = ["read_scenario_file", "what_if_text", "MAX_FILE"]

#: a scenario file's largest size, in bytes (the API's body bound, ``scenario_kb``, is the operator's)
MAX_FILE = 1024 * 1024


def what_if_text(answer: WhatIf, limit: int = 30) -> str:
    lines = [f"Et si… {answer.title or ''} — au {french_date(answer.on)}".replace("…  —", "… —"), ""]
    lines += [f"  • {c}" for c in answer.changes]
    lines += ["", "Communes qui changent d'état, par département, type et âges :"]
    if not answer.moves:
        lines.append("  aucune")
    for m in answer.moves:
        lines.append(f"  {m.departement} {m.departement_name} · {m.type} {m.ages[0]}-{m.ages[1]} ans : "
                     f"{m.before} → {m.after} : {m.communes} commune(s), {_int(m.population)} hab.")
    lines += ["", "Chevauchements créés, supprimés ou modifiés :"]
    if not answer.overlaps:
        lines.append("  aucun")
    for o in answer.overlaps[:limit]:
        scores = " → ".join("—" if s is None else f"{s:.2f}" for s in (o.score_before, o.score_after))
        planned = f" (en projet : {', '.join(o.planned)}, compté comme réalisé)" if o.planned else ""
        lines.append(f"  {o.change} · {o.a_type} « {o.a_name} » ↔ {o.b_type} « {o.b_name} » ({o.reason}) : "
                     f"score {scores}, {o.communes_after or o.communes_before} commune(s){planned}")
    if len(answer.overlaps) > limit:
        lines.append(f"  … et {len(answer.overlaps) - limit} autre(s) (--json ou --csv pour tout voir)")
    lines += ["", *answer.notes]
    return "\n".join(lines)


def read_scenario_file(path: Path) -> Scenario:
    """The scenario of a small YAML (or JSON) file, read by the registry's bounded reader; refused naming
    the file, and the line where its YAML is broken."""
    try:
        if path.stat().st_size > MAX_FILE:
            raise refused(path.name, f"fichier trop grand ({MAX_FILE // 1024} ko au plus).")
        raw, problems = load_yaml(path.read_bytes(), path.name)
    except OSError as err:
        raise refused(path.name, f"fichier illisible ({err.strerror or err}).") from None
    if problems:
        raise refused(path.name, f"{problems[0].message}.")
    if isinstance(raw, dict) and True in raw and "on" not in raw:
        raw["on"] = raw.pop(True)  # YAML 1.1 reads a bare « on » as yes; no key of a scenario is a boolean
    return read_scenario(raw, path.name)
