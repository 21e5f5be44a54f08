"""Writing N-Triples lines by hand: the national geography is half a million triples, and building
them as rdflib objects first would triple the build time.

Every term is escaped or refused here, whatever file or registry brought it: a literal's text is
escaped (``\\``, ``"``, line feed, carriage return: N-Triples leaves every other character as it is
inside quotes), an IRI holding a character N-Triples forbids in one (space, ``<>"{}|^`\\``, a control
character) or without a scheme, a language tag or datatype name that is not one, raises ValueError:
a line is never cut or joined by what a national file holds (``tests/ingest/test_ntriples.py``).
"""

from __future__ import annotations

import re

__all__ = ["lit", "ref", "typed", "triple", "quoted"]

XSD = "http://www.w3.org/2001/XMLSchema#"

#: an absolute IRI as N-Triples may write it between ``<>`` (RDF 1.1 N-Triples, IRIREF, unescaped)
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]*")
_LANGUAGE = re.compile(r"[a-zA-Z]+(-[a-zA-Z0-9]+)*")
_DATATYPE = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def ref(iri: str) -> str:
    if not _IRI.fullmatch(iri):
        raise ValueError(f"IRI refusée (caractère interdit dans une IRI N-Triples, ou pas d'IRI absolue) : {iri!r}")
    return f"<{iri}>"


def quoted(text: str) -> str:
    """A string literal's quoted form, as rdflib's ``nt`` serializer writes it."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def lit(text: str, lang: str | None = None) -> str:
    if lang and not _LANGUAGE.fullmatch(lang):
        raise ValueError(f"étiquette de langue refusée : {lang!r}")
    return f"{quoted(text)}@{lang}" if lang else quoted(text)


def typed(value: object, datatype: str) -> str:
    """A literal of ``xsd:<datatype>`` whose lexical form is ``value`` written as text, escaped."""
    if not _DATATYPE.fullmatch(datatype):
        raise ValueError(f"type de donnée refusé : {datatype!r}")
    return f"{quoted(str(value))}^^<{XSD}{datatype}>"


def triple(s: str, p: str, o: str) -> str:
    return f"{s} {p} {o} .\n"
