"""The registry's schema, declared once: each kind of entry and its fields.

A field has a name (the YAML key), the RDF properties it becomes (so a SHACL report can speak the
file's words: ``ages``, not ``m:minAge``), a value kind, a French column name (the workbook's header)
and a French help. The reader's allowed fields (``ingest.registry.FIELDS``), the error locations
(``ingest.validate.FIELD_OF``) and the CSV columns (``ingest.csv_import.COLUMNS``) are derived from
here. What a value must be stays in ``ontology/shapes.ttl`` (SHACL is the rulebook); this module only
says which fields exist and how people name them.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDFS, URIRef

from .identifiers import IDENTIFIERS
from .vocabulary import DCTERMS, M, PROV

__all__ = ["Field", "KINDS", "CSV_COLUMNS", "CsvColumn", "allowed_fields", "field_of_property", "format_tables"]

#: value kinds: what a field holds, before SHACL checks it
VALUE_KINDS = ("text", "code", "codes", "date", "ages", "confidence", "citation", "entries", "scope", "flag", "territory",
               "period")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"
    #: the French column name (a workbook's header), when the field is shown to planners
    column: str = ""
    help: str = ""
    #: the RDF properties the field becomes (two for ``ages``); none for a field read but not stored as one
    properties: tuple[URIRef, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in VALUE_KINDS:
            raise ValueError(f"unknown value kind {self.kind!r} for field {self.name!r}")


def _f(name: str, kind: str = "text", column: str = "", help: str = "", *properties: URIRef) -> Field:
    return Field(name, kind, column, help, tuple(properties))


_SOURCE = _f("source", "citation", "source", "citation de la source (clé et extrait)", PROV.qualifiedDerivation)
_NOTE = _f("note", "text", "note", "remarque libre, sans donnée personnelle")
_CONFIDENCE = _f("confidence", "confidence", "confiance", "vérifié ou déduit")
_FROM = _f("from", "date", "début", "début de validité (AAAA-MM-JJ)", M.validFrom)
_TO = _f("to", "date", "fin", "fin de validité (AAAA-MM-JJ)", M.validTo)
#: the period a source or one citation speaks of (``period: {from, to}``): what it attests holds at least over it
_PERIOD = _f("period", "period", "période", "période dont parle le document (du, au)", M.periodFrom, M.periodTo)
_IDENTIFIERS = tuple(_f(name, "code", name.upper(), f"numéro {name.upper()}", prop) for name, prop in IDENTIFIERS.items())

#: every kind of entry and its fields, in the order a reader meets them
KINDS: dict[str, tuple[Field, ...]] = {
    "file": (
        _f("scope", "scope", "portée", "département ou région du fichier"),
        _f("synthetic", "flag", "", "fichier généré pour les essais"),
        _f("sources", "entries", "sources", "sources du fichier, par clé"),
        _f("actors", "entries", "acteurs", "acteurs du fichier"),
        _f("territories", "entries", "territoires", "territoires composés du fichier"),
        _f("instances", "entries", "dispositifs", "dispositifs du fichier"),
        _f("inventories", "entries", "inventaires", "inventaires complets d'un type sur un territoire"),
        _f("surveyed", "entries", "enquêtes", "territoires enquêtés"),
    ),
    "source": (
        _f("title", "text", "titre", "titre du document", DCTERMS.title),
        _f("file", "text", "fichier", "fichier dans le dossier des documents"),
        _f("url", "text", "adresse", "adresse web du document"),
        _f("date", "date", "date", "date du document", DCTERMS.date),
        _f("retrieved", "date", "lue le", "date de lecture", M.retrieved),
        _PERIOD,
        _CONFIDENCE,
    ),
    "actor": (
        _f("id", "code", "identifiant", "identifiant de l'acteur"),
        _f("name", "text", "nom", "nom de l'acteur", RDFS.label),
        _f("kind", "code", "nature", "nature de l'acteur", M.actorKind),
        _f("sector", "codes", "secteurs", "secteurs d'intervention", M.sector),
        _f("based_in", "territory", "implanté à", "territoire d'implantation"),
        _SOURCE, _NOTE, _CONFIDENCE, *_IDENTIFIERS,
    ),
    "territory": (
        _f("id", "code", "identifiant", "identifiant du territoire"),
        _f("name", "text", "nom", "nom du territoire", RDFS.label),
        _f("kind", "code", "nature", "nature du territoire"),
        _f("members", "codes", "membres", "territoires qui le composent", M.member),
        _FROM, _TO, _CONFIDENCE, _NOTE, _SOURCE,
    ),
    "instance": (
        _f("id", "code", "identifiant", "identifiant du dispositif"),
        _f("type", "code", "type", "type de dispositif", M.schemeType),
        _f("name", "text", "nom", "nom du dispositif", RDFS.label),
        _f("level", "code", "niveau", "niveau du dispositif", M.level),
        _f("description", "text", "description", "description libre"),
        _SOURCE,
        _f("status", "entries", "statuts", "statuts successifs"),
        _f("roles", "entries", "rôles", "rôles des acteurs"),
        _f("coverage", "entries", "couvertures", "territoires couverts", M.hasCoverage),
        _NOTE, _CONFIDENCE,
        _f("aggregate", "flag", "", "dispositif agrégé"),
        *_IDENTIFIERS,
    ),
    "status": (
        _f("value", "code", "statut", "statut du dispositif", M.status),
        _FROM, _TO, _SOURCE, _NOTE, _CONFIDENCE,
    ),
    "role": (
        _f("role", "code", "rôle", "rôle de l'acteur", M.roleKind),
        _f("actor", "code", "acteur", "identifiant de l'acteur", M.actor),
        _f("function", "text", "fonction", "fonction (jamais une personne)", M.function),
        _FROM, _TO, _SOURCE, _NOTE, _CONFIDENCE,
    ),
    "coverage": (
        _f("territory", "territory", "territoire", "territoire couvert", M.territory),
        _f("ages", "ages", "âges", "âges couverts [min, max]", M.minAge, M.maxAge),
        _f("publics", "codes", "publics", "publics couverts", M.public),
        _FROM, _TO, _SOURCE, _NOTE, _CONFIDENCE,
    ),
    "citation": (
        _f("ref", "code", "source (clé)", "clé de la source", PROV.entity),
        _f("excerpt", "text", "extrait", "extrait cité mot pour mot", M.excerpt),
        _f("paraphrase", "text", "paraphrase", "reformulation", M.paraphrase),
        _f("observed", "date", "attesté le", "date où l'extrait a été constaté", M.observed),
        _PERIOD,
        _CONFIDENCE,
    ),
    "period": (
        _f("from", "date", "période du", "premier jour de la période dont parle le document ou la citation"),
        _f("to", "date", "période au", "dernier jour de la période dont parle le document ou la citation"),
    ),
    "inventory": (
        _f("id", "code", "identifiant", "identifiant de l'inventaire"),
        _f("type", "code", "type", "type de dispositif inventorié"),
        _f("territory", "territory", "territoire", "territoire inventorié"),
        _f("as_of", "date", "à la date du", "date de l'inventaire", M.asOf),
        _SOURCE, _NOTE, _CONFIDENCE,
    ),
    "survey": (
        _f("id", "code", "identifiant", "identifiant de l'enquête"),
        _f("territory", "territory", "territoire", "territoire enquêté"),
        _f("types", "codes", "types", "types de dispositif enquêtés"),
        _f("as_of", "date", "à la date du", "date de l'enquête", M.asOf),
        _SOURCE, _NOTE,
    ),
}


def allowed_fields() -> dict[str, set[str]]:
    """The names each kind of entry may hold (the reader reports any other)."""
    return {kind: {f.name for f in fields} for kind, fields in KINDS.items()}


def field_of_property() -> dict[URIRef, str]:
    """The field named by each RDF property, so a report speaks the file's words.

    Raises if two fields claim one property under different names: a report could then not say which."""
    found: dict[URIRef, str] = {}
    for fields in KINDS.values():
        for f in fields:
            for prop in f.properties:
                if found.setdefault(prop, f.name) != f.name:
                    raise ValueError(f"{prop} is field {found[prop]!r} and {f.name!r}")
    return found


@dataclass(frozen=True)
class CsvColumn:
    """A column of the CSV import: one row per coverage line; ``field`` is the kind.field it fills."""

    name: str
    field: str
    help: str


#: the CSV import's columns, in the order a planner writes them (registry/FORMAT.md, "CSV import")
CSV_COLUMNS = (
    CsvColumn("id", "instance.id", "identifiant du dispositif (répété sur chaque ligne)"),
    CsvColumn("type", "instance.type", "type de dispositif"),
    CsvColumn("name", "instance.name", "nom du dispositif"),
    CsvColumn("territory", "coverage.territory", "territoire couvert"),
    CsvColumn("age_min", "coverage.ages", "âge minimum (0 si vide)"),
    CsvColumn("age_max", "coverage.ages", "âge maximum (120 si vide)"),
    CsvColumn("publics", "coverage.publics", "publics, séparés par « ; »"),
    CsvColumn("from", "coverage.from", "début de la couverture (et du statut)"),
    CsvColumn("to", "coverage.to", "fin de la couverture"),
    CsvColumn("status", "status.value", "statut du dispositif"),
    CsvColumn("carrier", "role.actor", "porteur (identifiant de l'acteur)"),
    CsvColumn("source_title", "source.title", "titre de la source"),
    CsvColumn("source_url", "source.url", "adresse de la source"),
    CsvColumn("source_date", "source.date", "date de la source"),
    CsvColumn("excerpt", "citation.excerpt", "extrait cité"),
)


def format_tables() -> str:
    """The field tables of ``registry/FORMAT.md`` (between its ``schema`` markers), made from this module.

    Regenerate with ``python -m ingest.schema``; a test holds the document equal to it."""
    lines: list[str] = []
    for kind, fields in KINDS.items():
        lines += [f"#### `{kind}`", "| field | column | value | help |", "|---|---|---|---|"]
        lines += [f"| `{f.name}` | {f.column} | {f.kind} | {f.help} |" for f in fields]
        lines.append("")
    lines += ["#### CSV columns", "| column | fills | help |", "|---|---|---|"]
    lines += [f"| `{c.name}` | `{c.field}` | {c.help} |" for c in CSV_COLUMNS]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(format_tables(), end="")
