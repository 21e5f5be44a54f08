"""The national files as a planner reads them in a terminal (French): where each comes from, whether it
is here, and which answers need it."""

from __future__ import annotations

from pathlib import PurePosixPath

from core.errors import Problem
from core.text import french_date
from ingest.national_files import PRESENT, State

__all__ = ["sources_text", "sources_json"]


def _int(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def sources_text(found: list[State], problems: list[Problem]) -> str:
    lines = []
    for s in found:
        src = s.source
        where = f" ({s.path})" if s.path else ""
        lines += [f"■ {src.name} — {src.title}",
                  f"    état : {s.state}{where}",
                  f"    fichier : {PurePosixPath(src.file).name}, {_int(src.size)} octets, SHA-256 {src.sha256}",
                  f"    adresse : {src.download}" if src.download else
                  f"    adresse : {src.url} (page qui le publie ; pas d'adresse du fichier lui-même : miroir)",
                  f"    producteur : {src.producer} ; {french_date(src.date)} ; licence : {src.licence_name}",
                  "    réponses qui en dépendent : " + " ; ".join(src.answers), ""]
    lines += [f"Description illisible : {p.file} · {p.field} : {p.message}" for p in problems]
    present = sum(s.state == PRESENT for s in found)
    lines.append(f"{present} fichier(s) présent(s) sur {len(found)}"
                 + (" ; « maillage sources fetch » obtient les autres." if present < len(found) else "."))
    return "\n".join(lines)


def sources_json(found: list[State]) -> list[dict]:
    return [{"name": s.source.name, "source": s.source.source, "title": s.source.title, "producer": s.source.producer,
             "date": s.source.date.isoformat(), "licence": s.source.licence, "url": s.source.url,
             "download": s.source.download, "file": s.source.file, "size": s.source.size, "sha256": s.source.sha256,
             "answers": list(s.source.answers), "state": s.state, "path": str(s.path) if s.path else None}
            for s in found]
