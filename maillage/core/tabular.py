"""Answers as CSV for a planner's spreadsheet, the same from the CLI and the API: one row per item,
nested fields flattened (``ages.min``), lists joined with " | " (by their name, title, label or code).

A text cell a spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return: the OWASP rule for CSV injection) gets a leading ``'``, which spreadsheets show as text.
Numbers are not text: an ``int`` or ``float`` of the answer (a population, an age, a score, ``-1``) is
written as is, so that it stays a number; a text that merely looks like a number ("-3") is escaped like
any other text. Registry text is typed by planners and by imports: it is where a payload would come from.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from maillage.core import jsonable

__all__ = ["to_csv", "flat", "cell"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """One CSV cell: numbers as they are, text escaped so that no spreadsheet runs it."""
    if value is None:
        return ""
    if isinstance(value, (int, float)):  # bool included: True / False start with no formula character
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def flat(value: Any, prefix: str = "") -> dict[str, str]:
    """One CSV row from a nested answer."""
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for key, inner in value.items():
            out.update(flat(inner, f"{prefix}{key}."))
        return out
    key = prefix.rstrip(".")
    if isinstance(value, list):
        parts = [next((v[k] for k in ("name", "title", "label", "code") if isinstance(v, dict) and v.get(k)), None)
                 if isinstance(v, dict) else v for v in value]
        joined = " | ".join("" if p is None else str(p) for p in parts)
        return {key: cell(parts[0] if len(parts) == 1 else joined)}
    return {key: cell(value)}


def to_csv(items: Sequence[Any]) -> str:
    """``items`` (dataclasses or dicts) as CSV text with a header row."""
    rows = [flat(jsonable.plain(item)) for item in items]
    columns = list(dict.fromkeys(k for row in rows for k in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
