"""Answers as text a planner reads in a terminal (French): compact by default, every excerpt on demand."""

from __future__ import annotations

from functools import singledispatch

from core import rules
from core.errors import AmbiguousPlace, MaillageError, PlaceNotFound, Problem, RegistryInvalid
from core.text import french_date, french_period
from queries.coverage import Coverage, CoverageAnswer
from queries.knowledge import KNOWN

__all__ = ["coverage_text", "problems_text", "error_text", "role_line", "answers_lines", "instance_line"]

#: the mark of a fact the registry deduced rather than read
INFERRED = "≈"


def _mark(confidence: str) -> str:
    return f" {INFERRED}" if confidence == "inferred" else ""


def _status(c: Coverage) -> str:
    if c.status is None:
        return c.state_label
    since = f"depuis le {french_date(c.status.valid_from)}" if c.status.valid_from else "début inconnu"
    label = c.status.label.lower()
    text = f"{c.state_label}, {since}" if label == c.state_label else f"{c.state_label} ({label}), {since}"
    return text + _mark(c.status.confidence)


def role_line(label: str, who: str, when: str, held: str, confidence: str) -> str:
    """A role as a planner reads it: who, when, and whether it holds on the day asked (« terminé »)."""
    state = "" if held == rules.HELD else f" ({rules.ROLE_LABELS[held]})"
    return f"{label} : {who} — {when}{state}{_mark(confidence)}"


def _item(c: Coverage, details: bool) -> list[str]:
    mark = _mark(c.confidence)
    aggregate = " (capacité agrégée, pas un dispositif unique)" if c.aggregate else ""
    lines = [f"■ {c.type} · {c.name}{aggregate}{mark}", f"    {_status(c)} · {c.freshness.label}"]
    if partial := getattr(c, "partial", None):  # a commune reached through some of its arrondissements
        lines.append(f"    {partial}")
    for r in c.coverages:
        inferred = f" {INFERRED} périmètre déduit" if r.confidence == "inferred" else ""
        lines.append(f"    couvre via {r.level_label} : {r.territory_name}{inferred}")
        lines.append("      chemin : " + " ∈ ".join(s.name for s in r.path))
        lines.append(f"      âges {r.ages.min}-{r.ages.max} · publics : {', '.join(r.public_labels or r.publics)} · "
                     f"{french_period(r.valid_from, r.valid_to)}")
        if details and r.note:
            lines.append(f"      note : {r.note}")
    if len(c.history) > 1:
        lines.append("    historique : " + " → ".join(
            f"{s.label} ({french_date(s.valid_from) if s.valid_from else 'début inconnu'})" for s in c.history))
    for role in c.roles:
        who = role.actor if role.actor else f"{role.function} (fonction)"
        lines.append("    " + role_line(role.label, who, role.when, role.held, role.confidence))
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
    lines += answers_lines(answer.answers)
    if any(i.confidence == "inferred" or any(r.confidence == "inferred" for r in i.coverages) for i in answer.instances):
        lines.append(f"{INFERRED} : déduit par le registre, non écrit tel quel dans la source (--details pour la note).")
    return "\n".join(lines).rstrip() + "\n"


def instance_line(i) -> str:
    """One instance of a list: type, id, state on the day asked, name, ≈ when deduced."""
    return f"{i.type:<7} {i.id:<36} {rules.STATE_LABELS[i.state]:<15} {i.name}{_mark(i.confidence)}"


def answers_lines(answers) -> list[str]:
    """What the registry knows, type by type, where it found nothing (and every national rule it did not
    find): never a silent empty answer."""
    lines = []
    for a in answers:
        if a.answer != KNOWN and a.asked:
            lines.append(a.message)
        if a.rule:
            lines.append(a.rule)
    return lines


def nearby_text(answer) -> str:
    """The "à proximité" section: the nearest seats of each type, with their distance."""
    lines = [f"À proximité de {answer.commune.name} — {answer.note}"]
    for group in answer.groups:
        lines.append(f"■ {group.type} · {group.type_label}")
        if group.note:
            lines.append(f"    {group.note}")
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
