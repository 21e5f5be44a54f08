"""Answers as text a planner reads in a terminal (French): compact by default, every excerpt on demand."""

from __future__ import annotations

from functools import singledispatch

from core.errors import AmbiguousPlace, MaillageError, PlaceNotFound, Problem, RegistryInvalid
from core.text import french_date
from queries.coverage import Coverage, CoverageAnswer

__all__ = ["coverage_text", "problems_text", "error_text", "period"]

#: the mark of a fact the registry deduced rather than read
INFERRED = "≈"


def period(start, end) -> str:
    if start and end:
        return f"du {french_date(start)} au {french_date(end)}"
    if start:
        return f"depuis le {french_date(start)}"
    if end:
        return f"jusqu'au {french_date(end)}"
    return "dates inconnues"


def _status(c: Coverage) -> str:
    if c.status is None:
        return c.state_label
    since = f"depuis le {french_date(c.status.valid_from)}" if c.status.valid_from else "début inconnu"
    label = c.status.label.lower()
    return f"{c.state_label}, {since}" if label == c.state_label else f"{c.state_label} ({label}), {since}"


def _item(c: Coverage, details: bool) -> list[str]:
    mark = f" {INFERRED}" if c.confidence == "inferred" else ""
    aggregate = " (capacité agrégée, pas un dispositif unique)" if c.aggregate else ""
    lines = [f"■ {c.type} · {c.name}{aggregate}{mark}", f"    {_status(c)} · {c.freshness.label}"]
    for r in c.coverages:
        inferred = f" {INFERRED} périmètre déduit" if r.confidence == "inferred" else ""
        lines.append(f"    couvre via {r.level_label} : {r.territory_name}{inferred}")
        lines.append("      chemin : " + " ∈ ".join(s.name for s in r.path))
        lines.append(f"      âges {r.ages.min}-{r.ages.max} · publics : {', '.join(r.public_labels or r.publics)} · "
                     f"{period(r.valid_from, r.valid_to)}")
        if details and r.note:
            lines.append(f"      note : {r.note}")
    if len(c.history) > 1:
        lines.append("    historique : " + " → ".join(
            f"{s.label} ({french_date(s.valid_from) if s.valid_from else 'début inconnu'})" for s in c.history))
    for role in c.roles:
        who = role.actor if role.actor else f"{role.function} (fonction)"
        when = "" if not (role.valid_from or role.valid_to) else f" — {period(role.valid_from, role.valid_to)}"
        lines.append(f"    {role.label} : {who}{when}")
    titles: dict[str, list] = {}
    for s in c.sources:
        titles.setdefault(s.title, []).append(s)
    for title, cited in titles.items():
        first = cited[0]
        when = french_date(first.date) if first.date else f"consulté le {french_date(first.retrieved)}"
        lines.append(f"    source : {title} ({when}) [{first.file or first.url}]"
                     + ("" if details or len(cited) == 1 else f" · {len(cited)} extraits (--details)"))
        if details:
            for s in cited:
                lines.append(f"      « {s.excerpt} »" if s.excerpt and not s.paraphrase else f"      selon la source : {s.paraphrase or s.excerpt}")
    if details and c.note:
        lines.append(f"    note : {c.note}")
    return lines


def coverage_text(answer: CoverageAnswer, details: bool = False) -> str:
    c = answer.commune
    public = answer.public or "tous publics"
    if answer.types:
        public += ", types " + ", ".join(answer.types)
    head = (
        f"{c.name} ({c.code}, {c.departement}) — âges {answer.ages.min}-{answer.ages.max}, {public}, "
        f"au {french_date(answer.on)} : {len(answer.instances)} dispositif(s)"
    )
    lines = [head] + ([f"({c.note})"] if c.note else []) + [answer.knowledge.message, ""]
    for item in answer.instances:
        lines += _item(item, details) + [""]
    if not answer.instances:
        lines.append("Aucun dispositif connu du registre n'atteint cette commune pour ces critères.")
    if any(i.confidence == "inferred" or any(r.confidence == "inferred" for r in i.coverages) for i in answer.instances):
        lines.append(f"{INFERRED} : déduit par le registre, non écrit tel quel dans la source (--details pour la note).")
    return "\n".join(lines).rstrip() + "\n"


def nearby_text(answer) -> str:
    """The "à proximité" section: the nearest seats of each type, with their distance."""
    lines = [f"À proximité de {answer.commune.name} — {answer.note}"]
    for group in answer.groups:
        lines.append(f"■ {group.type} · {group.type_label}")
        for s in group.seats:
            where = "" if s.located == "adresse" else " (centre de la commune)"
            linked = f" · siège de {s.instance_id}" if s.instance_id else ""
            lines.append(f"    {s.distance_km:.1f} km · {s.name} ({s.commune_name}){where}{linked} [{s.source}, ligne {s.row}]")
    if not answer.groups:
        lines.append("Aucun siège connu des fichiers nationaux.")
    return "\n".join(lines) + "\n"


def problems_text(problems: list[Problem]) -> str:
    lines = [f"Registre refusé : {len(problems)} problème(s). Le graphe en service n'a pas changé.", ""]
    for p in problems:
        lines.append(f"✗ {p.file} · entrée « {p.entry} » · champ « {p.field or '—'} »")
        lines.append(f"    {p.message}")
        lines.append(f"    règle : {p.rule}")
    return "\n".join(lines) + "\n"


@singledispatch
def error_text(err: MaillageError) -> str:
    """What the terminal shows of an error Maillage raised on purpose (its exit status is the class's own)."""
    return f"Erreur : {err}"


@error_text.register
def _(err: RegistryInvalid) -> str:
    return problems_text(err.problems)


@error_text.register(PlaceNotFound)
@error_text.register(AmbiguousPlace)
def _(err: MaillageError) -> str:
    return str(err)  # a question back to the planner, not a failure
