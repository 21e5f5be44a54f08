"""What changed: between two builds, and between two dates on one build.

Between two builds (:func:`diff_builds`), the registry's records are compared as each build published
them on its coverages' cards: instances, coverages, statuses, the periods their sources speak of
(``attestation``), roles and sources added, removed and changed; the records of an instance that appears
or disappears are counted in that change, not listed again. A status whose value and dates are the same
but whose attestation differs is an ``attestation`` change (a fact became better known), never a
``statut`` one. Per scheme type, the communes covered on a day (:func:`core.rules.covers`) are
compared too, with the population gained and lost.

Becoming known is never gaining (``docs/temporal-truth-table.md``): a commune covered on the second side
whose coverage was unknown on the first (reached only by instances in ``statut inconnu``) *became known*
(``became_known``), it is not gained; likewise covered then unknown *became unknown*, not lost. An
instance whose state goes from unknown to known on the same communes is ``devenu connu``, not
``modifié``.

Between two dates on one build (:func:`diff_dates`), each instance reaching the territory asked is
compared as it stands on each date: its state (``core.rules.STATES``, so an instance whose
status is unknown is told apart from an active one) and the communes it reaches, with the status in
force and the card's sources as the reason. An instance gone on the second date whose communes are
reached by one that came, of the same or a related type (SKOS ``related``), is a handover (``relais``): PTA 31 → DAC 31 in Haute-Garonne.

A build is read through a :class:`~store.session.Session` over its own Oxigraph store, opened
read-only: an old build stays readable while another is live.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import TypedDict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from core import rules
from core.errors import InvalidQuery, StoreMissing
from core.namespaces import local
from core.terms import MAX_AGE
from core.text import french_date, french_span
from store.builds import current_build
from store.cards import parse_card
from store.embedded import EmbeddedBackend
from store.session import Session
from store.tables import AnalysisData, CoverageRow, with_publics

from .scope import scope_communes

__all__ = ["ADDED", "REMOVED", "CHANGED", "BECAME_KNOWN", "BECAME_UNKNOWN", "Change", "TypeReach", "BuildDiff", "Reach",
           "Relay", "DateDiff",
           "type_reach_text", "open_build", "finished_builds", "live_or_named", "resolve_builds", "diff_builds", "diff_dates", "record_sets"]

ADDED, REMOVED, CHANGED = "ajouté", "retiré", "modifié"
#: a fact whose state was unknown and is known on the other side (or the other way): not a change of state
BECAME_KNOWN, BECAME_UNKNOWN = "devenu connu", "devenu inconnu"
#: the kinds of records compared, in the order they are listed
KINDS = ("instance", "couverture", "statut", "attestation", "rôle", "source")


@dataclass(frozen=True)
class Change:
    """One record added, removed or changed between two builds; ``before``/``after`` describe it."""

    kind: str
    change: str
    key: str
    instance: str | None
    label: str
    before: str | None = None
    after: str | None = None
    #: the communes (and their population) the instance or coverage reaches, in the build that has it
    communes: int = 0
    population: int = 0


@dataclass(frozen=True)
class TypeReach:
    """The communes covering a type on a day, gained and lost between two sides; those only known on one
    side (unknown on the other) apart, never counted as gained or lost."""

    type: str
    gained: tuple[str, ...]
    lost: tuple[str, ...]
    population_gained: int
    population_lost: int
    #: covered on the second side, unknown on the first: a fact that became known
    became_known: tuple[str, ...] = ()
    #: covered on the first side, unknown on the second
    became_unknown: tuple[str, ...] = ()
    population_became_known: int = 0
    population_became_unknown: int = 0


@dataclass
class BuildDiff:
    before: str
    after: str
    on: dt.date
    changes: list[Change]
    types: list[TypeReach]


@dataclass(frozen=True)
class Reach:
    """An instance in the territory on two dates: its state and communes on each (None: absent)."""

    instance: str
    name: str
    type: str
    change: str
    state_before: str | None
    state_after: str | None
    communes_before: int
    communes_after: int
    population_before: int
    population_after: int
    gained: tuple[str, ...]
    lost: tuple[str, ...]
    #: the status in force on each date, and its note: why the state is what it is
    status_before: str | None
    status_after: str | None
    sources: tuple[dict, ...] = ()


@dataclass(frozen=True)
class Relay:
    """An instance gone on the second date whose communes an instance that came reaches."""

    before: str
    after: str
    communes: int
    population: int


@dataclass
class DateDiff:
    territory: str
    on: dt.date
    vs: dt.date
    reaches: list[Reach]
    relays: list[Relay]
    types: list[TypeReach] = field(default_factory=list)


# --- reading builds ------------------------------------------------------------------------------------

def open_build(build: Path) -> Session:
    """A session on one build folder, read-only (it may be an older build than the live one)."""
    store = build / "oxigraph"
    if not store.is_dir():
        raise StoreMissing(f"« {build.name} » n'est pas une construction : pas de magasin {store}.")
    return Session(EmbeddedBackend(ox.Store.read_only(str(store)), build))


def finished_builds(data_dir: Path) -> list[Path]:
    """The completed build folders under ``builds/``, oldest first (names are time stamps)."""
    builds = data_dir / "builds"
    return sorted(p for p in builds.iterdir() if p.is_dir() and not p.name.endswith(".tmp")) if builds.is_dir() else []


def live_or_named(data_dir: Path, name: str | None = None) -> Path:
    """The folder of build ``name`` under ``builds/``, or of the live build."""
    if name:
        return _named(data_dir, name)
    live = current_build(data_dir)
    if live is None:
        raise StoreMissing(f"Aucun graphe construit dans {data_dir} : lancez `maillage build`.")
    return live


def _named(data_dir: Path, name: str) -> Path:
    names = {p.name: p for p in finished_builds(data_dir)}
    if name not in names:
        known = ", ".join(sorted(names)) or "aucune"
        raise InvalidQuery(f"Construction « {name} » inconnue dans {data_dir / 'builds'} (connues : {known}).")
    return names[name]


def resolve_builds(data_dir: Path, before: str | None = None, after: str | None = None) -> tuple[Path, Path]:
    """The folders of builds ``before`` and ``after`` (names under ``builds/``); by default the build
    before the live one, and the live one."""
    done = finished_builds(data_dir)
    second = live_or_named(data_dir, after)
    if before:
        return _named(data_dir, before), second
    older = [p for p in done if p.name < second.name]
    if not older:
        raise InvalidQuery(f"Aucune construction avant « {second.name} » à comparer : nommez-en deux.")
    return older[-1], second


# --- between two builds --------------------------------------------------------------------------------

def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else "…"


def record_sets(session: Session) -> dict[str, dict]:
    """Kind → key → (instance, description) of every record a build published on its cards; and under
    ``"communes"``, instance or coverage key → the communes it reaches."""
    found: dict[str, dict] = {kind: {} for kind in (*KINDS, "communes")}
    reach = session.tables.communes_of
    for uri, (row, publics) in sorted(with_publics(session.run("analysis_coverages")).items()):
        card = parse_card(row["card"])
        inst = card.instance_id
        found["instance"][inst] = (inst, f"{card.name} ({card.type})")
        key = uri.split("/instance/", 1)[1]
        found["couverture"][key] = (inst, f"{local(row['territory'])}, {row['min']}-{row['max']} ans, "
                                          f"{', '.join(sorted(publics))}, du {_day(row['from'])} au {_day(row['to'])}")
        found["communes"][key] = reach(row["territory"])
        found["communes"][inst] = found["communes"].get(inst, frozenset()) | reach(row["territory"])
        for s in card.history:
            text = f"{s.label} du {_day(s.valid_from)} au {_day(s.valid_to)}"
            found["statut"][f"{inst} : {text}"] = (inst, text)
            if s.observed:
                said = f"{s.label} attesté du {_day(s.attested_from)} au {_day(s.observed)}"
                found["attestation"][f"{inst} : {said}"] = (inst, said)
        for r in card.roles:
            text = f"{r.label} : {r.actor or r.function or '?'} du {_day(r.valid_from)} au {_day(r.valid_to)}"
            found["rôle"][f"{inst} : {text}"] = (inst, text)
        for src in card.sources:
            title = f"{src.title} ({_day(src.date)})"
            found["source"].setdefault(title, (None, src.url or src.file or title))
    return found


def _by_instance(records: dict[str, tuple[str, str]]) -> dict[str, set[str]]:
    grouped: dict[str, set[str]] = defaultdict(set)
    for inst, text in records.values():
        grouped[inst].add(text)
    return grouped


class _Reach(TypedDict):
    communes: int
    population: int


def _reached(records: dict, data: AnalysisData, key: str) -> _Reach:
    codes = records["communes"].get(key, frozenset())
    return {"communes": len(codes), "population": data.population(codes)}


def _record_changes(a: dict, b: dict, ta: AnalysisData, tb: AnalysisData) -> list[Change]:
    changes = []
    gone, came = set(a["instance"]) - set(b["instance"]), set(b["instance"]) - set(a["instance"])
    for inst in sorted(gone):
        changes.append(Change("instance", REMOVED, inst, inst, a["instance"][inst][1], before=_summary(a, inst),
                              **_reached(a, ta, inst)))
    for inst in sorted(came):
        changes.append(Change("instance", ADDED, inst, inst, b["instance"][inst][1], after=_summary(b, inst),
                              **_reached(b, tb, inst)))
    for inst in sorted(set(a["instance"]) & set(b["instance"])):
        if a["instance"][inst][1] != b["instance"][inst][1]:
            changes.append(Change("instance", CHANGED, inst, inst, b["instance"][inst][1],
                                  a["instance"][inst][1], b["instance"][inst][1], **_reached(b, tb, inst)))
    for key in sorted(set(a["couverture"]) | set(b["couverture"])):
        before, after = a["couverture"].get(key), b["couverture"].get(key)
        inst = (before or after)[0]
        if inst in gone or inst in came or before == after:
            continue
        change = ADDED if before is None else REMOVED if after is None else CHANGED
        reached = _reached(a, ta, key) if after is None else _reached(b, tb, key)
        changes.append(Change("couverture", change, key, inst, key, before and before[1], after and after[1], **reached))
    # A status or a role has no identifier of its own: an instance whose history differs is one change;
    # its attestations are a change of their own only where its statuses are the same.
    restated: set[str | None] = set()
    for kind in ("statut", "attestation", "rôle"):
        ga, gb = _by_instance(a[kind]), _by_instance(b[kind])
        for inst in sorted(set(ga) | set(gb), key=str):
            if inst in gone or inst in came or ga.get(inst, set()) == gb.get(inst, set()):
                continue
            if kind == "statut":
                restated.add(inst)
            elif kind == "attestation" and inst in restated:
                continue
            old, new = ga.get(inst, set()) - gb.get(inst, set()), gb.get(inst, set()) - ga.get(inst, set())
            change = ADDED if not old else REMOVED if not new else CHANGED
            changes.append(Change(kind, change, inst, inst, f"{kind} de {inst}",
                                  " ; ".join(sorted(old)) or None, " ; ".join(sorted(new)) or None,
                                  **_reached(b, tb, inst)))
    for key in sorted(set(a["source"]) ^ set(b["source"])):
        change = REMOVED if key in a["source"] else ADDED
        changes.append(Change("source", change, key, None, key))
    return changes


def _summary(records: dict, inst: str) -> str:
    counts = [f"{sum(1 for i, _ in records[kind].values() if i == inst)} {kind}(s)" for kind in ("couverture", "statut", "rôle")]
    return ", ".join(counts)



def type_reach_text(t: TypeReach) -> str:
    """One type's communes gained and lost, and apart those that only became known (or unknown)."""
    text = (f"{t.type} : +{len(t.gained)} commune(s) ({_thousands(t.population_gained)} hab.), "
            f"−{len(t.lost)} commune(s) ({_thousands(t.population_lost)} hab.)")
    if t.became_known:
        text += (f" ; {len(t.became_known)} commune(s) devenue(s) connue(s) ({_thousands(t.population_became_known)} hab. : "
                 "l'état était inconnu, ce n'est pas un gain)")
    if t.became_unknown:
        text += (f" ; {len(t.became_unknown)} commune(s) devenue(s) inconnue(s) "
                 f"({_thousands(t.population_became_unknown)} hab. : ce n'est pas une perte)")
    return text


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _covered_and_unknown(data: AnalysisData, type: str, day: dt.date,
                         scope: frozenset[str] | None) -> tuple[set[str], set[str]]:
    """The communes a type covers on ``day`` (an active instance reaches them), and those whose coverage
    is unknown (no active instance, one in ``statut inconnu``)."""
    covered, unknown = set(), set()
    for code, states in data.states(type, 0, MAX_AGE, None, day).items():
        if scope is not None and code not in scope:
            continue
        if states.get(rules.ACTIVE):
            covered.add(code)
        elif states.get(rules.UNKNOWN):
            unknown.add(code)
    return covered, unknown


def _type_reach(a: AnalysisData, b: AnalysisData, types: Iterable[str], day_a: dt.date, day_b: dt.date,
                scope: frozenset[str] | None = None) -> list[TypeReach]:
    found = []
    for t in sorted(types):
        before, unknown_before = _covered_and_unknown(a, t, day_a, scope)
        after, unknown_after = _covered_and_unknown(b, t, day_b, scope)
        known = sorted((after - before) & unknown_before)
        unknown = sorted((before - after) & unknown_after)
        gained, lost = sorted(after - before - unknown_before), sorted(before - after - unknown_after)
        if gained or lost or known or unknown:
            found.append(TypeReach(t, tuple(gained), tuple(lost), b.population(gained), a.population(lost),
                                   tuple(known), tuple(unknown), b.population(known), a.population(unknown)))
    return found


def diff_builds(before: Session, after: Session, on: str | dt.date | None = None,
                names: tuple[str, str] | None = None, territory: str | None = None) -> BuildDiff:
    """The records added, removed and changed from build ``before`` to build ``after``, and per type the
    communes covered on ``on`` (default: today) gained and lost. With ``territory`` (a registry
    reference), only the records of instances reaching one of its communes in either build, and the
    sources, which belong to no instance; the communes counted are the territory's."""
    from core.terms import parse_date

    day = parse_date(on)
    a, b = record_sets(before), record_sets(after)
    ta, tb = before.tables, after.tables
    types = {c.type for c in ta.coverages} | {c.type for c in tb.coverages}
    changes = _record_changes(a, b, ta, tb)
    scope = None
    if territory is not None:
        scope = scope_communes(after, tb, territory)[1]
        changes = [c for c in changes if c.instance is None or not scope.isdisjoint(
            a["communes"].get(c.instance, frozenset()) | b["communes"].get(c.instance, frozenset()))]
    label_a, label_b = names or (_name(before), _name(after))
    return BuildDiff(label_a, label_b, day, changes, _type_reach(ta, tb, types, day, day, scope))


def _name(session: Session) -> str:
    return session.build.name if session.build is not None else session.name


# --- between two dates ---------------------------------------------------------------------------------

def _reach_on(data: AnalysisData, scope: frozenset[str], day: dt.date) -> dict[str, tuple[str, set[str]]]:
    """Instance → (state, communes of ``scope`` reached) on ``day``."""
    found: dict[str, tuple[str, set[str]]] = {}
    for code, states in data.states(None, 0, MAX_AGE, None, day).items():
        if code not in scope:
            continue
        for state, instances in states.items():
            for inst in instances:
                found.setdefault(inst, (state, set()))[1].add(code)
    return found


def _status_text(row, day: dt.date) -> str | None:
    """The status in force on ``day`` as a planner reads it: "depuis" only for a start a source gives;
    a status of unknown start says so, with the period its sources speak of (never as a start)."""
    status = rules.status_on(row.lifecycle, day) if row.lifecycle else None
    if status is None:
        return f"aucun statut connu le {french_date(day)}"
    if status.valid_from is not None:
        text = f"{status.label} depuis le {french_date(status.valid_from)}"
    else:
        text = f"{status.label}, début inconnu"
        if status.attested_from is not None and status.observed is not None:
            text += f" (attesté {french_span(status.attested_from, status.observed)})"
    return f"{text} — {status.note}" if getattr(status, "note", None) else text


def diff_dates(session: Session, on: str | dt.date, vs: str | dt.date, territory: str | None = None) -> DateDiff:
    """Which instances reach which communes of ``territory`` (None: France) on ``on`` and on ``vs``, by
    state; each instance that appeared, disappeared or changed, with its status and sources, and the
    handovers between them."""
    from core.terms import parse_date

    day_a, day_b = parse_date(on), parse_date(vs)
    data = session.tables
    label, scope = scope_communes(session, data, territory)
    ra, rb = _reach_on(data, scope, day_a), _reach_on(data, scope, day_b)
    rows: dict[str, CoverageRow] = {}
    for c in data.coverages:
        rows.setdefault(c.instance, c)
    reaches = []
    for inst in sorted(set(ra) | set(rb)):
        (sa, ca), (sb, cb) = ra.get(inst, (None, set())), rb.get(inst, (None, set()))
        if sa == sb and ca == cb:
            continue
        change = ADDED if sa is None else REMOVED if sb is None else CHANGED
        if change == CHANGED and ca == cb and rules.UNKNOWN in (sa, sb):
            change = BECAME_KNOWN if sa == rules.UNKNOWN else BECAME_UNKNOWN
        row = rows[inst]
        reaches.append(Reach(
            inst, row.name, row.type, change,
            sa and rules.STATE_LABELS[sa], sb and rules.STATE_LABELS[sb], len(ca), len(cb),
            data.population(ca), data.population(cb), tuple(sorted(cb - ca)), tuple(sorted(ca - cb)),
            _status_text(row, day_a) if sa else None, _status_text(row, day_b) if sb else None, row.sources,
        ))
    relays = []
    gone = [r for r in reaches if r.change == REMOVED]
    came = [r for r in reaches if r.change == ADDED]
    for g in gone:
        for c in came:
            if not data.functions_overlap(g.type, c.type):
                continue
            shared = ra[g.instance][1] & rb[c.instance][1]
            if shared:
                relays.append(Relay(g.instance, c.instance, len(shared), data.population(shared)))
    types = {c.type for c in data.coverages}
    return DateDiff(label, day_a, day_b, reaches, relays, _type_reach(data, data, types, day_a, day_b, scope))
