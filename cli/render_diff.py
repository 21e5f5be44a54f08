"""What changed, as text a planner reads in a terminal (French)."""

from __future__ import annotations

from analysis.diff import BuildDiff, DateDiff, TypeReach, type_reach_text
from core.text import french_date

__all__ = ["build_diff_text", "date_diff_text"]


def _int(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _types(types: list[TypeReach]) -> list[str]:
    lines = ["", "Par type de dispositif (communes couvertes) :" if types else "Aucune commune gagnée ni perdue par type."]
    lines += [f"  {type_reach_text(t)}" for t in types]
    return lines


def build_diff_text(diff: BuildDiff) -> str:
    lines = [f"Ce qui a changé de la construction {diff.before} à {diff.after} "
             f"(couverture au {french_date(diff.on)}) : {len(diff.changes)} changement(s)", ""]
    for c in diff.changes:
        reach = f" — {c.communes} commune(s), {_int(c.population)} hab." if c.communes else ""
        lines.append(f"■ {c.kind} {c.change} : {c.label}{reach}")
        if c.before:
            lines.append(f"    avant : {c.before}")
        if c.after:
            lines.append(f"    après : {c.after}")
    return "\n".join(lines + _types(diff.types))


def date_diff_text(diff: DateDiff) -> str:
    lines = [f"Ce qui a changé — {diff.territory}, du {french_date(diff.on)} au {french_date(diff.vs)} : "
             f"{len(diff.reaches)} dispositif(s)", ""]
    for r in diff.reaches:
        lines.append(f"■ {r.type} « {r.name} » ({r.instance}) : {r.change}")
        if r.state_before:
            lines.append(f"    le {french_date(diff.on)} : {r.state_before}, {r.communes_before} commune(s), "
                         f"{_int(r.population_before)} hab. — {r.status_before}")
        if r.state_after:
            lines.append(f"    le {french_date(diff.vs)} : {r.state_after}, {r.communes_after} commune(s), "
                         f"{_int(r.population_after)} hab. — {r.status_after}")
        for s in r.sources[:3]:
            lines.append(f"    source : {s['title']}" + (f" — « {s['excerpt']} »" if s.get("excerpt") else ""))
    for relay in diff.relays:
        lines.append(f"Relais : {relay.before} → {relay.after} sur {relay.communes} commune(s), {_int(relay.population)} hab.")
    return "\n".join(lines + _types(diff.types))
