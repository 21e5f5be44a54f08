"""The registry's schema (ingest/schema.py) is the one place its fields are declared."""

from rdflib import Graph, RDFS

from ingest import csv_import, registry, validate
from ingest.identifiers import IDENTIFIERS
from ingest.schema import CSV_COLUMNS, KINDS, Field, allowed_fields, field_of_property
from ingest.vocabulary import DCTERMS, M, PROV
from ontology import SHAPES_FILE

import pytest


def test_reader_fields_are_the_schema():
    assert registry.FIELDS == allowed_fields()
    # the format as it was written by hand before the schema, so deriving it changed nothing
    assert registry.FIELDS["coverage"] == {"territory", "ages", "publics", "from", "to", "source", "note", "confidence"}
    assert registry.FIELDS["instance"] == {"id", "type", "name", "level", "description", "source", "status", "roles",
                                           "coverage", "note", "confidence", "aggregate", *IDENTIFIERS}
    assert registry.FIELDS["survey"] == {"id", "territory", "types", "as_of", "source", "note"}


def test_error_locations_are_the_schema():
    assert validate.FIELD_OF == field_of_property()
    assert validate.FIELD_OF[M.minAge] == validate.FIELD_OF[M.maxAge] == "ages"
    assert validate.FIELD_OF[RDFS.label] == "name" and validate.FIELD_OF[PROV.entity] == "ref"
    assert validate.FIELD_OF[DCTERMS.date] == "date" and validate.FIELD_OF[M.asOf] == "as_of"


def test_every_property_of_the_schema_is_in_the_rulebook():
    shapes = Graph().parse(SHAPES_FILE)
    paths = {str(o) for o in shapes.objects(None, None)}
    assert [p for p in field_of_property() if str(p) not in paths] == []


def test_one_property_one_field_name():
    original = KINDS["status"]
    try:
        KINDS["status"] = (*original, Field("début", "date", properties=(M.validFrom,)))
        with pytest.raises(ValueError, match="validFrom"):
            field_of_property()
    finally:
        KINDS["status"] = original


def test_csv_columns_are_the_schema_and_fill_declared_fields():
    assert csv_import.COLUMNS == tuple(c.name for c in CSV_COLUMNS)
    for column in CSV_COLUMNS:
        kind, name = column.field.split(".")
        assert name in allowed_fields()[kind], column


def test_value_kinds_are_checked():
    with pytest.raises(ValueError):
        Field("x", "nombre")


def test_workbook_columns_are_the_schema():
    from ingest.workbook import SHEETS
    columns = {f.column for fields in KINDS.values() for f in fields}
    headers = {c.header for sheet in SHEETS for c in sheet.columns}
    # every header is a declared column, but the citation's confidence (named apart from the entry's)
    assert headers - columns == {"confiance de la source"}
    sheet = next(s for s in SHEETS if s.name == "couvertures")
    assert [(c.header, c.kind) for c in sheet.columns[:5]] == [
        ("territoire", "text"), ("âges", "ages"), ("publics", "list"), ("début", "date"), ("fin", "date")]


def test_format_doc_tables_are_the_schema():
    from pathlib import Path
    from ingest.schema import format_tables
    text = (Path(__file__).parents[2] / "registry" / "FORMAT.md").read_text(encoding="utf-8")
    begin, end = "<!-- schema:begin -->\n", "<!-- schema:end -->"
    assert text.count(begin) == 1 and text.count(end) == 1
    assert text[text.index(begin) + len(begin):text.index(end)] == format_tables()
