"""A date is read by one function (core.dates.read_date): AAAA-MM-JJ naming a day that exists, one French
error otherwise, for a question, a registry file, a workbook, a proposal and the store alike."""

from __future__ import annotations

import ast
import datetime as dt
import random
import re
from pathlib import Path

import pytest
from package_code import nodes

from core import dates
from core.dates import DATE_FORM, looks_like_date, read_date
from core.errors import InvalidDate, InvalidQuery
from core.terms import parse_date

ODD = ["2024-06-01", " 2024-06-01\n", "20240601", "2024-W23-1", "2024-153", "2024-02-30", "2024-13-01", "2023-02-29",
       "2024-02-29", "0001-01-01", "9999-12-31", "0000-01-01", "２０２４-06-01", "2024-0６-01", "+024-06-01", "2024-6-1",
       "2024-06-01T00:00", "2024-06-01 00:00:00", "2024/06/01", "01/06/2024", "", " ", "2024-06-0 ", "-024-06-01"]


def _reference(text: str) -> dt.date | None:
    """The rule written the slow way: the pattern, then a day that exists."""
    text = text.strip()
    if not re.fullmatch(DATE_FORM, text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _read(text):
    try:
        return read_date(text)
    except InvalidDate:
        return None


def test_the_form_and_the_day_as_the_rule_says():
    rng = random.Random(119)
    alphabet = "0123456789-W T:+/ ٣"
    texts = ODD + ["".join(rng.choice(alphabet) for _ in range(rng.choice((8, 10, 10, 10, 11)))) for _ in range(5000)]
    texts += [f"{rng.randrange(10000):04d}-{rng.randrange(15):02d}-{rng.randrange(34):02d}" for _ in range(5000)]
    assert [_read(t) for t in texts] == [_reference(t) for t in texts]
    assert [looks_like_date(t) for t in ODD] == [bool(re.fullmatch(DATE_FORM, t.strip())) for t in ODD]


def test_a_date_is_itself_and_a_date_and_time_is_no_date():
    assert read_date(dt.date(2024, 6, 1)) == dt.date(2024, 6, 1)
    with pytest.raises(InvalidDate):
        read_date(dt.datetime(2024, 6, 1, 12, 0))
    for value in (None, 2024, 20240601.0, ["2024-06-01"]):
        with pytest.raises(InvalidDate):
            read_date(value)


def test_one_french_error_which_a_question_answers_with():
    with pytest.raises(InvalidDate) as refused:
        parse_date("2024-W23-1")  # fromisoformat alone would read the Monday of week 23
    assert str(refused.value) == "Date « 2024-W23-1 » illisible : écrivez AAAA-MM-JJ, un jour qui existe."
    assert isinstance(refused.value, InvalidQuery) and refused.value.status == 422
    assert parse_date(None) == parse_date("") == dt.date.today() and parse_date(" 2024-06-01 ") == dt.date(2024, 6, 1)


def test_no_other_module_reads_a_date_itself():
    """``date.fromisoformat`` and ``strptime`` only in core/dates.py (a time stamp, ``datetime.fromisoformat``,
    is no date)."""
    found = []
    for where, node in nodes(skip=Path(dates.__file__)):
        if isinstance(node, ast.Attribute) and (node.attr == "strptime" or node.attr == "fromisoformat" and (
                isinstance(node.value, ast.Attribute) and node.value.attr == "date"
                or isinstance(node.value, ast.Name) and node.value.id == "date")):
            found.append(where)
    assert found == []
