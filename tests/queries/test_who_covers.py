"""The coverage question on the real registry and the real geography."""

from __future__ import annotations

import pytest

from core.errors import AmbiguousPlace, InvalidQuery, PlaceNotFound
from queries.coverage import who_covers


def _by_id(answer):
    return {c.instance_id: c for c in answer.instances}


def test_muret_children_include_the_toulouse_sud_ilc(backend):
    answer = who_covers(backend, "Muret", ages="0-12", on="2024-06-01")
    assert answer.commune.code == "31395"
    ilc = _by_id(answer)["ilc-toulouse-sud"]
    [reach] = ilc.coverages
    assert ilc.type == "ILC" and reach.level == "territoire"
    assert reach.territory == "toulouse-sud"
    roles = {(r.role, r.actor_id or r.function) for r in ilc.roles}
    assert ("carrier", "reso") in roles
    assert ("copilot", "rap31") in roles
    assert ("copilot", "chargé de mission") in roles
    assert ilc.status is not None and ilc.status.value == "project"
    assert reach.ages.min == 0 and reach.ages.max == 12
    assert any(s.file == "seeds/000_585430d0b20102eb.txt" and "Toulouse" in s.excerpt for s in ilc.sources)


def test_saint_gaudens_children_include_the_comminges_ilc_and_its_coordinator(backend):
    ilc = _by_id(who_covers(backend, "Saint-Gaudens", ages="0-12", on="2024-06-01"))["ilc-comminges"]
    coordinators = {r.actor_id for r in ilc.roles if r.role == "coordinator"}
    assert "mds-saint-gaudens" in coordinators
    assert ilc.status is not None and ilc.status.value == "active"


def test_comminges_adolescents_find_the_rap31_clinical_scheme(backend):
    answer = _by_id(who_covers(backend, "Saint-Gaudens", ages="13-17", on="2024-06-01"))
    assert "rap-clinique-comminges" in answer
    assert "ilc-comminges" not in answer  # 0-12 only


def test_muret_is_outside_the_comminges(backend):
    answer = _by_id(who_covers(backend, "Muret", ages="13-17", on="2024-06-01"))
    assert "rap-clinique-comminges" not in answer and "ilc-comminges" not in answer


def test_a_date_selects_the_schemes_in_force(backend):
    before = _by_id(who_covers(backend, "Muret", on="2020-01-01"))
    after = _by_id(who_covers(backend, "Muret", on="2024-06-01"))
    assert "pta-31" in before and "dac-31" not in before
    assert "dac-31" in after and "pta-31" not in after


def test_status_changes_with_the_date(backend):
    answer = who_covers(backend, "31488", ages="0-12", on="2019-06-01")  # Saint-Jean
    statuses = [s.value for s in _by_id(answer)["ilc-saint-jean"].history]
    assert statuses[0] == "pilot" and statuses[-1] == "abandoned"


def test_public_filter_keeps_broader_publics_and_everyone(backend):
    answer = _by_id(who_covers(backend, "Muret", public="personnes-sans-domicile", on="2024-06-01"))
    assert "siao-31" in answer
    assert "ilc-toulouse-sud" not in answer  # enfants only
    assert all(set(r.publics) & {"tout-public", "personnes-sans-domicile", "personnes-precaires"}
               for c in answer.values() for r in c.coverages)


@pytest.mark.parametrize("text", ["MURET", "muret", "  Muret ", "31395"])
def test_case_accents_and_codes(backend, text):
    assert who_covers(backend, text, ages="0-12").commune.code == "31395"


def test_accents_are_ignored(backend):
    assert who_covers(backend, "saint gaudens").commune.code == "31483"
    assert who_covers(backend, "SAINT-GAUDENS").commune.code == "31483"
    assert who_covers(backend, "Ajaccio").commune.code == "2A004"
    assert who_covers(backend, "2b033").commune.code == "2B033"  # Bastia


def test_homonyms_are_listed_to_choose_from(backend):
    with pytest.raises(AmbiguousPlace) as caught:
        who_covers(backend, "Sainte-Colombe")
    codes = {c.code for c in caught.value.candidates}
    assert len(codes) == 12 and {"46260", "05135"} <= codes
    assert "précisez le code INSEE" in str(caught.value)


def test_unknown_names_get_the_closest_matches(backend):
    with pytest.raises(PlaceNotFound) as caught:
        who_covers(backend, "Murret")
    assert caught.value.suggestions[0].code == "31395"


def test_unknown_code(backend):
    with pytest.raises(PlaceNotFound):
        who_covers(backend, "31999")


@pytest.mark.parametrize("text", ['Muret" } DROP ALL #', "Muret> ?x", "') ; MATCH (n) DETACH DELETE n //"])
def test_what_a_user_types_never_becomes_query_syntax(backend, text):
    with pytest.raises(PlaceNotFound):
        who_covers(backend, text)
    assert who_covers(backend, "Muret").commune.code == "31395"


@pytest.mark.parametrize("ages", ["12-0", "0-130", "abc", "-3"])
def test_bad_ages_are_refused_in_french(backend, ages):
    with pytest.raises(InvalidQuery, match="Âges"):
        who_covers(backend, "Muret", ages=ages)


def test_bad_date_and_public_are_refused(backend):
    with pytest.raises(InvalidQuery, match="Date"):
        who_covers(backend, "Muret", on="2024-13-01")
    with pytest.raises(InvalidQuery, match="Public"):
        who_covers(backend, "Muret", public="martiens")


def test_a_commune_outside_the_registry_has_no_coverage(backend):
    answer = who_covers(backend, "Lille")
    assert answer.instances == [] and answer.knowledge.registry == "hors-registre"
