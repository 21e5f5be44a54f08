"""Provence-Alpes-Côte d'Azur in the registry (issue 32, item 3): the ARS's two listings read as real
data, and what the analysis says of them (overlaps in Nice and Toulon, the 45 communes without a
CPTS, one DAC per commune) found by the analysis, never written by hand."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from analysis.ask import gap_rows, gaps_in, overlaps_in
from cli.render import coverage_text
from cli.render_analysis import gaps_text
from core.settings import Settings
from ingest import geography, listings
from ingest.listing_places import Resolver
from queries.coverage import who_covers

REGISTRY = Path(__file__).parent.parent.parent / "registry"
OLD_CODES = ("04198", "05120", "05043", "05088", "05141", "05150", "05175")


@pytest.fixture(scope="module")
def resolver():
    package = Settings.from_env().geography
    return Resolver(geography.load(package), package)


@pytest.fixture(scope="module")
def read(resolver):
    return {name: (document, problems) for name, document, problems
            in (listings.read_listing(mapping, resolver) for mapping in sorted(REGISTRY.glob("*.listing.yaml")))}


def test_the_paca_listings_read_without_a_problem(read):
    assert sorted(read) == ["region-93-cpts.tsv", "region-93-dac.tsv"]
    assert [p for _, problems in read.values() for p in problems] == []
    cpts, dac = read["region-93-cpts.tsv"][0], read["region-93-dac.tsv"][0]
    assert (len(cpts["instances"]), len(dac["instances"])) == (70, 9)
    assert [i["type"] for i in cpts["inventories"]] == ["CPTS"] and [i["type"] for i in dac["inventories"]] == ["DAC"]
    assert "licence : inconnue" in next(iter(cpts["sources"].values()))["title"]


def test_the_seven_old_codes_are_resolved_with_a_note(read):
    notes = " ".join(c.get("note", "") for i in read["region-93-dac.tsv"][0]["instances"] for c in i["coverage"])
    for code in OLD_CODES:
        assert f"{code} :" in notes, code
    assert "04198 : Saint-Vincent-les-Forts, commune déléguée d'Ubaye-Serre-Ponçon, lu comme 04033" in notes
    assert "05043 : ancien code INSEE d'une commune fusionnée dans Aubessagne (05039), lu comme 05039" in notes


def test_marseille_s_cpts_each_cover_their_arrondissements(read):
    """Each arrondissement row is a coverage of the arrondissement (decision 0142), as sure as the listing
    says (not inferred); the commune porteuse row is no coverage of its own."""
    covered = {c["territory"]: i["name"] for i in read["region-93-cpts.tsv"][0]["instances"] for c in i["coverage"]
               if c["territory"].startswith("arrondissement:")}
    assert sorted(covered) == [f"arrondissement:132{n:02d}" for n in range(2, 17)]  # 13202-13216 each once; 13201 in none
    assert [t for t, name in covered.items() if name == "CPTS Actes Santé"] == [
        "arrondissement:13214", "arrondissement:13215", "arrondissement:13216"]
    coverages = [c for i in read["region-93-cpts.tsv"][0]["instances"] for c in i["coverage"]]
    assert not any(c["territory"] == "commune:13055" for c in coverages)
    assert not any(c.get("confidence") == "inferred" for c in coverages if c["territory"].startswith("arrondissement:"))


@pytest.mark.parametrize("porteuse", [True, False])
def test_a_commune_row_beside_its_arrondissements(tmp_path, resolver, porteuse):
    """With ``commune_porteuse``, Marseille's row stands for the arrondissements listed under it; without,
    it is the whole commune, beside the arrondissement's own coverage."""
    mapping = (REGISTRY / "region-93-cpts.listing.yaml").read_text(encoding="utf-8")
    (tmp_path / "region-93-cpts.listing.yaml").write_text(
        mapping.replace("commune_porteuse: true", f"commune_porteuse: {str(porteuse).lower()}"), encoding="utf-8")
    header = (REGISTRY / "region-93-cpts.tsv").read_text(encoding="utf-8").split("\n", 1)[0]
    rows = ["CPTS A\t13055\tcommune\t\t\t13\t\t\t", "CPTS A\t13214\tarrondissement_municipal\t\t\t13\t\t\t"]
    (tmp_path / "region-93-cpts.tsv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    _, document, problems = listings.read_listing(tmp_path / "region-93-cpts.listing.yaml", resolver)
    assert problems == []
    territories = [c["territory"] for c in document["instances"][0]["coverage"]]
    assert territories == (["arrondissement:13214"] if porteuse else ["commune:13055", "arrondissement:13214"])
    assert not any(c.get("confidence") == "inferred" for c in document["instances"][0]["coverage"])


def test_an_unknown_arrondissement_is_refused_by_row(tmp_path, resolver):
    mapping = (REGISTRY / "region-93-cpts.listing.yaml").read_text(encoding="utf-8")
    (tmp_path / "region-93-cpts.listing.yaml").write_text(mapping, encoding="utf-8")
    header = (REGISTRY / "region-93-cpts.tsv").read_text(encoding="utf-8").split("\n", 1)[0]
    (tmp_path / "region-93-cpts.tsv").write_text("\n".join([header, "CPTS A\t13217\tarrondissement_municipal\t\t\t13\t\t\t"])
                                                 + "\n", encoding="utf-8")
    _, _, problems = listings.read_listing(tmp_path / "region-93-cpts.listing.yaml", resolver)
    assert [p.rule for p in problems] == ["code-inconnu"] and "13217" in problems[0].message


def test_every_paca_commune_has_exactly_one_dac(backend):
    data = backend.tables
    paca = {code for code, c in data.communes.items() if c.region == "93"}
    dacs = Counter(code for c in data.coverages if c.type == "DAC" and c.instance.startswith("paca-")
                   for code in data.communes_of(c.territory))
    assert len(paca) == 946
    assert {code: dacs[code] for code in paca if dacs[code] != 1} == {}


def test_the_three_cpts_of_nice_overlap_pairwise(backend):
    pairs = {frozenset((o.a_name, o.b_name)) for o in overlaps_in(backend, "departement:06", type="CPTS").overlaps}
    nice = ("CPTS Nice Centre - Nice Est", "CPTS Nice Nord et ses Collines", "CPTS Nice ouest Vallée")
    assert {frozenset((a, b)) for a in nice for b in nice if a < b} <= pairs
    toulon = {frozenset((o.a_name, o.b_name)) for o in overlaps_in(backend, "departement:83", type="CPTS").overlaps}
    assert frozenset(("CPTS La Seyne Toulon ouest", "CPTS Toulon Littoral")) in toulon


def test_45_communes_of_paca_have_no_cpts_and_are_named_with_their_population(backend):
    answer = gaps_in(backend, "region:93", "CPTS")
    lacunes = [code for r in answer.reports for code in r.communes["lacune"]]
    assert len(lacunes) == 45
    text = gaps_text(answer, gap_rows(backend, answer))
    assert "Communes en lacune : 45" in text
    assert "06 CPTS · Mandelieu-la-Napoule (06079) : 21 640 hab." in text  # the largest, first


def test_who_covers_marseille_lists_its_cpts_each_with_its_arrondissements(backend):
    answer = who_covers(backend, "Marseille", type="CPTS")
    by_name = {c.name: c for c in answer.instances}
    assert len(by_name) == 8
    actes = by_name["CPTS Actes Santé"]
    assert actes.arrondissements == ["13214", "13215", "13216"]
    assert actes.partial == "partiel : couvre 3 des 16 arrondissements (13214, 13215, 13216)"
    assert all(c.partial.startswith("partiel : couvre ") for c in answer.instances)
    assert sorted(a for c in answer.instances for a in c.arrondissements) == [f"132{n:02d}" for n in range(2, 17)]
    assert "partiel : couvre 3 des 16 arrondissements" in coverage_text(answer)


@pytest.mark.parametrize("place", ["13214", "Marseille 14e", "Marseille 14e Arrondissement"])
def test_who_covers_an_arrondissement_answers_for_it(backend, place):
    answer = who_covers(backend, place, type="CPTS")
    assert (answer.commune.code, answer.commune.level, answer.commune.commune) == ("13214", "arrondissement", "13055")
    assert [c.name for c in answer.instances] == ["CPTS Actes Santé"]
    [reach] = answer.instances[0].coverages
    assert (reach.level, reach.territory, reach.confidence) == ("arrondissement", "13214", "verified")
    assert answer.knowledge.registry == "recense"  # the listing's survey of the région holds it


def test_an_arrondissement_is_reached_by_its_commune_s_coverages(backend):
    """The DAC of the Bouches-du-Rhône covers the whole département, so the 14e too, through Marseille."""
    answer = who_covers(backend, "13201", type="DAC")
    [dac] = answer.instances
    assert [s.level for s in dac.coverages[0].path][:2] == ["arrondissement", "commune"]
    assert who_covers(backend, "13201", type="CPTS").instances == []  # 13201 is in no CPTS


def test_no_two_cpts_of_marseille_overlap(backend):
    overlaps = overlaps_in(backend, "departement:13", type="CPTS").overlaps
    assert not [o for o in overlaps if "13055" in o.communes]
    assert not any(o.inferred for o in overlaps if "13055" in o.communes)


def test_marseille_is_covered_in_part_and_its_first_arrondissement_is_a_lacune(backend):
    """Marseille counts covered (never a lacune), and the report says which arrondissement is left; asked of
    13201, the report is of that arrondissement, with its own population."""
    answer = gaps_in(backend, "commune:13055", "CPTS")
    [report] = answer.reports
    assert report.communes["couvert"] == ["13055"] and report.communes["lacune"] == []
    assert ("Marseille (13055) couverte en partie : 15 des 16 arrondissements ; reste : Marseille 1er Arrondissement "
            "(13201) lacune, 37 599 hab.") in report.notes
    [regional] = [r for r in gaps_in(backend, "region:93", "CPTS").reports if r.departement == "13"]
    assert [n for n in regional.notes if n.startswith("Marseille (13055) couverte en partie")]
    [part] = gaps_in(backend, "arrondissement:13201", "CPTS").reports
    assert part.communes["lacune"] == ["13201"] and part.population["lacune"] == 37599
    [covered] = gaps_in(backend, "arrondissement:13214", "CPTS").reports
    assert covered.communes["couvert"] == ["13214"] and covered.population["couvert"] == 60505
    first = gaps_in(backend, "arrondissement:13201", "CPTS")
    text = gaps_text(first, gap_rows(backend, first))
    assert "Marseille 1er Arrondissement (13201) : 37 599 hab." in text


def test_the_coverage_layer_gives_marseille_by_arrondissement(backend):
    """Sub-commune coverage: the layer of the Bouches-du-Rhône's CPTS gives each arrondissement of Marseille
    its own status (13201: none found); a layer without it has no arrondissements."""
    from queries.layer import coverage_layer

    layer = coverage_layer(backend, "departement", "13", type="CPTS", on="2026-06-01")
    parts = {p.code: p for p in layer.arrondissements}
    assert sorted(parts) == [f"132{n:02d}" for n in range(1, 17)]
    assert parts["13201"].status == "non-couverte" and parts["13214"].instances == ["paca-cpts-actes-sante"]
    assert all(parts[code].status == "couverte" for code in parts if code != "13201")
    assert next(c for c in layer.communes if c.code == "13055").status == "couverte"
    assert not hasattr(coverage_layer(backend, "departement", "06", type="CPTS", on="2026-06-01"), "arrondissements")


def test_the_territories_of_an_arrondissement_start_with_it(backend):
    from queries.territories import territories_of

    found = [(t.level, t.id) for t in territories_of(backend, "Marseille 14e")]
    assert found[:2] == [("arrondissement", "13214"), ("commune", "13055")]
    assert ("departement", "13") in found and ("region", "93") in found
