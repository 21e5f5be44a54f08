"""Answers as CSV for a planner's spreadsheet, the same from the CLI and the API: one row per item,
nested fields flattened (``ages.min``), lists joined with " | " (by their name, title, label or code)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from maillage.core import jsonable

__all__ = ["to_csv", "flat"]


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
        return {key: " | ".join("" if p is None else str(p) for p in parts)}
    return {key: "" if value is None else str(value)}


def to_csv(items: Sequence[Any]) -> str:
    """``items`` (dataclasses or dicts) as CSV text with a header row."""
    rows = [flat(jsonable.plain(item)) for item in items]
    columns = list(dict.fromkeys(k for row in rows for k in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
