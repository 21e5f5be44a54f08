"""What a value of the registry may hold, whoever wrote it (a YAML file, a CSV sheet, a workbook's cell).

Checked at the door, where a planner's words come in, so that nothing a later step cannot carry (an
XLSX cell, an XML answer, an IRI, a page of the API) is ever published:

* **characters**: no control character (U+0000–U+001F, U+007F–U+009F) in a text, except the tab and
  the line breaks of the texts that run over several lines (:data:`MULTILINE`: notes, descriptions,
  excerpts, paraphrases); no direction control (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
  U+061C: one reverses how a name reads on every page that shows it), no invisible space or joiner
  (U+200B, U+2060, U+FEFF), no lone surrogate, no noncharacter (U+FFFE, U+FFFF);
* **ids and codes written as text**: YAML reads ``id: 010`` as the number 8 and ``0x1F`` as 31, so a
  number where an id, a code or a scope goes is refused (« écrire l'identifiant entre guillemets »);
* **ids no longer than the API serves** (:data:`~core.namespaces.ENTRY_ID_CHARS`): a longer one
  would be listed but its own page refused;
* **a source's address** ``http`` or ``https`` with a host: ``javascript:`` or ``data:`` would be a link
  on the map and the pages.

Each check gives (rule, French message) or None; the reader, the CSV import and the workbook import
put it where the planner will find it (file, entry and field; or sheet, row and column).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from core.namespaces import ENTRY_ID_CHARS

__all__ = ["MULTILINE", "CONTROL", "text_refusal", "number_refusal", "length_refusal", "url_refusal", "shown"]

#: the texts that may run over several lines (a quote keeps its source's line breaks)
MULTILINE = frozenset({"note", "description", "excerpt", "paraphrase"})

_DIRECTION = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_INVISIBLE = "\u200b\u2060\ufeff"
_ALWAYS = f"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_DIRECTION}{_INVISIBLE}\u2028\u2029\ud800-\udfff\ufffe\uffff"
#: every character refused in a one-line text (a name, a title, a function, an address, a code)
CONTROL = re.compile(f"[\t\n\r{_ALWAYS}]")
_CONTROL_MULTILINE = re.compile(f"[{_ALWAYS}]")
_DIRECTION_CHARS = re.compile(f"[{_DIRECTION}]")


def _code_point(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name.lower()})" if name else "")


def shown(text: str) -> str:
    """``text`` with its invisible characters written out (``\\n``, ``<U+202E>``), for a message."""
    return CONTROL.sub(lambda m: {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(m.group(), f"<U+{ord(m.group()):04X}>"),
                       text)


def text_refusal(text: str, field: str) -> tuple[str, str] | None:
    """Why ``text`` cannot be the value of ``field`` (its last name: ``excerpt``), or None."""
    found = (_CONTROL_MULTILINE if field in MULTILINE else CONTROL).search(text)
    if found is None:
        return None
    char, at = found.group(), found.start() + 1
    where = f"« {field} », au caractère {at} (« {shown(text[max(0, at - 21):at + 20])} »)"
    if char in "\n\r":
        return "caractere-controle", f"retour à la ligne dans {where} : ce champ tient sur une ligne"
    if _DIRECTION_CHARS.match(char):
        return "caractere-controle", (f"caractère de direction {_code_point(char)} dans {where} : il change l'ordre "
                                      "d'affichage du texte sur chaque page qui le montre ; retirez-le")
    return "caractere-controle", f"caractère invisible ou de contrôle {_code_point(char)} dans {where} : retirez-le"


def number_refusal(value: object, field: str) -> tuple[str, str] | None:
    """A number where an id, a code or a scope goes: YAML changed what was written (``010`` is 8)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "identifiant-texte", (f"« {field} » lu comme le nombre {value} : écrire l'identifiant entre guillemets "
                                     f"(« {field}: \"…\" ») ; sans guillemets, YAML lit 010 comme 8 et 0x1F comme 31")
    return None


def length_refusal(text: str, field: str) -> tuple[str, str] | None:
    if len(text) > ENTRY_ID_CHARS:
        return "identifiant-long", (f"« {field} » de {len(text)} caractères : {ENTRY_ID_CHARS} au plus (l'adresse de sa "
                                    "page ne pourrait pas le porter)")
    return None


def url_refusal(url: str) -> tuple[str, str] | None:
    """An address that is not ``http(s)://host…``."""
    try:
        parts = urlsplit(url)
        ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and not CONTROL.search(url) and " " not in url
    except ValueError:  # an unclosed [ in the host, a port that is no number
        ok = False
    if ok:
        return None
    return "adresse-web", (f"adresse « {shown(url[:80])} » : une adresse web commence par http:// ou https:// suivi du "
                           "nom du site (ni javascript:, ni data:, ni espace)")
