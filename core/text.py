"""Folding names so that "SAINT-GAUDENS", "saint gaudens" and "Saint-Gaudens" meet."""

import re
import unicodedata

__all__ = ["fold", "french_date", "french_duration", "french_span", "french_period", "french_until", "matches_words"]

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


def french_span(first, last) -> str:
    """The period a source speaks of, as French says it after "attesté": a day, a month, a year, or from
    one day to another.

    >>> import datetime as dt
    >>> french_span(dt.date(2019, 1, 1), dt.date(2019, 12, 31)), french_span(dt.date(2024, 5, 24), dt.date(2024, 5, 24))
    ("pour l'année 2019", 'le 24 mai 2024')
    >>> french_span(dt.date(2018, 5, 1), dt.date(2018, 5, 31)), french_span(dt.date(2022, 1, 1), dt.date(2024, 5, 24))
    ('pour mai 2018', 'du 1er janvier 2022 au 24 mai 2024')
    """
    if first is None or last is None:
        return french_date(first or last)
    if first == last:
        return f"le {french_date(first)}"
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31):
        return f"pour l'année {first.year}" if first.year == last.year else f"pour les années {first.year} à {last.year}"
    next_day = last.toordinal() + 1
    if first.day == 1 and first.replace(day=1) == last.replace(day=1) and \
            type(last).fromordinal(next_day).day == 1:
        return f"pour {MONTHS[first.month - 1]} {first.year}"
    return f"du {french_date(first)} au {french_date(last)}"


def french_period(start, end) -> str:
    """When a fact held, as French says it; a year's bounds (the registry's convention for a year alone)
    are said as the year.

    >>> import datetime as dt
    >>> french_period(dt.date(2019, 1, 1), dt.date(2019, 12, 31)), french_period(None, dt.date(2018, 12, 31))
    ('en 2019', "jusqu'en 2018")
    >>> french_period(dt.date(2019, 1, 1), dt.date(2021, 12, 31)), french_period(dt.date(2022, 7, 1), None)
    ('de 2019 à 2021', 'depuis le 1er juillet 2022')
    >>> french_period(dt.date(2012, 6, 1), dt.date(2022, 6, 30)), french_period(None, None)
    ('du 1er juin 2012 au 30 juin 2022', 'dates inconnues')
    """
    if start and end:
        if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
            return f"en {start.year}" if start.year == end.year else f"de {start.year} à {end.year}"
        return f"du {french_date(start)} au {french_date(end)}"
    if start:
        return f"depuis le {french_date(start)}"
    if end:
        return french_until(end)
    return "dates inconnues"


def french_until(day) -> str:
    """The end of a fact as French says it: the last day of a year is that year (the registry writes a
    year's end for a fact known by its year only).

    >>> import datetime as dt
    >>> french_until(dt.date(2018, 12, 31)), french_until(dt.date(2022, 6, 30))
    ("jusqu'en 2018", "jusqu'au 30 juin 2022")
    """
    if (day.month, day.day) == (12, 31):
        return f"jusqu'en {day.year}"
    return f"jusqu'au {french_date(day)}"


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
