"""Listings as a registry source (registry/FORMAT.md, "Listings"): the corpus of tables planners hold,
each read right or refused with its file, row, column and rule, and the live build never changed by a
refusal."""

from __future__ import annotations

import copy
import dataclasses
import os
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from core.errors import RegistryInvalid
from ingest import listings
from ingest.build import build
from ingest.listing_places import Resolver
from queries.coverage import who_covers
from store.session import open_backend

RESOURCES = Path(__file__).parent.parent / "resources"

MAPPING = """\
listing: {listing}
scope: {{departement: "31"}}
type: CPTS
columns: {columns}
id_prefix: essai-
source:
  title: "Liste des CPTS de Haute-Garonne (essai)"
  producer: "ARS Occitanie"
  licence: inconnue
  url: https://example.org/liste-cpts
  date: 2026-01-01
inventory: {inventory}
as_of: 2026-01-01
{extra}"""
CODE_COLUMNS = "{name: Dispositif, code: Code INSEE}"
NAME_COLUMNS = "{name: Dispositif, commune: Commune, departement: Dép}"


def listing(folder: Path, body: bytes | None, columns: str = CODE_COLUMNS, name: str = "31-cpts.csv",
            inventory: str = "true", extra: str = "") -> Path:
    """A listing and its mapping in ``folder``; the mapping's path."""
    if body is not None:
        (folder / name).write_bytes(body)
    mapping = folder / "31-cpts.listing.yaml"
    mapping.write_text(MAPPING.format(listing=name, columns=columns, inventory=inventory, extra=extra), encoding="utf-8")
    return mapping


@pytest.fixture(scope="module")
def resolver(cut_geography, cut_package):
    return Resolver(cut_geography, cut_package)


def read(mapping: Path, resolver: Resolver):
    name, document, problems = listings.read_listing(mapping, resolver)
    return document, problems


def coverages(document: dict) -> dict[str, list[str]]:
    return {i["name"]: [c["territory"] for c in i["coverage"]] for i in document["instances"]}


# --- read right ---------------------------------------------------------------------------------------------

def test_windows_1252_with_semicolons(tmp_path, resolver):
    body = "Dispositif;Code INSEE;Libellé\r\nCPTS Cœur de Garonne;31395;Muret\r\nCPTS Cœur de Garonne;31069;Blagnac\r\n"
    document, problems = read(listing(tmp_path, body.encode("cp1252")), resolver)
    assert problems == []
    assert coverages(document) == {"CPTS Cœur de Garonne": ["commune:31395", "commune:31069"]}
    [instance] = document["instances"]
    assert instance["id"] == "essai-cpts-coeur-de-garonne" and instance["type"] == "CPTS"
    assert instance["coverage"][0]["source"]["excerpt"] == "CPTS Cœur de Garonne;31395;Muret"


def test_utf8_with_a_bom_and_commas(tmp_path, resolver):
    body = "\ufeffDispositif,Code INSEE\nCPTS Toulouse Nord,31555\n"
    document, problems = read(listing(tmp_path, body.encode("utf-8")), resolver)
    assert problems == [] and coverages(document) == {"CPTS Toulouse Nord": ["commune:31555"]}


def test_xlsx_with_a_title_row_above_the_header(tmp_path, resolver):
    book = Workbook()
    sheet = book.active
    sheet.title = "CPTS"
    sheet.append(["Liste des CPTS de Haute-Garonne au 1er janvier 2026"])
    sheet.append([])
    sheet.append(["Dispositif", "Code INSEE", "Commune"])
    sheet.append(["CPTS Sud Toulousain", 31395, "Muret"])  # a code typed as a number
    sheet.append(["CPTS Lozère", 48095, "Mende"])
    book.save(tmp_path / "31-cpts.xlsx")
    mapping = listing(tmp_path, None, name="31-cpts.xlsx", extra="sheet: CPTS\n")
    document, problems = read(mapping, resolver)
    assert problems == []
    assert coverages(document) == {"CPTS Sud Toulousain": ["commune:31395"], "CPTS Lozère": ["commune:48095"]}


def test_a_commune_named_without_its_code(tmp_path, resolver):
    body = "Dispositif,Commune,Dép\nCPTS Essai,MURET,31\nCPTS Essai,saint beat lez,31\n"
    document, problems = read(listing(tmp_path, body.encode(), columns=NAME_COLUMNS), resolver)
    assert problems == [] and coverages(document) == {"CPTS Essai": ["commune:31395", "commune:31471"]}


def test_an_old_code_is_resolved_with_a_note(tmp_path, resolver):
    body = "Dispositif,Code INSEE\nCPTS Essai,31298\n"  # Lez, commune déléguée of Saint-Béat-Lez
    document, problems = read(listing(tmp_path, body.encode()), resolver)
    assert problems == []
    [coverage] = document["instances"][0]["coverage"]
    assert coverage["territory"] == "commune:31471"
    assert coverage["note"] == "31298 : Lez, commune déléguée de Saint-Béat-Lez, lu comme 31471"


def test_the_listing_is_a_survey_and_an_inventory_when_it_says_so(tmp_path, resolver):
    body = b"Dispositif,Code INSEE\nCPTS Essai,31395\n"
    document, _ = read(listing(tmp_path, body), resolver)
    assert [s["types"] for s in document["surveyed"]] == [["CPTS"]]
    assert [(i["type"], i["territory"]) for i in document["inventories"]] == [("CPTS", "departement:31")]
    document, _ = read(listing(tmp_path, body, inventory="false"), resolver)
    assert "inventories" not in document and document["surveyed"]
    source = next(iter(document["sources"].values()))
    assert "producteur : ARS Occitanie" in source["title"] and "licence : inconnue" in source["title"]


# --- refused, with row and column ---------------------------------------------------------------------------

@pytest.mark.parametrize("body, columns, row, column, rule", [
    ("Dispositif,Code INSEE\nCPTS A,31395\nCPTS A,31999\n", CODE_COLUMNS, "ligne 3", "colonne « Code INSEE » (B)", "code-inconnu"),
    ("Dispositif,Code INSEE\nCPTS A,31395\nCPTS B,31069\nCPTS A,31395\n", CODE_COLUMNS, "ligne 4", "colonne « Code INSEE » (B)",
     "ligne-en-double"),
    ("Dispositif,Code INSEE\nCPTS A,31395\n,31069\n", CODE_COLUMNS, "ligne 3", "colonne « Dispositif » (A)", "cellule-vide"),
    ("Dispositif,Commune,Dép\nCPTS A,Muret,31\nCPTS A,Nulle-Part,31\n", NAME_COLUMNS, "ligne 3", "colonne « Commune » (B)",
     "commune-inconnue"),
    ("Dispositif,Code INSEE\nCPTS A,3139\n", CODE_COLUMNS, "ligne 2", "colonne « Code INSEE » (B)", "code-inconnu"),
    ("Dispositif,Code INSEE\nCPTS A,Muret\n", CODE_COLUMNS, "ligne 2", "colonne « Code INSEE » (B)", "code-invalide"),
], ids=["unknown code", "duplicate row", "blank cell", "unknown name", "short code", "name in the code column"])
def test_a_bad_row_is_refused_with_its_row_and_column(tmp_path, resolver, body, columns, row, column, rule):
    _, problems = read(listing(tmp_path, body.encode(), columns=columns), resolver)
    assert [(p.file, p.entry, p.field, p.rule) for p in problems] == [("31-cpts.csv", row, column, rule)], problems
    assert row in problems[0].message


def test_an_ambiguous_name_is_refused(tmp_path, cut_geography, cut_package):
    """No département of the COG holds two current communes of one name; a geography that did (a
    homonym added to a copy of the small one) must make the name ambiguous, never a guess."""
    geo = copy.deepcopy(cut_geography)
    muret = geo.communes["31395"]
    geo.communes["31999"] = dataclasses.replace(muret, code="31999")
    body = "Dispositif,Commune,Dép\nCPTS A,Muret,31\n"
    _, problems = read(listing(tmp_path, body.encode(), columns=NAME_COLUMNS), Resolver(geo, cut_package))
    [problem] = problems
    assert (problem.entry, problem.field, problem.rule) == ("ligne 2", "colonne « Commune » (B)", "nom-ambigu")
    assert "31395, 31999" in problem.message


def test_a_missing_column_is_refused_by_name(tmp_path, resolver):
    _, problems = read(listing(tmp_path, b"Nom,Code\nCPTS A,31395\n"), resolver)
    [problem] = problems
    assert problem.rule == "colonnes-liste" and "Code INSEE" in problem.message and "Dispositif" in problem.message


def test_a_mapping_with_an_unknown_key_is_refused(tmp_path, resolver):
    _, problems = read(listing(tmp_path, b"Dispositif,Code INSEE\nCPTS A,31395\n", extra="colone: x\n"), resolver)
    assert [(p.file, p.field, p.rule) for p in problems] == [("31-cpts.listing.yaml", "colone", "champ-inconnu")]


# --- the build -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def live(tmp_path_factory, registry_copy):
    """The small registry and a listing, built once and live."""
    settings = registry_copy(tmp_path_factory.mktemp("listings"), sorted((RESOURCES / "registry-small").iterdir()))
    listing(settings.registry, "Dispositif;Code INSEE\nCPTS Cœur de Garonne;31395\nCPTS Cœur de Garonne;31298\n".encode("cp1252"))
    build(settings)
    return settings


def test_a_listing_is_built_like_every_registry_file(live):
    backend = open_backend(live)
    try:
        found = {c.instance_id: c for c in who_covers(backend, "Saint-Béat-Lez", type="CPTS").instances}
    finally:
        backend.close()
    assert list(found) == ["essai-cpts-coeur-de-garonne"]


@pytest.mark.parametrize("body, rule", [
    ("Dispositif;Code INSEE\nCPTS A;31395\nCPTS A;31999\n", "code-inconnu"),
    ("Dispositif;Code INSEE\nCPTS A;31395\nCPTS A;31395\n", "ligne-en-double"),
])
def test_a_refused_listing_leaves_the_live_build_as_it_was(live, tmp_path, body, rule):
    current = live.data_dir / "current"
    before = os.readlink(current), (current / "build.json").read_text()
    registry = tmp_path / "registry"
    shutil.copytree(live.registry, registry)
    listing(registry, body.encode("cp1252"))
    with pytest.raises(RegistryInvalid) as caught:
        build(dataclasses.replace(live, registry=registry))
    assert [(p.file, p.entry, p.rule) for p in caught.value.problems] == [("31-cpts.csv", "ligne 3", rule)]
    assert (os.readlink(current), (current / "build.json").read_text()) == before


def test_a_mapping_never_hides_a_registry_file(tmp_path):
    (tmp_path / "31.yaml").write_text("scope: {departement: \"31\"}\n", encoding="utf-8")
    listing(tmp_path, None, name="31.yaml")
    assert listings.claimed(tmp_path) == {"31-cpts.listing.yaml"}


LEVELS = "{name: Dispositif, code: Code INSEE, level: Niveau}\nlevels: {commune: commune, arrondissement_municipal: arrondissement}"


def test_a_code_that_is_no_arrondissement_or_an_unknown_level_is_refused(tmp_path, resolver):
    """The small geography has no arrondissement: the national one (Marseille's) is in
    tests/queries/test_paca.py; here, a code that is no arrondissement is refused at that level."""
    body = "Dispositif,Code INSEE,Niveau\nCPTS A,31395,arrondissement_municipal\n"
    _, problems = read(listing(tmp_path, body.encode(), columns=LEVELS), resolver)
    assert [(p.entry, p.rule) for p in problems] == [("ligne 2", "code-inconnu")]
    body = "Dispositif,Code INSEE,Niveau\nCPTS A,31395,quartier\n"
    _, problems = read(listing(tmp_path, body.encode(), columns=LEVELS), resolver)
    assert [(p.entry, p.rule) for p in problems] == [("ligne 2", "niveau-inconnu")]
