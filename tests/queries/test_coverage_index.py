"""The coverage question answered from memory (the API's way) equals the named question (the CLI's way)."""

from __future__ import annotations

import random

import pytest

from core import jsonable
from store.session import open_backend
from queries.coverage import who_covers

pytestmark = pytest.mark.equivalence

#: every level of coverage: commune (Toulouse), EPCI (Florac), custom territory through an EPCI (Muret,
#: Langogne), a commune listed by name in a custom territory (Saint-Gaudens), région only (Paris)
LANDMARKS = ["31555", "48061", "31395", "48080", "31483", "75056", "2A004", "97411"]
AGES = ["0-12", "13-17", "18-59", "60-120", None]
PUBLICS = [None, "enfants", "personnes-sans-domicile", "personnes-precaires", "tout-public"]
DATES = ["2019-06-01", "2022-01-01", "2024-06-01", "2026-11-23"]
#: the real registry's ground: Occitanie's départements and Corsica
DEPARTEMENTS = ("09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82", "2A", "2B")


@pytest.fixture(scope="module")
def both(national):
    queried, indexed = open_backend(national), open_backend(national, long_lived=True)
    indexed.warm()
    yield queried, indexed
    queried.close()
    indexed.close()


def _cases():
    rng = random.Random(31)
    yield from ((code, ages, None, "2024-06-01") for code in LANDMARKS for ages in AGES)
    yield from ((code, None, None, "2026-11-23") for code in ("13055", "13214", "13201"))
    for _ in range(300):
        yield None, rng.choice(AGES), rng.choice(PUBLICS), rng.choice(DATES)


def test_the_index_answers_as_the_named_question(both):
    queried, indexed = both
    codes = sorted(c for c in queried.places.codes() if c.startswith(DEPARTEMENTS))
    rng, compared, answered = random.Random(48), 0, 0
    for code, ages, public, day in _cases():
        code = code or rng.choice(codes)
        expected = jsonable.plain(who_covers(queried, code, ages, public, day))
        assert jsonable.plain(who_covers(indexed, code, ages, public, day)) == expected, (code, ages, public, day)
        compared += 1
        answered += bool(expected["instances"])
    assert compared == len(LANDMARKS) * len(AGES) + 3 + 300
    assert answered > compared // 3  # the comparison is mostly not between empty answers


def test_a_path_names_each_territory_once(both):
    _, indexed = both
    florac = [r for c in who_covers(indexed, "48061", on="2024-06-01").instances for r in c.coverages]
    through_epci = [c for c in florac if c.level == "epci"]
    assert through_epci, "Florac is covered through its EPCI (CLS Gorges Causses Cévennes)"
    for coverage in florac:
        ids = [(s.level, s.id) for s in coverage.path]
        assert len(ids) == len(set(ids)), ids
    assert [s.level for s in through_epci[0].path] == ["commune", "epci"]
