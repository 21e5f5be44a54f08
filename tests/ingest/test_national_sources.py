"""A national source declares itself: its description in ingest/sources names its reader, and is checked
against a small model whose errors name the file and the field, in French."""

from __future__ import annotations

import shutil

import pytest

from core.errors import SourceInvalid
from ingest import finess, france_services, national_sources
from ingest.national_sources import SOURCES, source, sources


def test_every_description_of_the_package_names_its_reader():
    described, problems = sources()
    assert problems == []
    assert {s.name: s.read for s in described} == {"finess": finess.read, "france-services": france_services.read}
    fs = source("france-services")
    assert fs.reader == "ingest.france_services:read" and fs.file.endswith(".csv") and len(fs.sha256) == 64
    assert fs.description["type"] == "FS"  # the reader's own keys are handed to it as written


def test_a_new_description_is_read_with_no_list_to_edit(tmp_path):
    shutil.copy(SOURCES / "france-services.yaml", tmp_path / "france-services.yaml")
    text = (SOURCES / "france-services.yaml").read_text(encoding="utf-8")
    (tmp_path / "autre-liste.yaml").write_text(text.replace("source: france-services-2024-08-01", "source: autre-liste"),
                                               encoding="utf-8")
    described, problems = sources(tmp_path)
    assert problems == [] and [s.name for s in described] == ["autre-liste", "france-services"]
    assert described[0].source == "autre-liste" and described[0].read is france_services.read


@pytest.mark.parametrize("change, field, words", [
    (("reader: ingest.france_services:read", ""), "reader", "champ obligatoire"),
    (("reader: ingest.france_services:read", "reader: ingest.france_services"), "reader", "module:fonction"),
    (("reader: ingest.france_services:read", "reader: api.app:create_app"), "reader", "module:fonction d'un module d'ingest"),
    (("reader: ingest.france_services:read", "reader: ingest.absent:read"), "reader", "module introuvable (ingest.absent)"),
    (("reader: ingest.france_services:read", "reader: ingest.france_services:lire"), "reader",
     "le module ingest.france_services n'a pas de fonction lire"),
    (("date: 2024-08-01", "date: le premier août"), "date", "illisible : écrivez AAAA-MM-JJ, un jour qui existe"),
    (("sha256: 6eab", "sha256: 6EAB"), "sha256", "64 chiffres hexadécimaux"),
    (("file: reference/", "file: ../reference/"), "file", "sans « .. »"),
    (("url: https://www.data.gouv.fr", "url: www.data.gouv.fr"), "url", "adresse http(s)"),
    (("title: ", "titre: "), "title", "champ obligatoire"),
    (("filters: {}", "filters: [etatObjet]"), "filters", "un dictionnaire est attendu"),
    (("size: 1174580", "size: beaucoup"), "size", "un entier positif"),
    (("size: 1174580", "size: 0"), "size", "un entier positif"),
    (("answers:", "reponses:"), "answers", "la liste des réponses qui dépendent du fichier"),
    (("# No `download:`", "download: ftp://example.org/liste.csv\n#"), "download", "adresse http(s)"),
])
def test_a_broken_description_is_refused_naming_its_file_and_field(tmp_path, change, field, words):
    text = (SOURCES / "france-services.yaml").read_text(encoding="utf-8")
    assert change[0] in text
    (tmp_path / "liste.yaml").write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(SourceInvalid) as refused:
        source("liste", tmp_path)
    assert refused.value.field == field and words in str(refused.value)
    assert str(tmp_path / "liste.yaml") in str(refused.value) and f"champ « {field} »" in str(refused.value)
    described, problems = sources(tmp_path)  # the build: a problem of that file, the others read
    assert described == [] and [(p.file, p.field, p.rule) for p in problems] == [
        (str(tmp_path / "liste.yaml"), field, "description-source")]


def test_a_description_that_is_no_mapping_is_refused(tmp_path):
    (tmp_path / "liste.yaml").write_text("- source\n- reader\n", encoding="utf-8")
    with pytest.raises(SourceInvalid, match="un dictionnaire YAML est attendu"):
        national_sources.source("liste", tmp_path)
    (tmp_path / "liste.yaml").write_bytes(b"source: \xff\n")
    with pytest.raises(SourceInvalid, match="illisible"):
        national_sources.source("liste", tmp_path)
