"""Folding names so that "SAINT-GAUDENS", "saint gaudens" and "Saint-Gaudens" meet."""

import re
import unicodedata

__all__ = ["fold", "french_date", "french_duration", "matches_words"]

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(name: str) -> str:
    """Lower case, accents stripped, every run of other characters made one space.

    >>> fold("  Saint-Étienne-d'Orthe ")
    'saint etienne d orthe'
    >>> fold("ŒUILLY")
    'oeuilly'
    """
    text = name.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return _NON_ALNUM.sub(" ", text).strip()


MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


def french_date(day) -> str:
    """A date as French writes it.

    >>> import datetime as dt
    >>> french_date(dt.date(2019, 12, 1)), french_date(dt.date(2024, 5, 24))
    ('1er décembre 2019', '24 mai 2024')
    """
    if day is None:
        return "date inconnue"
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def french_duration(duration: str) -> str:
    """An ISO 8601 duration of years, months and days in French words.

    >>> french_duration("P2Y"), french_duration("P1Y6M"), french_duration("P18M")
    ('2 ans', '1 an et 6 mois', '18 mois')
    """
    match = re.match(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$", duration)
    if not match:
        return duration
    words = []
    for number, one, many in zip(match.groups(), ("an", "mois", "jour"), ("ans", "mois", "jours")):
        if number:
            words.append(f"{int(number)} {one if int(number) == 1 else many}")
    return " et ".join(words)


def matches_words(query: str, *fields: str | None) -> bool:
    """Whether every word of ``query`` is a word of one of ``fields`` (folded, whole words): "ARS"
    finds "ARS Occitanie" and not "ARSEAA"; "dac 31" finds "Association DAC 31".

    >>> matches_words("ars occitanie", "ARS Occitanie (Agence régionale de santé)")
    True
    >>> matches_words("ars", "ARSEAA", "arseaa")
    False
    """
    words = {w for f in fields if f for w in fold(f).split()}
    return all(part in words for part in fold(query).split())
