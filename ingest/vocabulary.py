"""The graph's namespaces as rdflib terms, for the modules that build rdflib graphs.

Same IRIs as ``maillage.core.namespaces`` (plain strings there, so that reading never imports rdflib).
"""

from __future__ import annotations

from rdflib import Namespace

from maillage.core import namespaces as _ns
from maillage.core.namespaces import BASE, iri, local

__all__ = ["BASE", "M", "IGEO", "ORG", "PROV", "SKOS", "DCTERMS", "GEO", "TYPE", "PUBLIC", "ROLE", "STATUS", "iri", "local"]

M, IGEO, ORG, PROV, SKOS, DCTERMS, GEO, TYPE, PUBLIC, ROLE, STATUS = (
    Namespace(str(getattr(_ns, name))) for name in ("M", "IGEO", "ORG", "PROV", "SKOS", "DCTERMS", "GEO", "TYPE", "PUBLIC", "ROLE", "STATUS")
)
