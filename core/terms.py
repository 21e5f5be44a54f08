"""The terms of a question, as a planner types them: ages, a date, a territory reference.

One parser each, one French error each, for the CLI, the API, the map and the registry reader.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .dates import read_date
from .errors import InvalidQuery
from .namespaces import Level

__all__ = ["AgeRange", "ALL_AGES", "parse_ages", "parse_date", "TERRITORY_REF", "TERRITORY_HELP", "match_territory",
           "parse_territory"]

MAX_AGE = 120


@dataclass(frozen=True)
class AgeRange:
    min: int
    max: int


ALL_AGES = AgeRange(0, MAX_AGE)


def parse_ages(text: str | AgeRange | None) -> AgeRange:
    """``"0-12"`` → 0..12, ``"15"`` → 15..15, nothing → every age. 0 ≤ min ≤ max ≤ 120."""
    if isinstance(text, AgeRange):
        return text
    if text is None or not str(text).strip():
        return ALL_AGES
    low, sep, high = str(text).strip().partition("-")
    try:
        ages = AgeRange(int(low), int(high) if sep else int(low))
    except ValueError:
        raise InvalidQuery(f"Âges « {text} » illisibles : écrivez par exemple 0-12 ou 15.") from None
    if not 0 <= ages.min <= ages.max <= MAX_AGE:
        raise InvalidQuery(f"Âges « {text} » invalides : il faut 0 ≤ minimum ≤ maximum ≤ {MAX_AGE}.")
    return ages


def parse_date(text: str | dt.date | None) -> dt.date:
    """``"2024-06-01"`` → that day; nothing → today (:func:`core.dates.read_date` for the rest)."""
    if text is None or text == "":
        return dt.date.today()
    return read_date(text)


#: ``kind:code``, as the registry writes a territory and every question names one
TERRITORY_REF = re.compile(rf"^({'|'.join(level.value for level in Level)}):([0-9A-Za-z][0-9A-Za-z-]*)\Z")
TERRITORY_HELP = "attendu departement:31, region:76, epci:200068641, commune:31395 ou territoire:<id>"


def match_territory(text: object) -> tuple[str, str] | None:
    """``"epci:200068641"`` → ``("epci", "200068641")``; None when malformed."""
    # spaces around are forgiven, a line break is not ("departement:31\n" is no reference)
    match = TERRITORY_REF.match(str(text).strip(" ")) if text is not None else None
    return (match.group(1), match.group(2)) if match else None


def parse_territory(text: object) -> tuple[str, str]:
    """A territory reference of a question; :class:`InvalidQuery` in French when malformed."""
    parsed = match_territory(text)
    if parsed is None:
        raise InvalidQuery(f"Territoire « {text} » mal écrit : {TERRITORY_HELP}.")
    return parsed
