"""The analyses on small hand-made tables whose overlaps, gaps and brokers are known by construction."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis.gaps import CATEGORIES, COVERED, GAP, OUT, PROJECT, UNKNOWN, Spec, gaps
from analysis.network import measures, sector_brokerage, actor_projection, actor_instance_graph
from analysis.overlaps import overlap_score, overlaps
from store.cards import Status
from store.tables import AnalysisData, Commune, CoverageRow, Freshness, Inventory, RoleRow, Survey

D = dt.date


def T(name: str) -> str:
    return f"t:{name}"


def cov(instance, type_, territory, ages=(0, 120), publics=("tout-public",), start=None, end=None, lifecycle=(),
        aggregate=False):
    return CoverageRow(instance, f"{instance}/coverage/0", type_, instance.upper(), T(territory), ages[0], ages[1],
                       frozenset(publics), start, end, ({"title": f"src {instance}", "excerpt": "…"},), tuple(lifecycle),
                       aggregate)


def by_category(**found) -> dict[str, list[str]]:
    return {c: found.get(c, []) for c in CATEGORIES}


@pytest.fixture
def data() -> AnalysisData:
    # Four communes in two départements; "north" = a+b, "south" = c+d, "all" = a..d.
    communes = {
        "a": Commune("a", "A", 100, "01", "Un", "R"), "b": Commune("b", "B", 300, "01", "Un", "R"),
        "c": Commune("c", "C", 600, "02", "Deux", "R"), "d": Commune("d", "D", 0, "02", "Deux", "R"),
    }
    territories = {T("a"): {"a"}, T("north"): {"a", "b"}, T("south"): {"c", "d"}, T("all"): {"a", "b", "c", "d"},
                   T("b"): {"b"}, T("dep01"): {"a", "b"}}
    coverages = [
        cov("dac", "DAC", "all", start=D(2022, 7, 1)),
        cov("pta", "PTA", "north", start=D(2018, 1, 1), end=D(2022, 12, 31)),      # overlaps dac in 2022 (related)
        cov("pta-old", "PTA", "south", start=D(2015, 1, 1), end=D(2021, 1, 1)),    # ended before dac: no overlap
        cov("ilc1", "ILC", "north", ages=(0, 12), publics=("enfants",)),
        cov("ilc2", "ILC", "a", ages=(10, 18), publics=("enfants",)),              # ages 10-12 shared
        cov("ilc3", "ILC", "a", ages=(13, 18), publics=("enfants",)),              # no age shared with ilc1
        cov("lhss1", "LHSS", "south", publics=("personnes-sans-domicile",)),
        cov("lhss2", "LHSS", "south", publics=("personnes-precaires",)),           # broader public: overlaps
        cov("lhss3", "LHSS", "south", publics=("personnes-troubles-psychiques",)),  # unrelated public: none
        cov("cpts1", "CPTS", "north"),
        cov("emt", "EMT", "all"),                                                  # alone of its type
    ]
    return AnalysisData(
        communes=communes, coverages=coverages,
        territory_communes={k: frozenset(v) for k, v in territories.items()},
        broader={"personnes-sans-domicile": frozenset({"personnes-precaires"})},
        inventories=[Inventory("inv", "CPTS", T("dep01"), D(2024, 1, 1), "verified", {"title": "t", "excerpt": "e"})],
        related={"DAC": frozenset({"PTA"}), "PTA": frozenset({"DAC"})},
        # the registry has looked at all four communes, for every type
        surveys=[Survey("s", T("all"), None, D(2020, 1, 1))],
        freshness=[Freshness(None, "P5Y", "défaut")],
    )


def pairs(found):
    return {(o.a, o.b) for o in found}


def test_overlaps_found_are_exactly_the_known_ones(data):
    # lhss3's public is neither lhss1's nor lhss2's, nor under them; ilc1 and ilc3 share no age.
    assert pairs(overlaps(data)) == {("dac", "pta"), ("ilc1", "ilc2"), ("ilc2", "ilc3"), ("lhss1", "lhss2")}


def test_overlap_explains_communes_ages_period_and_sources(data):
    o = next(o for o in overlaps(data) if (o.a, o.b) == ("dac", "pta"))
    assert o.reason == "types apparentés (DAC ~ PTA)"
    assert o.communes == ("a", "b") and o.population == 400
    assert (o.start, o.end) == (D(2022, 7, 1), D(2022, 12, 31))
    assert {s["title"] for s in o.sources} == {"src dac", "src pta"}
    # pta's people (a+b = 400) are all in dac (1000), for all ages: the smaller one is fully inside.
    assert o.score == 1.0


def test_overlap_score_weighs_people_and_ages(data):
    o = next(o for o in overlaps(data) if (o.a, o.b) == ("ilc1", "ilc2"))
    # ilc2 covers a (100 people) of ilc1's a+b; shared ages 10-12 = 3 of ilc2's 9 years
    assert o.ages == (10, 12) and o.population == 100
    assert o.score == overlap_score(100, 400, 100, (10, 12), (0, 12), (10, 18)) == round(1.0 * 3 / 9, 4)


def test_overlaps_on_a_date_and_in_a_territory(data):
    assert ("dac", "pta") not in pairs(overlaps(data, on=D(2023, 6, 1)))
    assert pairs(overlaps(data, communes=frozenset({"c", "d"}))) == {("lhss1", "lhss2")}


def test_gaps_distinguish_covered_gap_and_unknown(data):
    [r1, r2] = gaps(data, frozenset("abcd"), [Spec("CPTS")], D(2025, 1, 1))
    assert (r1.departement, r1.communes) == ("01", by_category(**{COVERED: ["a", "b"]}))
    # No CPTS inventory in 02: its uncovered communes are unknown, not gaps.
    assert (r2.departement, r2.communes) == ("02", by_category(**{UNKNOWN: ["c", "d"]}))
    assert r2.population == {c: 600 if c == UNKNOWN else 0 for c in CATEGORIES}


def test_gap_inside_an_inventory(data):
    data.coverages[:] = [c for c in data.coverages if c.instance != "cpts1"] + [cov("cpts-a", "CPTS", "a")]
    [r1, _] = gaps(data, frozenset("abcd"), [Spec("CPTS")], D(2025, 1, 1))
    assert r1.communes == by_category(**{COVERED: ["a"], GAP: ["b"]})
    assert r1.population[GAP] == 300 and r1.covered_share == 0.25
    assert [i["id"] for i in r1.inventories] == ["inv"]


def test_gaps_respect_ages_publics_and_dates(data):
    status = lambda spec, on=D(2025, 1, 1): {c: s for r in gaps(data, frozenset("abcd"), [spec], on) for s, cs in r.communes.items() for c in cs}  # noqa: E731
    assert status(Spec("ILC", 0, 5))["a"] == COVERED and status(Spec("ILC", 0, 5))["c"] == UNKNOWN
    assert status(Spec("LHSS", public="personnes-sans-domicile"))["c"] == COVERED
    assert status(Spec("LHSS", public="adultes"))["c"] == UNKNOWN   # no LHSS for everyone or for adults
    assert status(Spec("DAC"), on=D(2021, 1, 1))["a"] == UNKNOWN     # before the DAC began


def _roles(*rows):
    return [RoleRow(i, "partner", a, a.upper(), "association", frozenset(s)) for i, a, s in rows]


def test_brokerage_counts_open_pairs_across_sectors():
    # h works with s1 (sanitaire) in one instance and with o1 (social) in another: h brokers them.
    data = AnalysisData(communes={}, coverages=[], territory_communes={}, roles=_roles(
        ("x", "h", ["medico-social"]), ("x", "s1", ["sanitaire"]), ("y", "h", ["medico-social"]), ("y", "o1", ["social"]),
    ))
    p = actor_projection(actor_instance_graph(data))
    brokers = sector_brokerage(p)
    assert brokers["actor:h"] == (1, ("sanitaire", "social"))
    assert brokers["actor:s1"] == (0, ())


def test_network_measures_betweenness_communities_and_redundancy(data):
    data.roles[:] = _roles(
        ("dac", "hub", ["sanitaire"]), ("pta", "hub", ["sanitaire"]), ("ilc1", "hub", ["sanitaire"]),
        ("dac", "left", ["social"]), ("ilc1", "right", ["medico-social"]),
    )
    scores, redundancies = measures(data)
    by = {s.actor: s for s in scores}
    assert by["hub"].betweenness == 1.0 and by["left"].betweenness == 0.0
    assert by["hub"].instances == 3 and by["hub"].brokerage == 1
    assert [(r.actor, r.departement) for r in redundancies] == [("hub", "01")]


def test_planned_instances_are_not_coverage_and_unsurveyed_places_are_out_of_the_registry(data):
    planned = [Status("project", "En projet", D(2024, 1, 1), None)]
    data.coverages[:] = [c for c in data.coverages if c.type != "CPTS"] + [cov("cpts-p", "CPTS", "north", lifecycle=planned)]
    data.surveys[:] = [Survey("s", T("dep01"), "CPTS", D(2020, 1, 1))]
    [r1, r2] = gaps(data, frozenset("abcd"), [Spec("CPTS")], D(2025, 1, 1))
    assert r1.communes == by_category(**{PROJECT: ["a", "b"]}) and r1.population[COVERED] == 0
    assert r2.communes == by_category(**{OUT: ["c", "d"]})


def test_an_inventory_past_its_window_no_longer_makes_gaps(data):
    data.coverages[:] = [c for c in data.coverages if c.instance != "cpts1"] + [cov("cpts-a", "CPTS", "a")]
    [fresh, _] = gaps(data, frozenset("abcd"), [Spec("CPTS")], D(2025, 1, 1))
    [old, _] = gaps(data, frozenset("abcd"), [Spec("CPTS")], D(2030, 1, 1))
    assert fresh.communes[GAP] == ["b"] and not fresh.notes
    assert old.communes[GAP] == [] and old.communes[UNKNOWN] == ["b"]
    assert "fenêtre de fraîcheur" in old.notes[0] and "5 ans" in old.notes[0]


def test_an_overlap_score_is_a_property_of_the_pair(data):
    everywhere = {(o.a, o.b): o.score for o in overlaps(data)}
    north = {(o.a, o.b): o.score for o in overlaps(data, communes=frozenset({"a"}))}
    assert north and all(everywhere[pair] == score for pair, score in north.items())


def test_aggregates_never_overlap(data):
    data.coverages.append(cov("lhss-places", "LHSS", "all", aggregate=True))
    assert not {p for p in pairs(overlaps(data)) if "lhss-places" in p}


def test_coverages_meet_by_arrondissement_inside_a_split_commune():
    """Decision 0142: two coverages of different arrondissements of a commune do not overlap; one of an
    arrondissement and one of the whole commune meet on that arrondissement, with its own population; a
    commune covered through one arrondissement is covered (not a gap), the other arrondissement a gap."""
    from store.tables import Arrondissement

    iri = "https://w3id.org/maillage/arrondissement/"
    marseille = Commune("13055", "Marseille", 1000, "13", "Bouches-du-Rhône", "93")
    parts = {"13201": Arrondissement("13201", "1er", 400, "13055"), "13214": Arrondissement("13214", "14e", 600, "13055")}
    row = lambda instance, territory: CoverageRow(instance, f"{instance}/coverage/0", "CPTS", instance, territory, 0, 120,  # noqa: E731
                                                  frozenset({"tout-public"}), None, None)
    data = AnalysisData(
        communes={"13055": marseille},
        coverages=[row("un", iri + "13201"), row("quatorze", iri + "13214"), row("ville", "t:ville")],
        territory_communes={iri + "13201": frozenset({"13055"}), iri + "13214": frozenset({"13055"}),
                            "t:ville": frozenset({"13055"}), "t:region": frozenset({"13055"})},
        inventories=[Inventory("inv", "CPTS", "t:region", D(2026, 1, 1), "verified", {"title": "t", "excerpt": "e"})],
        arrondissements=parts,
    )
    pairs = {(o.a, o.b): o for o in overlaps(data)}
    assert set(pairs) == {("quatorze", "ville"), ("un", "ville")}
    assert pairs[("quatorze", "ville")].population == 600 and pairs[("quatorze", "ville")].communes == ("13055",)
    alone = AnalysisData(communes=data.communes, coverages=data.coverages[:2], territory_communes=data.territory_communes,
                         inventories=data.inventories, arrondissements=parts)
    [report] = gaps(alone, frozenset({"13055"}), [Spec("CPTS")], D(2026, 6, 1))
    assert report.communes[COVERED] == ["13055"]
    [only] = gaps(AnalysisData(communes=data.communes, coverages=data.coverages[1:2],
                               territory_communes=data.territory_communes, inventories=data.inventories,
                               arrondissements=parts), frozenset({"13055"}), [Spec("CPTS")], D(2026, 6, 1))
    assert only.communes[COVERED] == ["13055"] and "reste : 1er (13201) lacune, 400 hab." in only.notes[-1]
    [first] = gaps(alone, frozenset({"13055"}), [Spec("CPTS")], D(2026, 6, 1), parts=frozenset({"13201"}))
    assert first.communes[COVERED] == ["13201"] and first.population[COVERED] == 400
