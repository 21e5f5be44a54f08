"""What the registry knows of a place for a scheme type: four answers where there was one, and the rule.

For a commune or a territory, a type (or every type) and a day, the answer is one of:

- **dispositifs connus**: instances of the type reach it, in whatever state (actif, en projet…);
- **recensé, aucun trouvé**: the registry looked for this type here (a survey naming the type or every
  type, or an inventory of the type) and found none;
- **type non recensé ici**: the registry looked at this place, for other types only: the absence of an
  answer says nothing of the type;
- **hors registre**: the registry has never looked here.

Where a rule of ``ontology/expectations.ttl`` expects the type there on that day (a DAC everywhere since
2022-07-01, a PTSM, a SIAO, an MDPH…) and the registry found none, the answer says so: « la règle
nationale prévoit un DAC ; le registre ne l'a pas trouvé ». Every list (who-covers, the instance lists,
the map layers) carries these answers, so that an empty list is never silent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from core.text import french_date
from store.session import Session
from store.tables import Expectation, expectations_of

__all__ = ["KNOWN", "NONE_FOUND", "NOT_SURVEYED", "OUT", "ANSWERS", "TypeAnswer", "commune_answers",
           "territory_answers", "expected", "rule_text"]

KNOWN, NONE_FOUND, NOT_SURVEYED, OUT = "dispositifs-connus", "recense-aucun-trouve", "type-non-recense", "hors-registre"
#: each answer and how a planner reads it
ANSWERS = {KNOWN: "dispositifs connus", NONE_FOUND: "recensé, aucun trouvé", NOT_SURVEYED: "type non recensé ici",
           OUT: "hors registre"}


@dataclass(frozen=True)
class TypeAnswer:
    """What the registry knows of a place for one type (None: every type), on a day."""

    type: str | None
    answer: str
    label: str
    message: str
    #: the national rule expecting the type here that day when none was found, in French, else None
    rule: str | None = None
    #: False for a type nobody asked about, added because a rule expects it here: only its rule is news
    asked: bool = True


@dataclass(frozen=True)
class _Looked:
    """Where the registry stands on a place: whether it looked at all, for which types (None: every
    type), as of when, and over how many of the place's communes."""

    any: bool
    types: frozenset[str | None]
    as_of: dt.date | None
    partial: bool = False

    def for_type(self, type: str | None) -> bool:
        return None in self.types or (type is not None and type in self.types) or (type is None and self.any)


def expected(session: Session, type: str, day: dt.date, communes: Iterable[str] | None = None) -> Expectation | None:
    """The rule expecting ``type`` on ``day`` over (some of) ``communes`` (None: anywhere), if any: due by
    then (no date: always) and over every commune or a territory holding one of them."""
    wanted = None if communes is None else frozenset(communes)
    for rule in _rules(session):
        if rule.type != type or (rule.due is not None and rule.due > day):
            continue
        if rule.territory is None or wanted is None or session.tables.communes_of(rule.territory) & wanted:
            return rule
    return None


def _rules(session: Session) -> list[Expectation]:
    """The rules: from the tables a long-lived session holds, else from their named question alone (a
    one-shot command does not load the analysis tables for four rules)."""
    return session.tables.expectations if session.long_lived else expectations_of(session.run("expectations"))


def rule_text(rule: Expectation) -> str:
    """« la règle nationale prévoit un DAC ; le registre ne l'a pas trouvé », with the rule and its date."""
    since = f", depuis le {french_date(rule.due)}" if rule.due else ""
    deduced = " (règle déduite, non écrite telle quelle dans une source)" if rule.confidence == "inferred" else ""
    label = rule.label.rstrip(".")
    she = rule.type in _FEMININE
    return (f"La règle nationale prévoit {'une' if she else 'un'} {rule.type} ({label[:1].lower()}{label[1:]}{since})"
            f"{deduced} ; le registre ne l'a pas trouvé{'e' if she else ''} ici.")


#: the types French names in the feminine (une CPTS, une MDPH, une équipe mobile…)
_FEMININE = frozenset({"CPTS", "MDPH", "MAIA", "PTA", "MDA", "PASS", "ILC", "EMPP", "EMSP", "ESSIP", "EMT"})


def _answer(session: Session, place: str, type: str | None, found: bool, looked: _Looked, day: dt.date,
            communes: Iterable[str] | None) -> TypeAnswer:
    if found:
        known = f"{place} : dispositif(s) de type {type} connu(s)." if type else f"{place} : dispositif(s) connu(s)."
        return TypeAnswer(type, KNOWN, ANSWERS[KNOWN], known)
    rule = expected(session, type, day, communes) if type else None
    as_of = f" (au {french_date(looked.as_of)})" if looked.as_of else ""
    part = " en partie" if looked.partial else ""
    if looked.for_type(type):
        answer = NONE_FOUND
        what = f"les dispositifs de type {type}" if type else "des dispositifs"
        message = (f"Recensé, aucun trouvé : le registre a cherché {what} à {place}{part}{as_of} et n'en a trouvé "
                   f"aucun le {french_date(day)}.")
    elif looked.any:
        answer = NOT_SURVEYED
        message = (f"Type non recensé ici : le registre a recensé {place}{part}{as_of} pour d'autres types, pas pour "
                   f"le type {type} ; l'absence de réponse ne dit pas qu'il n'y en a pas.")
    else:
        answer = OUT
        message = (f"Hors registre : le registre n'a rien recensé pour {place} ; l'absence de réponse ne dit pas "
                   "qu'il n'y a pas de dispositif.")
    return TypeAnswer(type, answer, ANSWERS[answer], message, rule_text(rule) if rule else None)


def _answers(session: Session, place: str, types: list[str], found: set[str], looked: _Looked, day: dt.date,
             communes: Iterable[str] | None) -> list[TypeAnswer]:
    """One answer per type asked; no type asked: one for every type, then one for each type a rule
    expects there that day and the registry did not find."""
    if types:
        return [_answer(session, place, t, t in found, looked, day, communes) for t in types]
    rules = sorted({e.type for e in _rules(session)} - found)
    extra = [replace(a, asked=False) for a in (_answer(session, place, t, False, looked, day, communes) for t in rules)
             if a.rule]
    return [_answer(session, place, None, bool(found), looked, day, communes), *extra]


def commune_answers(session: Session, code: str, name: str, types: list[str], found: set[str],
                    day: dt.date) -> list[TypeAnswer]:
    """The answers for a commune: ``types`` asked (empty: every type), ``found`` the types of the
    instances that reach it."""
    surveys = session.surveys_of(code)
    looked = _Looked(bool(surveys), frozenset(t for t, _ in surveys), max((d for _, d in surveys), default=None))
    return _answers(session, name, types, found, looked, day, [code])


def territory_answers(session: Session, label: str, communes: frozenset[str], types: list[str], found: set[str],
                      day: dt.date) -> list[TypeAnswer]:
    """The answers for a territory's ``communes`` (a département, a région…): the registry looked there
    when a survey or an inventory holds one of them (in part when not all)."""
    tables = session.tables
    seen: set[str | None] = set()
    as_of = None
    covered: set[str] = set()
    for look in (*tables.surveys, *tables.inventories):  # both say the registry looked for a type there
        inside = tables.communes_of(look.territory) & communes
        if inside:
            seen.add(look.type)
            covered |= inside
            as_of = max(as_of or look.as_of, look.as_of)
    looked = _Looked(bool(covered), frozenset(seen), as_of, bool(covered) and covered != communes)
    return _answers(session, label, types, found, looked, day, communes)
