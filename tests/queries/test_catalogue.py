"""Place search, territories and their communes, scheme types, instances, actors, paths and the map layer,
on the real national build."""

from __future__ import annotations

import pytest

from core.errors import InvalidQuery, NotFound
from queries.actors import actor, list_actors
from queries.catalogue import publics, scheme_types, search_places, territories_of_kind, territory, territory_communes
from queries.coverage import who_covers
from queries.instances import instance_detail, list_instances
from queries.layer import coverage_layer


def _kinds(found):
    return [(p.kind, p.code, p.name) for p in found]


def test_region_53_is_not_departement_53(backend):
    assert _kinds(search_places(backend, "53")) == [("departement", "53", "Mayenne"), ("region", "53", "Bretagne")]
    assert _kinds(search_places(backend, "53", kind="region")) == [("region", "53", "Bretagne")]
    assert _kinds(search_places(backend, "53", kind="departement")) == [("departement", "53", "Mayenne")]


def test_names_with_accents_case_and_homonyms(backend):
    assert search_places(backend, "SAINT GAUDENS", kind="commune")[0].code == "31483"
    assert _kinds(search_places(backend, "lozere"))[0] == ("departement", "48", "Lozère")
    colombes = [p for p in search_places(backend, "Sainte-Colombe", kind="commune") if p.match == "exact"]
    assert len(colombes) == 12 and len({p.departement for p in colombes}) > 1
    assert [p.code for p in search_places(backend, "2a004")][:1] == ["2A004"]
    assert search_places(backend, "Murret")[0].code == "31395" and search_places(backend, "Murret")[0].match == "approchant"
    with pytest.raises(InvalidQuery):
        search_places(backend, "53", kind="canton")


def test_territories_and_their_communes(backend):
    assert territory(backend, "departement", "31").communes == 586
    members = {c.code for c in territory_communes(backend, "territoire", "toulouse-sud")}
    assert "31395" in members and len(members) == territory(backend, "territoire", "toulouse-sud").communes
    assert [c.code for c in territory_communes(backend, "commune", "31395")] == ["31395"]
    assert len(territories_of_kind(backend, "region")) == 26 and len(territories_of_kind(backend, "departement")) == 109
    with pytest.raises(NotFound):
        territory(backend, "departement", "99")


def test_skos_schemes(backend):
    types = {t.notation: t for t in scheme_types(backend)}
    assert {"DAC", "ILC", "CPTS", "PTA"} <= set(types) and types["ILC"].label == "Instance locale de concertation"
    broader = {p.notation: p.broader for p in publics(backend)}
    assert "personnes-precaires" in broader["personnes-sans-domicile"]


def test_the_path_explains_each_answer(backend):
    found = {c.instance_id: c.coverages[0] for c in who_covers(backend, "Muret", ages="0-12", on="2024-06-01").instances}
    assert [(s.level, s.id) for s in found["ilc-toulouse-sud"].path] == [
        ("commune", "31395"), ("epci", "200068641"), ("territoire", "toulouse-sud")]
    assert [s.level for s in found["dac-31"].path] == ["commune", "departement"]
    for c in found.values():
        assert c.path[0].id == "31395" and c.path[-1].id == c.territory


def test_instances_filtered_by_type_territory_public_and_date(backend):
    ilc = list_instances(backend, type="ilc", on="2024-06-01")
    assert ilc and all(i.type == "ILC" for i in ilc)
    lozere = {i.id for i in list_instances(backend, territory="departement:48", on="2024-06-01")}
    assert "cls-gorges-causses-cevennes" in lozere and "dac-31" not in lozere
    children = {i.id for i in list_instances(backend, public="enfants", on="2024-06-01")}
    assert "ilc-toulouse-sud" in children
    assert "pta-31" in {i.id for i in list_instances(backend, on="2020-01-01")}
    assert "pta-31" not in {i.id for i in list_instances(backend, on="2024-06-01")}
    with pytest.raises(InvalidQuery):
        list_instances(backend, type="XYZ")


def test_one_instance_in_full(backend):
    ilc = instance_detail(backend, "ilc-toulouse-sud", on="2024-06-01")
    assert ilc.status.value == "project" and ilc.coverages[0].territory == "toulouse-sud"
    assert ("carrier", "reso") in {(a.role, a.actor_id) for a in ilc.actors} and ilc.sources
    with pytest.raises(NotFound):
        instance_detail(backend, "nope")


def test_actors_and_their_roles(backend):
    assert {a.id for a in list_actors(backend)} >= {"rap31", "reso"}
    assert "ilc-toulouse-sud" in {r.instance_id for r in actor(backend, "reso").roles}
    with pytest.raises(NotFound):
        actor(backend, "nope")


def test_the_layer_agrees_with_who_covers(backend):
    layer = coverage_layer(backend, "departement", "31", type="ILC", ages="0-12", on="2024-06-01")
    by_code = {c.code: c for c in layer.communes}
    assert len(by_code) == 586 and by_code["31395"].instances == ["ilc-toulouse-sud"]
    assert by_code["31395"].status == "en-projet" and by_code["31395"].inferred  # planned, perimeter deduced
    for code in ("31395", "31555", "31483", "31001"):
        answer = who_covers(backend, code, ages="0-12", on="2024-06-01", type="ILC")
        active = sorted(c.instance_id for c in answer.instances if c.state == "actif")
        planned = sorted(c.instance_id for c in answer.instances if c.state == "en-projet")
        assert by_code[code].instances == (active or planned)
        assert by_code[code].status == ("couverte" if active else "en-projet" if planned else "non-couverte")
