"""Answers as CSV: one row per item, nested values flattened (lists joined by « ; »)."""

from __future__ import annotations

import csv
import io
from typing import Any

from maillage import jsonable

__all__ = ["to_csv"]


def _cell(value: Any) -> Any:
    if isinstance(value, dict):
        return "; ".join(f"{k}={_cell(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(str(_cell(v)) for v in value)
    return "" if value is None else value


def to_csv(items: list[Any]) -> str:
    """``items`` (dataclasses or dicts) as CSV with a header row; nested values flattened."""
    rows = [jsonable.plain(item) for item in items]
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
    return out.getvalue()
