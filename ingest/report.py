"""What a build read, compared with the live build: nothing is published smaller by surprise.

A registry that lost a file, a section or a tenth of its coverages still validates (every rule holds
on what is left), so the comparison is the only thing that can notice. A build that reads more than
a tenth fewer instances or coverages than the live one is refused unless the planner says it is
meant (``maillage build --accept-shrink``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from core.errors import Problem, RegistryInvalid

from .provenance import UNVERIFIED

__all__ = ["Counts", "counts", "compare_with_live", "SHRINK"]

#: the largest drop (a fraction of the live build's instances or coverages) published without consent
SHRINK = 0.10


@dataclass(frozen=True)
class Counts:
    files: int
    instances: int
    coverages: int


def counts(reg) -> Counts:
    """What a read registry (``RegistryGraph``) holds: files, instances (with a coverage), coverages."""
    instances, coverages = reg.counts()
    return Counts(files=len(reg.files), instances=instances, coverages=coverages)


def _live(data_dir: Path) -> dict | None:
    try:
        info = json.loads((data_dir / "current" / "build.json").read_text(encoding="utf-8"))
        return info if isinstance(info, dict) else None
    except (OSError, ValueError):
        return None  # no live build yet (or an unreadable one): nothing to compare with


def _change(now: int, before: object) -> str:
    if not isinstance(before, int):
        return f"{now}"
    diff = now - before
    return f"{now} (en service : {before}, {'+' if diff >= 0 else ''}{diff})"


def compare_with_live(reg, data_dir: Path, accept_shrink: bool = False) -> list[str]:
    """The report's lines; raises :class:`RegistryInvalid` when the build shrinks by more than a tenth."""
    read = counts(reg)
    live = _live(data_dir)
    lines = [f"Lu : {read.files} fichier(s), {_change(read.instances, (live or {}).get('instances'))} dispositifs, "
             f"{_change(read.coverages, (live or {}).get('coverages'))} couvertures."]
    if not reg.sources_verified:
        lines.append(f"Attention : {UNVERIFIED} : le dossier des documents ({reg.documents}) est absent ; "
                     "l'existence des fichiers cités et les extraits n'ont pas été contrôlés.")
    if live is None:
        return lines
    drops = []
    for name, label in (("instances", "dispositifs"), ("coverages", "couvertures")):
        before, now = live.get(name), getattr(read, name)
        if isinstance(before, int) and before > 0 and now < before * (1 - SHRINK):
            drops.append(f"{label} : {now} au lieu de {before} ({round(100 * (before - now) / before)} % de moins)")
    if drops and not accept_shrink:
        raise RegistryInvalid([Problem("(registre)", "(construction)", "", "retrecissement",
                                       "le registre lu est nettement plus petit que le graphe en service ("
                                       + " ; ".join(drops) + ") : un fichier manque ou a été tronqué ? "
                                       "Si c'est voulu : maillage build --accept-shrink")])
    if drops:
        lines.append("Réduction acceptée (--accept-shrink) : " + " ; ".join(drops) + ".")
    return lines
