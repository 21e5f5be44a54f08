"""What the graph knows about its own knowledge reaches every answer (issue "answers a planner can
trust"), on the real registry: states, freshness, confidence, where the registry is silent."""

from __future__ import annotations

import datetime as dt

from analysis.ask import gap_layer, gaps_in, overlaps_in
from analysis.gaps import COVERED, PROJECT
from queries.coverage import who_covers
from queries.instances import instance_detail, list_instances
from queries.layer import coverage_layer

TODAY = dt.date(2026, 12, 1)


def _by_id(answer):
    return {c.instance_id: c for c in answer.instances}


def test_muret_today_shows_the_toulouse_sud_ilc_as_planned_old_and_deduced(backend):
    ilc = _by_id(who_covers(backend, "Muret", ages="0-12", on=TODAY))["ilc-toulouse-sud"]
    assert ilc.state == "en-projet" and ilc.state_label == "en projet"
    assert ilc.freshness.observed.year == 2019 and ilc.freshness.stale
    assert "à confirmer" in ilc.freshness.label
    assert ilc.coverages[0].confidence == "inferred" and ilc.coverages[0].note


def test_a_read_date_is_never_a_start(backend):
    cls = instance_detail(backend, "cls-colomiers", on=TODAY)
    assert cls.status is not None and cls.status.valid_from is None  # unknown, not the day the page was read
    assert all(s.date is None or s.date != s.retrieved for s in cls.sources)
    assert cls.freshness.observed is not None


def test_saint_jean_2024_is_ended_and_covered_by_neither_layer(backend):
    ilc = _by_id(who_covers(backend, "31488", ages="0-12", on="2024-06-01"))["ilc-saint-jean"]
    assert ilc.state == "termine"
    coverage = {c.code: c for c in coverage_layer(backend, "departement", "31", type="ILC", ages="0-12", on="2024-06-01").communes}
    gaps = {c.code: c for c in gap_layer(backend, "departement:31", "ILC", ages="0-12", on="2024-06-01").communes}
    assert coverage["31488"].status != "couverte" and "ilc-saint-jean" not in coverage["31488"].instances
    assert gaps["31488"].status != COVERED and "ilc-saint-jean" not in gaps["31488"].instances


def test_a_planned_cpts_is_not_coverage(backend):
    """Lozère: the CPTS Ouest Lozère is planned on the west (its 71 communes are « en projet », never
    covered); only the CPTS Terre des Sources, active in the east, covers (its 80 communes, deduced)."""
    [report] = gaps_in(backend, "departement:48", type="CPTS", on=TODAY).reports
    assert len(report.communes[PROJECT]) == 71 and len(report.communes[COVERED]) == 80
    assert report.population[COVERED] == 27723 and report.population[PROJECT] > 0
    layer = {c.code: c for c in gap_layer(backend, "departement:48", "CPTS", on=TODAY).communes}
    planned = [c for c in layer.values() if c.status == PROJECT]
    assert planned and all(c.instances for c in planned)


def test_paris_and_guadeloupe_are_out_of_the_registry(backend):
    for place in ("Paris", "97120"):
        answer = who_covers(backend, place)
        assert answer.knowledge.registry == "hors-registre"
        assert "Hors registre" in answer.knowledge.message and "ne dit pas" in answer.knowledge.message
    layer = coverage_layer(backend, "departement", "75")
    assert {c.status for c in layer.communes} == {"hors-registre"}
    assert who_covers(backend, "Muret").knowledge.registry == "recense"


def test_an_overlap_score_is_the_same_whatever_territory_is_asked(backend):
    def scores(territory):
        return {(o.a, o.b): (o.score, o.communes) for o in overlaps_in(backend, territory).overlaps}

    france = scores(None)
    assert ("dac-31", "rap-31") in france
    for territory in ("departement:31", "departement:48", "commune:31483"):
        for pair, flag in scores(territory).items():
            assert france[pair] == flag, (territory, pair)
    # the ACT pair of the Occitanie call for projects counts places: aggregates, flagged nowhere
    assert not [pair for pair in france if "act-aap-2023-occitanie" in pair]


def test_aggregates_never_overlap(backend):
    aggregates = {i.id for i in list_instances(backend, on="2024-06-01") if i.aggregate}
    assert aggregates
    assert not [o for o in overlaps_in(backend).overlaps if {o.a, o.b} & aggregates]


def test_rap31_appears_once_for_muret(backend):
    answer = who_covers(backend, "Muret", on="2024-06-01")
    ids = [c.instance_id for c in answer.instances]
    assert len(ids) == len(set(ids))
    rap = [c for c in answer.instances if c.instance_id == "rap-31"]
    assert len(rap) == 1


def test_lists_filter_on_the_last_observation(backend):
    recent = list_instances(backend, on=TODAY, observed_since="2024-01-01")
    assert recent and all(i.freshness.observed >= dt.date(2024, 1, 1) for i in recent)
    assert "ilc-toulouse-sud" not in {i.id for i in recent}
