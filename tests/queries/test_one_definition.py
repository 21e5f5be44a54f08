"""Every consumer of "covers" and "in force" agrees with ``core.rules``, on every commune of
Haute-Garonne and Lozère × every scheme type × four dates: the coverage question (named question and
index), the instance lists, the coverage layer and the gaps layer."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from analysis.ask import gap_layer
from core import rules
from core.namespaces import local
from queries.coverage import who_covers
from queries.instances import list_instances
from queries.layer import coverage_layer
from store.cards import parse_card
from store.session import open_backend
from store.tables import with_publics

pytestmark = pytest.mark.equivalence

DEPARTEMENTS = ("31", "48")
DATES = [dt.date(2019, 6, 1), dt.date(2022, 1, 1), dt.date(2024, 6, 1), dt.date(2026, 11, 23)]


@pytest.fixture(scope="module")
def sessions(national):
    one_shot, long_lived = open_backend(national), open_backend(national, long_lived=True).warm()
    yield one_shot, long_lived
    one_shot.close()
    long_lived.close()


@pytest.fixture(scope="module")
def truth(sessions):
    """(type, day) → commune → instances, and (type, day) → instances with a coverage in force, in 31 and
    48, computed here from the raw rows and the rules alone."""
    session = sessions[0]
    communes = defaultdict(set)
    for r in session.run("covered_communes"):
        communes[r["territory"]].add(r["code"])
    covers: dict = defaultdict(lambda: defaultdict(set))
    in_force: dict = defaultdict(set)
    for r, _publics in with_publics(session.run("analysis_coverages")).values():
        card = parse_card(r["card"])
        reached = {c for c in communes[r["territory"]] if c[:2] in DEPARTEMENTS}
        for day in DATES:
            if reached and rules.coverage_in_force(r["from"], r["to"], card.history, day):
                in_force[card.type, day].add(card.instance_id)
            if rules.covers(r["from"], r["to"], card.history, day):
                for code in reached:
                    covers[card.type, day][code].add(card.instance_id)
    return covers, in_force


def _types(session) -> list[str]:
    return sorted({parse_card(r["card"]).type for r in session.run("analysis_coverages")})


def test_both_layers_cover_as_the_rules_say(sessions, truth):
    covers, _ = truth
    session = sessions[1]
    for dep in DEPARTEMENTS:
        for type_ in _types(session):
            for day in DATES:
                expected = covers[type_, day]
                layer = coverage_layer(session, "departement", dep, type=type_, on=day)
                gaps = gap_layer(session, f"departement:{dep}", type_, ages="0-120", on=day)
                by_layer = {c.code: set(c.instances) for c in layer.communes if c.status == "couverte"}
                by_gaps = {c.code: set(c.instances) for c in gaps.communes if c.status == "couvert"}
                assert by_layer == {k: v for k, v in expected.items() if k[:2] == dep}, (dep, type_, day)
                assert by_gaps == by_layer, (dep, type_, day)
                planned = {c.code: c.instances for c in layer.communes if c.status == "en-projet"}
                assert planned == {c.code: c.instances for c in gaps.communes if c.status == "en projet"}


def test_who_covers_lists_the_coverages_in_force_and_says_which_cover(sessions, truth):
    covers, _ = truth
    one_shot, long_lived = sessions
    communes = sorted(c for c in one_shot.places.codes() if c[:2] in DEPARTEMENTS)
    for day in DATES:
        for code in communes[::3]:  # a third of the communes, both ways; the index covers all below
            asked = who_covers(one_shot, code, on=day)
            assert [r.coverage_id for c in asked.instances for r in c.coverages] == [
                r.coverage_id for c in who_covers(long_lived, code, on=day).instances for r in c.coverages]
        for code in communes:
            answer = who_covers(long_lived, code, on=day)
            found = defaultdict(set)
            for c in answer.instances:
                assert c.state == rules.state_on(c.history, day)
                for r in c.coverages:
                    assert rules.in_force(r.valid_from, r.valid_to, day)
                    if rules.covers(r.valid_from, r.valid_to, c.history, day):
                        found[c.type].add(c.instance_id)
            for type_ in set(found) | {t for (t, d) in covers if d == day}:
                assert found.get(type_, set()) == covers[type_, day].get(code, set()), (code, type_, day)


def test_instance_lists_keep_the_instances_with_a_coverage_in_force(sessions, truth):
    _, in_force = truth
    session = sessions[0]
    for type_ in _types(session):
        for day in DATES:
            listed = set()
            for dep in DEPARTEMENTS:
                listed |= {i.id for i in list_instances(session, type=type_, territory=f"departement:{dep}", on=day)}
            assert listed == in_force[type_, day], (type_, day)


def test_where_the_registry_looked_is_the_same_from_the_tables_and_the_named_question(sessions):
    """``surveys_of``: the long-lived session's index of the tables against the named question, on every
    commune a survey or an inventory holds (Provence-Alpes-Côte d'Azur's included) and a few none does."""
    one_shot, long_lived = sessions
    tables = long_lived.tables
    held = set().union(*(tables.communes_of(x.territory) for x in [*tables.surveys, *tables.inventories]))
    codes = sorted(held)[::7] + ["2A004", "97411", "59350"]
    assert len(codes) > 100
    for code in codes:
        assert sorted(long_lived.surveys_of(code), key=str) == sorted(one_shot.surveys_of(code), key=str), code
