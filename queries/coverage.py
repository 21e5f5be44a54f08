"""The question planners ask first: which schemes, run by whom, cover this commune, for these ages and
this public, on this date?

The named question ``who_covers`` finds the coverages; ``instance_card`` reads what a planner needs to
trust each answer (history, roles, sources). Cards do not change within a build, so the build runs
``instance_card`` once and stores each card on its coverage node; the status in force on the asked
date is computed from the card's history at answer time. The CLI and the HTTP route both call
:func:`who_covers`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from maillage import jsonable
from maillage.errors import InvalidQuery
from maillage.namespaces import M, PUBLIC, ROLE

from .backend import Backend
from .paths import LEVEL_LABELS, LEVEL_ORDER, LEVELS, Step, commune_territories
from .places import Place, commune_iri, resolve_commune

__all__ = ["AgeRange", "Source", "Role", "Status", "Coverage", "CoverageAnswer", "who_covers", "parse_ages", "parse_date", "public_iri",
           "public_matches", "coverage_of", "concepts", "status_on", "with_publics", "served_publics"]

#: Coverages per ``instance_card`` evaluation at build time.
CARD_CHUNK = 200


@dataclass(frozen=True)
class AgeRange:
    min: int
    max: int


@dataclass(frozen=True)
class Source:
    title: str
    date: dt.date
    excerpt: str
    file: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Role:
    role: str
    label: str
    actor_id: str | None
    actor: str | None
    function: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass(frozen=True)
class Status:
    value: str
    label: str
    valid_from: dt.date
    valid_to: dt.date | None


@dataclass
class Coverage:
    instance_id: str
    coverage_id: str
    type: str
    type_label: str
    name: str
    level: str
    level_label: str
    territory: str
    territory_name: str
    ages: AgeRange
    publics: list[str]
    valid_from: dt.date | None
    valid_to: dt.date | None
    status: Status | None
    history: list[Status] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    #: why it covers the commune: the territories from the commune to the one covered
    path: list[Step] = field(default_factory=list)


@dataclass
class CoverageAnswer:
    commune: Place
    ages: AgeRange
    public: str | None
    on: dt.date
    coverages: list[Coverage]


def parse_ages(text: str | None) -> AgeRange:
    """``"0-12"`` → 0..12, ``"15"`` → 15..15, nothing → every age. 0 ≤ min ≤ max ≤ 120."""
    if text is None or not str(text).strip():
        return AgeRange(0, 120)
    low, sep, high = str(text).strip().partition("-")
    try:
        ages = AgeRange(int(low), int(high) if sep else int(low))
    except ValueError:
        raise InvalidQuery(f"Âges « {text} » illisibles : écrivez par exemple 0-12 ou 15.") from None
    if not 0 <= ages.min <= ages.max <= 120:
        raise InvalidQuery(f"Âges « {text} » invalides : il faut 0 ≤ minimum ≤ maximum ≤ 120.")
    return ages


def parse_date(text: str | dt.date | None) -> dt.date:
    if text is None or text == "":
        return dt.date.today()
    if isinstance(text, dt.date):
        return text
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise InvalidQuery(f"Date « {text} » illisible : écrivez AAAA-MM-JJ.") from None


def concepts(backend: Backend) -> dict[str, dict]:
    """IRI → notation, label and scheme of every SKOS concept, read once per backend."""
    cached = getattr(backend, "_concepts", None)
    if cached is None:
        cached = {}
        for row in backend.run("concepts"):
            entry = cached.setdefault(row["concept"], {"notation": row["notation"], "label": row["label"],
                                                       "scheme": row["scheme"], "broader": set()})
            if row.get("broader"):
                entry["broader"].add(row["broader"])
        backend._concepts = cached  # type: ignore[attr-defined]
    return cached


def public_iri(backend: Backend, public: str | None) -> str | None:
    if not public:
        return None
    candidate = str(PUBLIC[public.strip()])
    if concepts(backend).get(candidate, {}).get("scheme") != str(M.Publics):
        known = sorted(c["notation"] for c in concepts(backend).values() if c["scheme"] == str(M.Publics))
        raise InvalidQuery(f"Public « {public} » inconnu. Publics connus : {', '.join(known)}.")
    return candidate


def status_on(history: list[Status], on: dt.date) -> Status | None:
    """The status in force on ``on``: the latest one begun by then and not yet ended."""
    current = None
    for status in history:  # already in order: by start, then as listed
        if status.valid_from <= on and (status.valid_to is None or status.valid_to >= on):
            current = status
    return current


def card_facts(backend: Backend, pairs: list[dict]) -> dict[str, dict]:
    """Run ``instance_card`` for (instance, coverage) pairs → coverage IRI → the card as plain data.

    The build stores each card on its coverage node (``m:card``), so that answering needs one query.
    """
    labels = concepts(backend)
    grouped: dict[str, list[dict]] = {}
    # In chunks, so that no VALUES block is large: with the parameters bound outside the provenance
    # branch (since fixed in instance_card.rq), 10,000 synthetic coverages in one block did not finish
    # in 15 min; the chunks keep a future join-order surprise bounded.
    for start in range(0, len(pairs), CARD_CHUNK):
        for f in backend.run_rows("instance_card", pairs[start:start + CARD_CHUNK]):
            grouped.setdefault(f["coverage"], []).append(f)
    return {coverage: _card(labels, facts) for coverage, facts in grouped.items()}


def _card(labels: dict[str, dict], facts: list[dict]) -> dict:
    head = next(f for f in facts if f["kind"] == "instance")
    # Sources often give only a year: statuses of one year keep the order the registry lists them in.
    ordered = sorted(
        {(f["from"], int(f["node"].rsplit("/", 1)[1]), f["a"], f["b"], f["to"]) for f in facts if f["kind"] == "status"}
    )
    history = [(value, label, start, end) for start, _, value, label, end in ordered]
    roles = sorted(
        {
            (f["a"], labels.get(str(ROLE[f["a"]]), {}).get("label", f["a"]), f["c"],
             f["b"] if f["c"] else None, None if f["c"] else f["b"], f["from"], f["to"])
            for f in facts
            if f["kind"] == "role"
        },
        key=lambda r: (r[0], r[5] or dt.date.min, r[3] or r[4] or ""),
    )
    sources = sorted(
        {(f["title"], f["date"], f["excerpt"], f["file"], f["url"]) for f in facts if f["kind"] == "source"},
        key=lambda s: (s[1], s[0], s[2]),
    )
    level, territory_name = next(
        (LEVELS[f["a"]][0], f["b"]) for f in facts if f["kind"] == "territory" and f["a"] in LEVELS
    )
    return {
        "instance_id": head["c"],
        "level": level,
        "territory_name": territory_name,
        "type": head["b"],
        "type_label": labels.get(head["node"], {}).get("label", head["b"]),
        "name": head["a"],
        "publics": sorted({f["a"] for f in facts if f["kind"] == "coverage-public"}),
        "history": [jsonable.plain(Status(*s)) for s in history],
        "roles": [jsonable.plain(Role(*r)) for r in roles],
        "sources": [jsonable.plain(Source(*s)) for s in sources],
    }


def _date_or_none(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def served_publics(backend: Backend, public_iri: str | None) -> frozenset[str] | None:
    """Python twin of the public filter of ``who_covers``: the notations of the publics whose coverages
    serve ``public_iri`` (itself, every broader public, and everyone); None when any public will do."""
    if public_iri is None:
        return None
    cache = backend.__dict__.setdefault("_served_publics", {})
    if public_iri not in cache:
        labels, seen, todo = concepts(backend), set(), [public_iri]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo += labels.get(current, {}).get("broader", ())
        cache[public_iri] = frozenset({labels[c]["notation"] for c in seen if c in labels} | {"tout-public"})
    return cache[public_iri]


def public_matches(backend: Backend, public_iri: str | None, publics: list[str]) -> bool:
    """Whether a coverage for ``publics`` serves ``public_iri``: for everyone, that public or a broader one."""
    served = served_publics(backend, public_iri)
    return served is None or not served.isdisjoint(publics)


@dataclass(frozen=True)
class Card:
    """A coverage's stored card, parsed: what does not depend on the date asked."""

    instance_id: str
    type: str
    type_label: str
    name: str
    level: str
    territory_name: str
    publics: list[str]
    history: list[Status]
    roles: list[Role]
    sources: list[Source]


def parse_card(text: str) -> Card:
    card = json.loads(text)
    return Card(
        instance_id=card["instance_id"], type=card["type"], type_label=card["type_label"], name=card["name"],
        level=card["level"], territory_name=card["territory_name"], publics=card["publics"],
        history=[Status(h["value"], h["label"], dt.date.fromisoformat(h["valid_from"]), _date_or_none(h["valid_to"]))
                 for h in card["history"]],
        roles=[Role(r["role"], r["label"], r["actor_id"], r["actor"], r["function"],
                    _date_or_none(r["valid_from"]), _date_or_none(r["valid_to"])) for r in card["roles"]],
        sources=[Source(s["title"], dt.date.fromisoformat(s["date"]), s["excerpt"], s["file"], s["url"])
                 for s in card["sources"]],
    )


def coverage_from(card: Card, row: dict, on: dt.date) -> Coverage:
    """One answer: the card, the coverage's own facts in ``row``, and the status in force on ``on``."""
    return Coverage(
        instance_id=card.instance_id,
        coverage_id=row["coverage"].split("/instance/", 1)[1],
        type=card.type,
        type_label=card.type_label,
        name=card.name,
        level=card.level,
        level_label=LEVEL_LABELS[card.level],
        territory=row["territory"].rsplit("/", 1)[-1],
        territory_name=card.territory_name,
        ages=AgeRange(row["min"], row["max"]),
        publics=card.publics,
        valid_from=row["from"],
        valid_to=row["to"],
        status=status_on(card.history, on),
        history=card.history,
        roles=card.roles,
        sources=card.sources,
    )


def with_publics(rows: list[dict]) -> dict[str, tuple[dict, frozenset[str]]]:
    """Rows of ``analysis_coverages`` (one per coverage and public) → coverage IRI → a row and its publics."""
    publics: dict[str, set[str]] = {}
    first: dict[str, dict] = {}
    for r in rows:
        publics.setdefault(r["coverage"], set()).add(r["public"])
        first.setdefault(r["coverage"], r)
    return {uri: (row, frozenset(publics[uri])) for uri, row in first.items()}


def coverage_of(row: dict, on: dt.date) -> Coverage:
    return coverage_from(parse_card(row["card"]), row, on)


def who_covers(
    backend: Backend,
    place: str,
    ages: str | AgeRange | None = None,
    public: str | None = None,
    on: str | dt.date | None = None,
) -> CoverageAnswer:
    """Every scheme instance covering the commune ``place`` for ``ages`` and ``public`` on ``on``.

    Ages overlap rather than contain: a 11-21 scheme is listed for 0-12, with its ages shown.
    A coverage with no start or end date is taken as valid on that side.
    """
    age_range = ages if isinstance(ages, AgeRange) else parse_ages(ages)
    day = parse_date(on)
    wanted = public_iri(backend, public)
    commune = resolve_commune(backend, place)
    index = getattr(backend, "_coverage_index", None)  # set by coverage_index.index_coverage
    if index is not None:
        items = index.coverages(commune.code, age_range, served_publics(backend, wanted), day)
    else:
        items = _queried(backend, commune, age_range, wanted, day)
    items.sort(key=lambda c: (LEVEL_ORDER.index(c.level), c.type, c.name, c.coverage_id))
    return CoverageAnswer(commune=commune, ages=age_range, public=public, on=day, coverages=items)


def _queried(backend: Backend, commune: Place, age_range: AgeRange, wanted: str | None, day: dt.date) -> list[Coverage]:
    """The answer of the named question ``who_covers``, with the path from ``territories_of_commune``."""
    rows = backend.run(
        "who_covers",
        commune=commune_iri(commune),
        minAge=age_range.min,
        maxAge=age_range.max,
        on=day,
        public=wanted,
    )
    territories = commune_territories(backend, commune_iri(commune))
    items = [coverage_of(row, day) for row in rows]
    for item, row in zip(items, rows):
        item.path = territories.path(row["territory"])
    return items
