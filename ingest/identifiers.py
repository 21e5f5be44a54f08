"""The official identifiers an actor or an instance may carry: SIREN, SIRET, FINESS, RNA.

Their patterns are SHACL rules (``ontology/shapes.ttl``); what SHACL cannot compute, the Luhn key of a
SIREN or a SIRET, is checked here, when the registry is read, as the named rule ``cle-luhn``. A number
written without quotes in YAML is refused too (``identifiant-texte``): YAML reads ``010000016`` as an
octal integer, so a leading zero would silently change the number.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Literal, URIRef

from .values import text_refusal
from .vocabulary import M

__all__ = ["IDENTIFIERS", "luhn_valid", "siret_valid", "identifier_triples", "identifier_problems"]

#: registry field → property of the graph
IDENTIFIERS = {"siren": M.siren, "siret": M.siret, "finess": M.finess, "rna": M.rna}

#: La Poste's establishments share one SIREN and are numbered outside the Luhn rule (INSEE): their
#: SIRET's digits sum to a multiple of 5 instead.
LA_POSTE = "356000000"


def luhn_valid(digits: str) -> bool:
    """The Luhn check of a string of digits (SIREN, SIRET).

    >>> luhn_valid("732829320"), luhn_valid("732829321")
    (True, False)
    """
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def siret_valid(siret: str) -> bool:
    """A SIRET's key: Luhn, except La Poste's (sum of the digits a multiple of 5)."""
    if siret.startswith(LA_POSTE) and siret.isdigit() and len(siret) == 14:
        return sum(map(int, siret)) % 5 == 0 or luhn_valid(siret)
    return luhn_valid(siret)


def identifier_triples(node: URIRef, entry: dict) -> Iterator[tuple]:
    """The identifier triples of a registry entry (the value as written: the shapes check its pattern)."""
    for name, prop in IDENTIFIERS.items():
        value = entry.get(name)
        if value is not None and value != "":
            yield node, URIRef(prop), Literal(str(value))


def identifier_problems(entry: dict) -> Iterator[tuple[str, str, str]]:
    """(field, rule, French message) for each identifier that is not text or whose key is wrong."""
    for name in IDENTIFIERS:
        value = entry.get(name)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            yield name, "identifiant-texte", (f"{name.upper()} à écrire entre guillemets (« \"{value}\" ») : "
                                              "sans guillemets, YAML peut changer le nombre (zéros en tête)")
            continue
        refused = text_refusal(value, name)
        if refused:  # "775672272\n" would pass the shapes' "^[0-9]{9}$" and be published, never found
            yield name, *refused
            continue
        if name == "siren" and len(value) == 9 and value.isdigit() and not luhn_valid(value):
            yield name, "cle-luhn", f"SIREN « {value} » : la clé de contrôle (Luhn) est fausse, vérifiez le numéro"
        if name == "siret" and len(value) == 14 and value.isdigit() and not siret_valid(value):
            yield name, "cle-luhn", f"SIRET « {value} » : la clé de contrôle (Luhn) est fausse, vérifiez le numéro"
        if name == "siret" and entry.get("siren") and isinstance(entry["siren"], str) \
                and value.isdigit() and not value.startswith(entry["siren"]):
            yield name, "siret-siren", f"SIRET « {value} » : il ne commence pas par le SIREN « {entry['siren']} »"
