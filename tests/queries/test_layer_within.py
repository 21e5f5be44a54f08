"""Map layers read only what touches their communes (``AnalysisData`` with ``within``) and answer as
before: the same as the whole country's tables cut to the layer, and the same as asking the coverage
question commune by commune, on every commune of Haute-Garonne, Lozère and Occitanie."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis.ask import gap_layer
from core import rules
from core.namespaces import local
from queries.coverage import who_covers
from queries.layer import coverage_layer
from store.session import open_backend

pytestmark = pytest.mark.equivalence

TERRITORIES = (("departement", "31"), ("departement", "48"), ("region", "76"))
DATES = (dt.date(2019, 6, 1), dt.date(2024, 6, 1), dt.date(2026, 11, 23))


@pytest.fixture(scope="module")
def session(national):
    s = open_backend(national, long_lived=True).warm()
    yield s
    s.close()


def _types(session) -> list[str | None]:
    return [None, *sorted({c.type for c in session.tables.coverages})]


@pytest.mark.parametrize("kind, code", TERRITORIES)
def test_tables_within_a_territory_are_the_country_cut_to_it(session, kind, code):
    data = session.tables
    within = frozenset(c for c in data.territory_communes.get(f"https://w3id.org/maillage/{kind}/{code}", ()))
    assert within
    for type_ in _types(session):
        for day in DATES:
            whole = data.states(type_, 0, 120, None, day)
            assert data.states(type_, 0, 120, None, day, within) == {k: v for k, v in whole.items() if k in within}
            assert data.inferred_reach(type_, 0, 120, None, day, within) == {
                (k, s) for k, s in data.inferred_reach(type_, 0, 120, None, day) if k in within}
            assert data.surveyed(type_, within) == data.surveyed(type_) & within
            if type_ is not None:
                cut, stale = data.inventoried(type_, day, within)
                all_codes, all_stale = data.inventoried(type_, day)
                assert (cut, stale) == (all_codes & within, all_stale)


@pytest.mark.parametrize("kind, code", TERRITORIES)
def test_the_coverage_layer_says_what_the_question_says_commune_by_commune(session, kind, code):
    for day in DATES:
        layer = coverage_layer(session, kind, code, on=day)
        assert len(layer.communes) > 100
        for commune in layer.communes:
            answer = who_covers(session, commune.code, on=day)
            active = {i.instance_id for i in answer.instances if i.state == rules.ACTIVE}
            assert {local(i) for i in commune.instances if commune.status == "couverte"} == active, (commune.code, day)
            assert (commune.status == "couverte") == bool(active)


def test_the_gaps_layer_agrees_with_the_coverage_layer(session):
    for day in DATES:
        for type_ in ("DAC", "CPTS"):
            gaps = gap_layer(session, "region:76", type_, ages="0-120", on=day)
            layer = coverage_layer(session, "region", "76", type=type_, on=day)
            assert {c.code for c in gaps.communes if c.status == "couvert"} == {
                c.code for c in layer.communes if c.status == "couverte"}


#: a commune's status from its states: the first that holds
_FIRST = ((rules.ACTIVE, "couverte"), (rules.PROJECT, "en-projet"), (rules.SUSPENDED, "suspendue"),
          (rules.UNKNOWN, "inconnue"))


def _per_commune(data, codes, types, ages, day) -> list[tuple]:
    """The layer as the tables say it commune by commune: each type's states and deduced reach merged,
    then the first state that holds (how the layer was computed before it decided per set of
    territories)."""
    states, deduced, surveyed = {}, set(), set()
    for type_ in types:
        reached, inferred = data.reach(type_, *ages, None, day, codes)
        for code, by_state in reached.items():
            for state, found in by_state.items():
                states.setdefault(code, {}).setdefault(state, set()).update(found)
        deduced |= inferred
        surveyed |= data.surveyed(type_, codes)
    rows, looked = [], data.surveyed(None, codes)
    for code in sorted(codes):
        here = states.get(code, {})
        first = next(((s, status) for s, status in _FIRST if here.get(s)), None)
        if first is None:
            elsewhere = "type-non-recense" if code in looked else "hors-registre"
            rows.append((code, "non-couverte" if code in surveyed else elsewhere, [], False))
        else:
            rows.append((code, first[1], sorted(here[first[0]]), (code, first[0]) in deduced))
    return rows


@pytest.mark.parametrize("kind, code", TERRITORIES)
def test_the_layer_decided_per_set_of_territories_is_the_tables_commune_by_commune(session, kind, code):
    data = session.tables
    kinds = sorted({c.type for c in data.coverages})
    for types in ([None], ["DAC"], ["CPTS", "DAC"], kinds):
        for ages in ((0, 120), (0, 12), (60, 120)):
            for day in DATES:
                layer = coverage_layer(session, kind, code, type=[t for t in types if t], ages=f"{ages[0]}-{ages[1]}",
                                       on=day)
                codes = frozenset(c.code for c in layer.communes)
                assert [(c.code, c.status, c.instances, c.inferred) for c in layer.communes] == _per_commune(
                    data, codes, types, ages, day), (types, ages, day)
