"""Territories of a commune, instances in a territory, actors of an instance, on the real data."""

from __future__ import annotations

import pytest

from core.errors import InvalidQuery
from queries.actors import instance_actors
from queries.territories import instances_in, territories_of


def test_territories_of_muret(backend):
    found = [(t.level, t.id) for t in territories_of(backend, "Muret")]
    assert found == [("commune", "31395"), ("epci", "200068641"), ("territoire", "toulouse-sud"),
                     ("departement", "31"), ("region", "76")]


def test_instances_of_a_type_in_a_territory(backend):
    cls = {i.id for i in instances_in(backend, "departement:48", type="CLS", on="2024-06-01")}
    assert "cls-gorges-causses-cevennes" in cls
    assert all(i.type == "CLS" for i in instances_in(backend, "departement:48", type="cls", on="2024-06-01"))
    everything = {i.type for i in instances_in(backend, "departement:48", on="2024-06-01")}
    assert {"SIAO", "PTSM", "EMPP"} <= everything
    assert not {i.id for i in instances_in(backend, "departement:48", on="2024-06-01")} & {"dac-31", "ilc-comminges"}


def test_instances_follow_the_date(backend):
    before = {i.id for i in instances_in(backend, "Muret", on="2020-01-01")}
    after = {i.id for i in instances_in(backend, "Muret", on="2024-06-01")}
    assert "pta-31" in before and "pta-31" not in after and "dac-31" in after


def test_unknown_type_is_refused(backend):
    with pytest.raises(InvalidQuery):
        instances_in(backend, "departement:31", type="XYZ")


def test_actors_of_an_instance_are_organisations_or_functions(backend):
    actors = instance_actors(backend, "ilc-toulouse-sud")
    assert ("carrier", "reso") in {(a.role, a.actor_id) for a in actors}
    functions = [a for a in actors if a.actor_id is None]
    assert [a.function for a in functions] == ["chargé de mission"] and functions[0].name is None
