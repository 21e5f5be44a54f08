"""Plain JSON from the typed answers: dataclasses to dicts, dates to ISO strings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
from typing import Any

__all__ = ["plain", "dumps"]


#: the types a value of which is plain already
_ATOMS = frozenset((str, int, float, bool, type(None)))


def plain(value: Any) -> Any:
    kind: type = type(value)
    if kind in _ATOMS:
        return value
    names = _field_names(kind)
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


@functools.cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    """The fields of a dataclass, None for another type: ``dataclasses.fields`` costs microseconds
    a call, and a build writes a card of many records for each of tens of thousands of coverages."""
    return tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else None


def dumps(value: Any) -> str:
    return json.dumps(plain(value), ensure_ascii=False, indent=2)
