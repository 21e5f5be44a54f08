"""Answers as text a planner reads in a terminal (French)."""

from __future__ import annotations

from maillage.core.errors import Problem
from maillage.queries.coverage import Coverage, CoverageAnswer

__all__ = ["coverage_text", "problems_text"]


def _period(start, end) -> str:
    if start and end:
        return f"du {start} au {end}"
    if start:
        return f"depuis le {start}"
    if end:
        return f"jusqu'au {end}"
    return "sans dates connues"


def _item(c: Coverage, on) -> list[str]:
    status = f"{c.status.label} ({_period(c.status.valid_from, c.status.valid_to)})" if c.status else "inconnu"
    lines = [
        f"■ {c.type} · {c.name}",
        f"    couvre via {c.level_label} : {c.territory_name}",
        "    chemin : " + " ∈ ".join(s.name for s in c.path),
        f"    âges {c.ages.min}-{c.ages.max} · publics : {', '.join(c.publics)} · {_period(c.valid_from, c.valid_to)}",
        f"    statut au {on} : {status}",
    ]
    if len(c.history) > 1:
        lines.append("    historique : " + " → ".join(f"{s.label} ({s.valid_from})" for s in c.history))
    for r in c.roles:
        who = r.actor if r.actor else f"{r.function} (fonction)"
        when = "" if not (r.valid_from or r.valid_to) else f" — {_period(r.valid_from, r.valid_to)}"
        lines.append(f"    {r.label} : {who}{when}")
    for s in c.sources:
        where = s.file or s.url
        lines.append(f"    source : {s.title} ({s.date}) [{where}]")
        lines.append(f"      « {s.excerpt} »")
    return lines


def coverage_text(answer: CoverageAnswer) -> str:
    c = answer.commune
    public = answer.public or "tous publics"
    head = (
        f"{c.name} ({c.code}, {c.departement}) — âges {answer.ages.min}-{answer.ages.max}, {public}, "
        f"au {answer.on} : {len(answer.coverages)} dispositif(s)"
    )
    lines = [head, ""]
    for item in answer.coverages:
        lines += _item(item, answer.on) + [""]
    if not answer.coverages:
        lines.append("Aucun dispositif connu du registre ne couvre cette commune pour ces critères.")
    return "\n".join(lines).rstrip() + "\n"


def problems_text(problems: list[Problem]) -> str:
    lines = [f"Registre refusé : {len(problems)} problème(s). Le graphe en service n'a pas changé.", ""]
    for p in problems:
        lines.append(f"✗ {p.file} · entrée « {p.entry} » · champ « {p.field or '—'} »")
        lines.append(f"    {p.message}")
        lines.append(f"    règle : {p.rule}")
    return "\n".join(lines) + "\n"
