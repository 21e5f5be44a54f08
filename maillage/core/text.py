"""Folding names so that "SAINT-GAUDENS", "saint gaudens" and "Saint-Gaudens" meet."""

import re
import unicodedata

__all__ = ["fold"]

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
