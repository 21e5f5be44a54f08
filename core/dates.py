"""One reading of a date, for every door: ``AAAA-MM-JJ``, a day that exists, and one French error.

Questions (CLI, API, map), the registry's YAML and CSV files, the workbook, proposals, the national
files and the store's own literals all read a date through :func:`read_date`. Only the calendar date of
ISO 8601 in its extended form is a date: Python's ``date.fromisoformat`` also takes ``20240601`` and
week dates (``2024-W23-1``), which a planner does not mean to write, so the form is checked first.
A value of another form, or a day that does not exist (``2024-02-30``), raises
:class:`core.errors.InvalidDate` (decision 0119).
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from .errors import InvalidDate

__all__ = ["DATE_FORM", "read_date", "looks_like_date"]

#: the form of a date, for the patterns that describe one (an API parameter, a JSON field)
DATE_FORM = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
_FORM = re.compile(DATE_FORM)


def read_date(value: object) -> dt.date:
    """The day ``value`` names: a date (not a date and time) as it is, or text ``AAAA-MM-JJ`` (spaces
    around ignored) naming a day that exists; :class:`InvalidDate` otherwise."""
    if isinstance(value, str):
        day = _day(str(value))
        if day is not None:
            return day
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise InvalidDate(f"Date « {value} » illisible : écrivez AAAA-MM-JJ, un jour qui existe.")


@functools.lru_cache(maxsize=4096)
def _day(text: str) -> dt.date | None:
    # Remembered: a store's cards and a registry repeat the same few thousand dates (a date is immutable).
    # The form is checked without a pattern: of the forms fromisoformat takes, only AAAA-MM-JJ is ten
    # characters with "-" at 4 and 7, and it takes ASCII digits only (tests/core/test_dates.py).
    text = text.strip()
    if len(text) == 10 and text[4] == "-" == text[7]:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None  # 2024-02-30: the form of a date, but no day
    return None


def looks_like_date(text: str) -> bool:
    """Whether ``text`` has the form of a date (it may still name no day): where a date and another
    value are both allowed (``since=`` a date or a build), the form says which was meant."""
    return _FORM.fullmatch(text.strip()) is not None
