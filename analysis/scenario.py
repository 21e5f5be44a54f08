"""A what-if scenario as a planner writes it: one or more hypothetical changes, read and checked.

The same shape comes from a small YAML file (``maillage what-if scenario.yaml``, read by ``cli.whatif``) and from the JSON body
of ``POST /v1/scenarios``::

    on: 2026-12-01                  # the day the question is asked about (default: today)
    changes:
      - kind: new                   # a new instance (nouveau)
        type: CPTS
        name: CPTS du Haut-Allier   # optional
        ages: 0-120                 # optional: the type's expected ages, else every age
        publics: [tout-public]      # optional (default: tout-public)
        status: active              # or project (actif, en projet)
        from: 2027-01-01            # optional, like to
        perimeter: [epci:200006930, commune:48095]
      - kind: end                   # the end of an instance (fin)
        instance: dac-31
      - kind: perimeter             # a perimeter enlarged or cut (périmètre)
        instance: cpts-terre-des-sources
        add: [commune:48095]
        remove: [epci:200069151]

A perimeter names territories as the registry does (``commune:48095``, ``epci:…``, ``departement:48``,
``region:76``, ``territoire:toulouse-sud``, and every other kind of territory the graph holds), or a
commune by its code or name. Each rule broken is a French :class:`~core.errors.InvalidQuery` naming
where (the file), the entry (« changement 2 ») and the rule; nothing is resolved here (names and
territories are checked against the build by ``analysis.whatif``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core.errors import InvalidQuery
from core.terms import AgeRange, parse_ages, parse_date
from core.text import fold

__all__ = ["NewInstance", "EndInstance", "Perimeter", "Change", "Scenario", "read_scenario", "refused", "MAX_CHANGES",
           "MAX_PERIMETER"]

#: a scenario is a few changes; a perimeter names a few hundred territories at most (a région's EPCI)
MAX_CHANGES = 20
MAX_PERIMETER = 5000

_KINDS = {"new": "new", "nouveau": "new", "end": "end", "fin": "end", "perimeter": "perimeter", "perimetre": "perimeter"}
_STATUS = {"active": "active", "actif": "active", "project": "project", "en projet": "project"}


@dataclass(frozen=True)
class NewInstance:
    """A hypothetical instance: its type, ages, publics, period, state and perimeter (references)."""

    type: str
    perimeter: tuple[str, ...]
    name: str | None = None
    #: None: the type's expected ages (``ontology/expectations.ttl``), else every age
    ages: AgeRange | None = None
    publics: tuple[str, ...] = ("tout-public",)
    status: str = "active"
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class EndInstance:
    """An instance of the registry that no longer covers on the scenario's day."""

    instance: str


@dataclass(frozen=True)
class Perimeter:
    """An instance of the registry (or of the scenario) whose perimeter gains or loses territories."""

    instance: str
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()


Change = NewInstance | EndInstance | Perimeter


@dataclass(frozen=True)
class Scenario:
    on: dt.date
    changes: tuple[Change, ...]
    title: str | None = None
    #: where it was read (a file's name, « corps de la requête »), for messages
    origin: str = field(default="scénario", compare=False)


class _Where:
    """The place of a problem, in French: the file, then the entry."""

    def __init__(self, origin: str, entry: str | None = None):
        self.origin, self.entry = origin, entry

    def error(self, rule: str) -> InvalidQuery:
        return refused(f"{self.origin}, {self.entry}" if self.entry else self.origin, rule)


def refused(where: str, rule: str) -> InvalidQuery:
    """The refusal of a scenario: where (the file, the entry), then the rule broken."""
    return InvalidQuery(f"Scénario refusé ({where}) : {rule}")


def _keys(raw: dict, allowed: set[str], where: _Where) -> None:
    unknown = sorted(str(k) for k in raw if k not in allowed)
    if unknown:
        raise where.error(f"champ(s) inconnu(s) {', '.join(unknown)} ; champs permis : {', '.join(sorted(allowed))}.")


def _text(raw: dict, key: str, where: _Where, required: bool = False, length: int = 200) -> str | None:
    value = raw.get(key)
    if value is None:
        if required:
            raise where.error(f"« {key} » manque.")
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool) or not str(value).strip():
        raise where.error(f"« {key} » doit être un texte non vide.")
    text = str(value).strip()
    if len(text) > length:
        raise where.error(f"« {key} » : {length} caractères au plus.")
    return text


def _required(raw: dict, key: str, where: _Where, length: int) -> str:
    text = _text(raw, key, where, required=True, length=length)
    assert text is not None  # _text refuses a missing required field
    return text


def _list(raw: dict, key: str, where: _Where) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        return ()
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
        raise where.error(f"« {key} » doit être une liste de textes (par exemple [epci:200006930, commune:48095]).")
    if len(value) > MAX_PERIMETER:
        raise where.error(f"« {key} » : {MAX_PERIMETER} éléments au plus.")
    found = tuple(str(v).strip() for v in value)
    if any(not v or len(v) > 200 for v in found):
        raise where.error(f"« {key} » : chaque élément est un texte de 1 à 200 caractères.")
    return found


def _date(raw: dict, key: str, where: _Where) -> dt.date | None:
    value = raw.get(key)
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return parse_date(str(value))
    except InvalidQuery as err:
        raise where.error(f"« {key} » : {err}") from None


def _new(raw: dict, where: _Where) -> NewInstance:
    _keys(raw, {"kind", "type", "name", "ages", "publics", "status", "from", "to", "perimeter"}, where)
    perimeter = _list(raw, "perimeter", where)
    if not perimeter:
        raise where.error("un nouveau dispositif donne son périmètre (« perimeter » : communes, EPCI, territoires).")
    ages = _text(raw, "ages", where, length=20)
    try:
        age_range = parse_ages(ages) if ages else None
    except InvalidQuery as err:
        raise where.error(f"« ages » : {err}") from None
    status = _text(raw, "status", where, length=20) or "active"
    if fold(status) not in _STATUS:
        raise where.error(f"« status » « {status} » inconnu : actif (active) ou en projet (project).")
    start, end = _date(raw, "from", where), _date(raw, "to", where)
    if start and end and end < start:
        raise where.error("« to » précède « from ».")
    return NewInstance(type=_required(raw, "type", where, 20).upper(),
                       perimeter=perimeter, name=_text(raw, "name", where), ages=age_range,
                       publics=_list(raw, "publics", where) or ("tout-public",), status=_STATUS[fold(status)],
                       start=start, end=end)


def _change(raw: object, where: _Where) -> Change:
    if not isinstance(raw, dict):
        raise where.error("chaque changement est un objet avec « kind » (new, end ou perimeter).")
    kind = _KINDS.get(fold(str(raw.get("kind", ""))))
    if kind is None:
        raise where.error(f"« kind » « {raw.get('kind')} » inconnu : new (nouveau dispositif), end (fin d'un dispositif) "
                          "ou perimeter (périmètre agrandi ou réduit).")
    if kind == "new":
        return _new(raw, where)
    if kind == "end":
        _keys(raw, {"kind", "instance"}, where)
        return EndInstance(_required(raw, "instance", where, 100))
    _keys(raw, {"kind", "instance", "add", "remove"}, where)
    change = Perimeter(_required(raw, "instance", where, 100),
                       _list(raw, "add", where), _list(raw, "remove", where))
    if not (change.add or change.remove):
        raise where.error("un changement de périmètre donne « add » (territoires ajoutés) ou « remove » (retirés).")
    return change


def read_scenario(raw: object, origin: str = "scénario") -> Scenario:
    """The scenario ``raw`` (parsed YAML or JSON) describes; :class:`InvalidQuery` naming ``origin``,
    the entry and the rule when it breaks one."""
    where = _Where(origin)
    if not isinstance(raw, dict):
        raise where.error("un scénario est un objet avec « changes » (la liste des changements) et « on » (la date).")
    _keys(raw, {"on", "title", "changes"}, where)
    changes = raw.get("changes")
    if not isinstance(changes, list) or not changes:
        raise where.error("« changes » doit être une liste d'au moins un changement.")
    if len(changes) > MAX_CHANGES:
        raise where.error(f"« changes » : {MAX_CHANGES} changements au plus.")
    read = tuple(_change(c, _Where(origin, f"changement {n}")) for n, c in enumerate(changes, 1))
    return Scenario(on=_date(raw, "on", where) or dt.date.today(), changes=read, title=_text(raw, "title", where),
                    origin=origin)

