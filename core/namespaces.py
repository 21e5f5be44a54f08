"""IRIs of the Maillage graph, shared by ingest (which mints them) and queries (which read them).

Plain strings: the read path never needs rdflib (about 0.2 s to import). Ingest, which builds rdflib
graphs, has the same namespaces as rdflib terms in ``ingest.vocabulary``.
"""

from __future__ import annotations

import re
from enum import StrEnum

__all__ = ["BASE", "Namespace", "M", "IGEO", "ORG", "PROV", "SKOS", "DCTERMS", "GEO", "TYPE", "PUBLIC", "ROLE", "STATUS",
           "NAMESPACES", "Level", "KINDS", "ENTRY_ID", "ENTRY_ID_CHARS", "iri", "local", "entry_iri"]

BASE = "https://w3id.org/maillage/"


class Namespace(str):
    """``M.hasCoverage`` and ``TYPE["DAC"]`` are the full IRIs, as ``str``."""

    __slots__ = ()

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        return self + name

    def __getitem__(self, name) -> str:
        return self + name


M = Namespace(BASE + "ontology#")
IGEO = Namespace("http://rdf.insee.fr/def/geo#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
#: W3C WGS84 positions: a seat's point (``geo:lat``, ``geo:long``)
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
TYPE = Namespace(BASE + "type/")
PUBLIC = Namespace(BASE + "public/")
ROLE = Namespace(BASE + "role/")
STATUS = Namespace(BASE + "status/")
#: prefix → namespace, for the modules that need rdflib terms (ingest) or prefixes (exports)
NAMESPACES = {"m": M, "igeo": IGEO, "org": ORG, "prov": PROV, "skos": SKOS, "dcterms": DCTERMS, "geo": GEO, "type": TYPE,
              "public": PUBLIC, "role": ROLE, "status": STATUS}



class Level(StrEnum):
    """The kinds of territory, from the arrondissement municipal up to the région: the one list of them.

    A member is its word (``Level.EPCI == "epci"``): the path segment of the territory's IRI, the kind
    of a territory reference (``epci:200068641``) and of the API's ``kind``. Each also has its French
    label and its class in the graph. Declared here, beside the IRIs it names, rather than in
    ``core.levels`` (which derives its tables from it): ``iri`` checks the kinds, and the classes are
    namespaces of this module.
    """

    label: str
    rdf_class: str

    #: the 45 arrondissements municipaux of Paris, Lyon and Marseille, each a part of its commune
    #: (decision 0142): the only kind smaller than a commune
    ARRONDISSEMENT = "arrondissement", "arrondissement municipal", IGEO.ArrondissementMunicipal
    COMMUNE = "commune", "commune", IGEO.Commune
    EPCI = "epci", "EPCI", IGEO.Intercommunalite
    TERRITOIRE = "territoire", "territoire de projet", M.CustomTerritory
    DEPARTEMENT = "departement", "département", IGEO.Departement
    REGION = "region", "région", IGEO.Region

    def __new__(cls, word: str, label: str, rdf_class: str) -> Level:
        member = str.__new__(cls, word)
        member._value_ = word
        member.label = label
        member.rdf_class = rdf_class
        return member


#: Path segment of each kind of node; a registry reference "epci:200068641" uses the same words.
KINDS = (*(level.value for level in Level), "instance", "actor", "source", "inventory", "survey", "seat")


def iri(kind: str, key: str) -> str:
    """The IRI of a node of ``kind`` ("commune", "epci", "instance"…) with local key ``key``."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of node: {kind!r}")
    return f"{BASE}{kind}/{key}"


def local(uri: str) -> str:
    """The last segment of an IRI: ``…/commune/31395`` → ``31395``, ``…/ontology#Commune`` → ``Commune``."""
    return uri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


#: what an id of the registry looks like (see ingest/registry.py): anything else names nothing
ENTRY_ID = re.compile(r"^[a-z0-9][a-z0-9-]*\Z")  # \Z: "$" would let a final newline into an IRI
#: the longest id or code the registry takes, and the longest the API reads in a path (``api/limits.py``)
ENTRY_ID_CHARS = 100

_ENTRY_WORDS = {"instance": "dispositif", "actor": "acteur"}


def entry_iri(kind: str, key: str) -> str:
    """The IRI of a registry entry a user named; :class:`NotFound` when ``key`` cannot be an id."""
    if not ENTRY_ID.match(key or ""):
        from core.errors import NotFound

        raise NotFound(f"Aucun {_ENTRY_WORDS.get(kind, kind)} « {key} ».")
    return iri(kind, key)
