"""CSV cells: a text a spreadsheet would run as a formula gets a leading quote (OWASP); numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest

from core.tabular import cell, to_csv, to_xlsx


@pytest.mark.parametrize("text", ["=cmd|' /C calc'!A0", "+33 5 61", "-2+3", "-3", "@SUM(A1)", "\tx", "\rx",
                                  "=HYPERLINK(\"http://x\")"])
def test_text_starting_like_a_formula_is_escaped(text):
    assert cell(text) == "'" + text


@pytest.mark.parametrize("value,written", [(-1, "-1"), (-2.5, "-2.5"), (0, "0"), (True, "True"), (None, ""),
                                           ("ILC Toulouse-Sud", "ILC Toulouse-Sud"), ("a=b", "a=b"), ("", "")])
def test_numbers_and_plain_text_are_written_as_they_are(value, written):
    assert cell(value) == written


def test_rows_escape_nested_fields_and_joined_lists():
    rows = [{"name": "=1+1", "ages": {"min": -1, "max": 12}, "tags": ["-a", "b"], "one": [-4], "who": [{"name": "@x"}]}]
    out = list(csv.DictReader(io.StringIO(to_csv(rows))))
    # a list of records also has its numbered columns (decision 0030), escaped alike
    assert out == [{"name": "'=1+1", "ages.min": "-1", "ages.max": "12", "tags": "'-a | b", "one": "-4", "who": "'@x",
                    "who.1.name": "'@x"}]


def test_an_xlsx_table_writes_out_what_no_cell_can_hold():
    """A control character (from a national file: the registry refuses them) fails no table."""
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(to_xlsx([{"name": "Maison\x07 \u202eFS", "note": "a\nb"}])))
    assert list(book.active.iter_rows(values_only=True))[1] == ("Maison<U+0007> \u202eFS", "a\nb")


def test_an_xlsx_table_keeps_numbers_as_numbers():
    """A population sums in the spreadsheet; a text that merely looks like a number stays text."""
    import io

    from openpyxl import load_workbook

    rows = [{"commune": "Mende", "population": 12286, "score": 0.75, "ages": {"min": 0, "max": 12}, "code": "48095",
             "note": "-3", "inferred": True, "formula": "=1+1"}]
    sheet = load_workbook(io.BytesIO(to_xlsx(rows))).active
    header, values = list(sheet.iter_rows(values_only=True))
    assert dict(zip(header, values, strict=True)) == {"commune": "Mende", "population": 12286, "score": 0.75, "ages.min": 0,
                                                      "ages.max": 12, "code": "48095", "note": "-3", "inferred": "True",
                                                      "formula": "=1+1"}
    assert [c.data_type for c in next(sheet.iter_rows(min_row=2))] == ["s", "n", "n", "n", "n", "s", "s", "s", "s"]
