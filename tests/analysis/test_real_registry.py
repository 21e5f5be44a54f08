"""What the seeds say is visible in the analyses of the real registry."""

from __future__ import annotations

import pytest

from analysis.ask import gap_rows, gaps_in, network_of, overlaps_in
from analysis.gaps import COVERED, GAP, PROJECT, UNKNOWN
from core.errors import InvalidQuery


def _status(backend, answer) -> dict[str, str]:
    return {row["code"]: row["statut"] for row in gap_rows(backend, answer)}


def test_ilc_pilots_versus_the_rest_of_haute_garonne_for_0_12(backend):
    answer = gaps_in(backend, "departement:31", type="ILC", ages="0-12", on="2020-06-01")
    [report] = answer.reports
    status = _status(backend, answer)
    # Comminges (Saint-Gaudens) has its ILC at work; Toulouse-Sud (Muret) and Lauragais (Villefranche)
    # have theirs planned: not coverage, their own category ...
    assert status["31483"] == COVERED and status["31395"] == status["31582"] == PROJECT
    # ... the rest of the département has none, and the RAP 31's report lists them all (an inventory,
    # deduced: the report says so).
    assert status["31555"] == GAP
    assert report.population[UNKNOWN] == 0
    assert 0 < report.population[COVERED] + report.population[PROJECT] < report.population[GAP]
    assert [i["id"] for i in report.inventories] == ["ilc-31-2019"]
    assert "déduit" in report.notes[0]


def test_without_an_inventory_uncovered_communes_are_unknown(backend):
    [report] = gaps_in(backend, "departement:48", type="CPTS", on="2026-12-01").reports
    # Lozère: the CPTS the sources name (planned) reach part of it; nothing says the list is complete.
    assert report.population[PROJECT] > 0 and report.population[UNKNOWN] > 0 and report.population[GAP] == 0
    assert report.expected and str(report.due) == "2026-12-31"


def test_expected_types_by_default(backend):
    types = {r.type for r in gaps_in(backend, "departement:31", on="2024-06-01").reports}
    assert types == {"DAC", "SIAO", "PTSM", "CPTS", "MDPH"}


def test_overlaps_around_saint_gaudens_are_explained(backend):
    found = overlaps_in(backend, "commune:31483").overlaps
    dac = next(o for o in found if {o.a, o.b} == {"dac-31", "rap-31"})
    assert dac.reason == "types apparentés (DAC ~ RESEAU)" and dac.start is not None and dac.sources
    assert all(0 < o.score <= 1 for o in found)


def test_actors_network_of_haute_garonne(backend):
    answer = network_of(backend, "departement:31")
    by = {a.actor: a for a in answer.actors}
    top = answer.actors[0]
    assert top.betweenness > 0 and top.betweenness == max(a.betweenness for a in answer.actors)
    # The RAP 31 and the CD 31 work together on the ILC: one community.
    assert by["rap31"].community == by["cd31"].community
    assert all(r.departement == "31" for r in answer.redundancies)


def test_bad_territory_is_a_clear_error(backend):
    with pytest.raises(InvalidQuery, match="mal écrit"):
        overlaps_in(backend, "Haute-Garonne")
    with pytest.raises(InvalidQuery, match="inconnu"):
        gaps_in(backend, "departement:00")
    with pytest.raises(InvalidQuery, match="Type"):
        gaps_in(backend, "departement:31", type="XYZ")


def test_dac_31_covers_the_whole_departement_since_july_2022(backend):
    """The DAC rule names no public: the DAC 31, for people in complex situations, covers every commune."""
    [after] = gaps_in(backend, "departement:31", type="DAC", on="2024-06-01").reports
    [before] = gaps_in(backend, "departement:31", type="DAC", on="2022-06-30").reports
    assert after.population[UNKNOWN] == after.population[GAP] == 0 and len(after.communes[COVERED]) == 586
    assert before.population[COVERED] == 0
