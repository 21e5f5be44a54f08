"""The graph's namespaces as rdflib terms, for the modules that build rdflib graphs.

Same IRIs as ``core.namespaces`` (plain strings there, so that reading never imports rdflib).
"""

from __future__ import annotations

from rdflib import Namespace

from core import namespaces as _ns
from core.namespaces import BASE, iri, local

__all__ = ["BASE", "M", "IGEO", "ORG", "PROV", "SKOS", "DCTERMS", "GEO", "TYPE", "PUBLIC", "ROLE", "STATUS", "iri", "local"]



class _Terms(Namespace):
    """A namespace whose terms are made once: rdflib's makes (and checks) a new URIRef at every
    ``M.territory``, which the registry reader does millions of times on a national registry. A term
    made is kept as an attribute of the namespace, so the next ``M.territory`` is a plain attribute
    read (this method is not called again: 30 times faster)."""

    def __getattr__(self, name: str):
        if name.startswith("__"):  # copy, pickle and the like look for special methods
            raise AttributeError(name)
        found = self.__dict__[name] = self.term(name)
        return found


M, IGEO, ORG, PROV, SKOS, DCTERMS, GEO, TYPE, PUBLIC, ROLE, STATUS = (
    _Terms(str(getattr(_ns, name))) for name in ("M", "IGEO", "ORG", "PROV", "SKOS", "DCTERMS", "GEO", "TYPE", "PUBLIC", "ROLE", "STATUS")
)
