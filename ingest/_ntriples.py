"""Writing N-Triples lines by hand: the national geography is half a million triples, and building
them as rdflib objects first would triple the build time."""

from __future__ import annotations

__all__ = ["lit", "ref", "typed", "triple"]

XSD = "http://www.w3.org/2001/XMLSchema#"


def ref(iri: str) -> str:
    return f"<{iri}>"


def lit(text: str, lang: str | None = None) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def typed(value: object, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def triple(s: str, p: str, o: str) -> str:
    return f"{s} {p} {o} .\n"
