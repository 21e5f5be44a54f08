"""What if, on the real registry: hypothetical changes move exactly the communes they touch, create or
remove the overlaps they should, and leave the live build as it was."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import pytest

from analysis import gaps as G
from analysis.ask import gaps_in
from analysis.overlaps import overlap_score
from analysis.scenario import read_scenario
from analysis.whatif import what_if
from core.errors import InvalidQuery

ON = "2026-12-01"
GEVAUDAN = "epci:244800470"  # CC du Gévaudan, Lozère: 12 communes


def _ask(backend, *changes):
    return what_if(backend, read_scenario({"on": ON, "changes": list(changes)}))


def _status(backend, territory, type, ages=None):
    [report] = gaps_in(backend, territory, type, ages, None, ON).reports
    return {code: category for category, codes in report.communes.items() for code in codes}


def test_a_cpts_on_the_communes_of_an_epci_covers_exactly_them(backend):
    data = backend.tables
    gevaudan = set(data.communes_of("https://w3id.org/maillage/epci/244800470")) or {
        c for c in _status(backend, GEVAUDAN, "CPTS")}
    assert len(gevaudan) == 12
    before = _status(backend, "departement:48", "CPTS")
    answer = _ask(backend, {"kind": "new", "type": "CPTS", "name": "CPTS du Gévaudan", "perimeter": [GEVAUDAN]})
    assert {c.code for c in answer.communes} == gevaudan
    for c in answer.communes:
        assert (c.type, c.ages, c.before, c.after) == ("CPTS", (0, 120), before[c.code], G.COVERED)
        assert c.population == data.communes[c.code].population
    moved = sum(m.population for m in answer.moves)
    assert moved == data.population(gevaudan) > 0 and sum(m.communes for m in answer.moves) == 12
    [balance] = answer.balances
    assert balance.departement == "48"
    assert balance.population_after[G.COVERED] - balance.population_before[G.COVERED] == moved
    assert answer.instances == ["hypothese-1"] and "CPTS du Gévaudan" in answer.changes[0]


def test_an_ilc_on_toulouse_sud_creates_the_overlap_with_the_existing_one(backend):
    data = backend.tables
    answer = _ask(backend, {"kind": "new", "type": "ILC", "ages": "0-12", "publics": ["enfants"],
                            "perimeter": ["territoire:toulouse-sud"]})
    [created] = [o for o in answer.overlaps if "ilc-toulouse-sud" in (o.a, o.b)]
    assert created.change == "créé" and created.score_before is None and created.reason == "même type"
    territory = data.communes_of("https://w3id.org/maillage/territoire/toulouse-sud")
    people = data.population(territory)
    assert created.population_after == people and created.communes_after == len(territory)
    assert created.score_after == overlap_score(people, people, people, (0, 12), (0, 12), (0, 12)) == 1.0
    # the existing ILC is only planned on the day: counted as realised, and said so
    assert created.planned == ("ilc-toulouse-sud",) and created.departements == ("31",)
    assert {(m.type, m.ages, m.after) for m in answer.moves} == {("ILC", (0, 12), G.COVERED)}


def test_ending_the_dac_31_uncovers_haute_garonne(backend):
    data = backend.tables
    before = _status(backend, "departement:31", "DAC")
    covered = {code for code, category in before.items() if category == G.COVERED}
    assert len(covered) > 500
    inventoried, _ = data.inventoried("DAC", dt.date.fromisoformat(ON))
    answer = _ask(backend, {"kind": "end", "instance": "dac-31"})
    dac = [c for c in answer.communes if c.type == "DAC"]
    assert {c.code for c in dac} == covered
    for c in dac:
        assert (c.before, c.after) == (G.COVERED, G.GAP if c.code in inventoried else G.UNKNOWN)
    assert sum(m.population for m in answer.moves if m.type == "DAC") == data.population(covered)
    removed = {(o.a, o.b) for o in answer.overlaps if o.change == "supprimé"}
    assert removed and all("dac-31" in pair for pair in removed)


def test_a_perimeter_cut_and_enlarged_moves_only_what_changes(backend):
    cut = _ask(backend, {"kind": "perimeter", "instance": "cpts-terre-des-sources", "remove": ["epci:200069151"]})
    lost = {c.code for c in cut.communes}
    assert lost and lost <= set(backend.tables.communes_of("https://w3id.org/maillage/epci/200069151"))
    assert {c.before for c in cut.communes} == {G.COVERED}
    grown = _ask(backend, {"kind": "perimeter", "instance": "cpts-terre-des-sources", "add": [GEVAUDAN]})
    assert {c.after for c in grown.communes} == {G.COVERED} and len(grown.communes) == 12


def test_unknown_names_are_refused_with_their_entry(backend):
    with pytest.raises(InvalidQuery, match=r"changement 2\) : dispositif « dac-99 » inconnu"):
        _ask(backend, {"kind": "end", "instance": "dac-31"}, {"kind": "end", "instance": "dac-99"})
    with pytest.raises(InvalidQuery, match=r"changement 1\) : périmètre « epci:999999999 »"):
        _ask(backend, {"kind": "new", "type": "CPTS", "perimeter": ["epci:999999999"]})
    with pytest.raises(InvalidQuery, match=r"changement 1\) : Type de dispositif « ZZZ » inconnu"):
        _ask(backend, {"kind": "new", "type": "ZZZ", "perimeter": [GEVAUDAN]})
    with pytest.raises(InvalidQuery, match=r"changement 1\) : Public « tous » inconnu"):
        _ask(backend, {"kind": "new", "type": "CPTS", "publics": ["tous"], "perimeter": [GEVAUDAN]})


def _fingerprint(*folders: Path) -> dict[str, str]:
    found = {}
    for folder in folders:
        for root, _, files in os.walk(folder):  # links (the geography cache) are not followed
            for name in files:
                path = Path(root) / name
                if not path.is_symlink():
                    found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def test_the_live_build_is_untouched(national, backend):
    before = _fingerprint(national.data_dir, national.registry)
    tables = backend.tables
    coverages, territories = list(tables.coverages), dict(tables.territory_communes)
    _ask(backend, {"kind": "new", "type": "CPTS", "perimeter": [GEVAUDAN]}, {"kind": "end", "instance": "dac-31"},
         {"kind": "perimeter", "instance": "cpts-terre-des-sources", "remove": ["epci:200069151"], "add": ["Mende"]})
    assert _fingerprint(national.data_dir, national.registry) == before
    assert backend.tables is tables and tables.coverages == coverages and tables.territory_communes == territories


def test_an_arrondissement_is_read_as_its_whole_commune_and_said(backend):
    answer = _ask(backend, {"kind": "new", "type": "CPTS", "perimeter": ["75115"]},
                  {"kind": "perimeter", "instance": "hypothese-1", "add": ["commune:48095"]})
    assert {c.code for c in answer.communes if c.type == "CPTS"} >= {"75056", "48095"}
    assert any("« 75115 » est lu comme la commune entière de Paris (75056)" in n for n in answer.notes)
    assert not any("48095" in n for n in answer.notes)
