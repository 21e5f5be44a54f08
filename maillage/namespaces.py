"""IRIs of the Maillage graph, shared by ingest (which mints them) and queries (which read them)."""

import re

from rdflib import Namespace

__all__ = ["BASE", "M", "IGEO", "ORG", "PROV", "SKOS", "DCTERMS", "TYPE", "PUBLIC", "ROLE", "STATUS", "iri", "local", "entry_iri"]

BASE = "https://w3id.org/maillage/"
M = Namespace(BASE + "ontology#")
IGEO = Namespace("http://rdf.insee.fr/def/geo#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
TYPE = Namespace(BASE + "type/")
PUBLIC = Namespace(BASE + "public/")
ROLE = Namespace(BASE + "role/")
STATUS = Namespace(BASE + "status/")

#: Path segment of each kind of node; a registry reference "epci:200068641" uses the same words.
KINDS = ("commune", "epci", "departement", "region", "territoire", "instance", "actor", "source", "inventory")


def iri(kind: str, key: str) -> str:
    """The IRI of a node of ``kind`` ("commune", "epci", "instance"…) with local key ``key``."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of node: {kind!r}")
    return f"{BASE}{kind}/{key}"


def local(uri: str) -> str:
    """The last segment of an IRI: ``…/commune/31395`` → ``31395``, ``…/ontology#Commune`` → ``Commune``."""
    return uri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


#: what an id of the registry looks like (see ingest/registry.py): anything else names nothing
ENTRY_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def entry_iri(kind: str, key: str) -> str:
    """The IRI of a registry entry a user named; :class:`NotFound` when ``key`` cannot be an id."""
    if not ENTRY_ID.match(key or ""):
        from maillage.errors import NotFound

        raise NotFound(f"Aucun {'dispositif' if kind == 'instance' else 'acteur' if kind == 'actor' else kind} « {key} ».")
    return iri(kind, key)
