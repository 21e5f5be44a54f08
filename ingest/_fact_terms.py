"""The geography's facts as rdflib terms, made straight from the package's tables for SHACL.

They are the triples of ``geography.fact_triples`` (``tests/ingest/test_fact_terms.py`` checks that the
two sets are equal), without the N-Triples text in between: writing a quarter-million facts as text
and decoding them back into rdflib terms took about 3 s of a cold build. Each territory's IRI is made
once and shared by the facts that name it, as the text decoder did by caching its tokens.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import RDF, RDFS, XSD, Literal, URIRef

from .vocabulary import IGEO, M, PROV, iri

from ._fastgraph import ntriples_terms
from .geography import Geography, source_triples

__all__ = ["fact_terms"]

TYPE, LABEL, CODE, DERIVED = RDF.type, RDFS.label, IGEO.codeINSEE, PROV.wasDerivedFrom


def _territories(kind: str, table: dict) -> dict[str, URIRef]:
    return {code: URIRef(iri(kind, code)) for code in table}


def _named(kind: str, made: dict[str, URIRef], code: str) -> URIRef:
    """The IRI of a territory a fact points to, which may be missing from its table (SHACL says so)."""
    found = made.get(code)
    return found if found is not None else URIRef(iri(kind, code))


def fact_terms(geo: Geography) -> Iterator[tuple]:
    """What the package says, as distinct triples of rdflib terms (``geography.fact_triples``)."""
    # The source's few facts carry the most wording; they are decoded from their one text form.
    yield from ntriples_terms("".join(source_triples(geo)))
    source = URIRef(geo.source_iri)
    regions = _territories("region", geo.regions)
    departements = _territories("departement", geo.departements)
    epcis = _territories("epci", geo.epcis)
    communes = _territories("commune", geo.communes)
    for code, name in geo.regions.items():
        s = regions[code]
        yield from ((s, TYPE, IGEO.Region), (s, CODE, Literal(code)), (s, LABEL, Literal(name, lang="fr")),
                    (s, DERIVED, source))
    for code, (name, region) in geo.departements.items():
        s = departements[code]
        yield from ((s, TYPE, IGEO.Departement), (s, CODE, Literal(code)), (s, LABEL, Literal(name, lang="fr")),
                    (s, M.inRegion, _named("region", regions, region)), (s, DERIVED, source))
    for siren, (name, kind, _members) in geo.epcis.items():
        s = epcis[siren]
        yield from ((s, TYPE, IGEO.Intercommunalite), (s, M.siren, Literal(siren)),
                    (s, LABEL, Literal(name, lang="fr")), (s, M.territoryKind, Literal(kind)), (s, DERIVED, source))
    population, in_departement, commune_class = M.population, M.inDepartement, IGEO.Commune
    populations: dict[str, Literal] = {}  # many communes share a population figure
    for code, c in geo.communes.items():
        s = communes[code]
        yield from ((s, TYPE, commune_class), (s, CODE, Literal(code)), (s, LABEL, Literal(c.name, lang="fr")))
        if c.population is not None:
            lexical = f"{c.population}"  # as ``_ntriples.typed`` writes it
            value = populations.get(lexical)
            if value is None:
                value = populations[lexical] = Literal(lexical, datatype=XSD.integer)
            yield s, population, value
        yield from ((s, in_departement, _named("departement", departements, c.departement)), (s, DERIVED, source))
    for code, a in geo.arrondissements.items():
        s = URIRef(iri("arrondissement", code))
        yield from ((s, TYPE, IGEO.ArrondissementMunicipal), (s, CODE, Literal(code)), (s, LABEL, Literal(a.name, lang="fr")))
        if a.population is not None:
            yield s, population, Literal(f"{a.population}", datatype=XSD.integer)
        yield from ((s, M.inCommune, _named("commune", communes, a.commune)), (s, DERIVED, source))
    yield from _memberships(geo, communes, epcis)


def _memberships(geo: Geography, communes: dict[str, URIRef], epcis: dict[str, URIRef]) -> Iterator[tuple]:
    """``commune m:inEpci epci`` for every member each EPCI lists, once, even if listed twice."""
    in_epci = M.inEpci
    for siren, (_name, _kind, members) in geo.epcis.items():
        for code in dict.fromkeys(members):
            yield _named("commune", communes, code), in_epci, epcis[siren]
