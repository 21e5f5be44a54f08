"""The DCAT-AP description of the dataset: the catalogue, the dataset (licence, publisher, temporal
and spatial coverage, the build as its version) and one distribution per dump, with its checksum
(SPDX), as RDF triples for the same writers as linked data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox

from core.namespaces import BASE
from store.builds import build_info
from store.session import Session

from .dumps import Dump

__all__ = ["dcat", "LICENCE", "DCAT", "SPDX"]

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
SPDX = "http://spdx.org/rdf/terms#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LICENCE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
FRANCE = "http://publications.europa.eu/resource/authority/country/FRA"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(value, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(value), language=lang)
    return ox.Literal(str(value), datatype=_n(XSD + datatype)) if datatype else ox.Literal(str(value))


def _period(session: Session) -> tuple[dt.date | None, dt.date | None]:
    rows = session.run("instance_coverages", instance=None)
    starts = [r["from"] for r in rows if r["from"]]
    ends = [r["to"] for r in rows if r["to"]]
    return (min(starts) if starts else None, max(ends) if ends else None)


def dcat(session: Session, build: Path, dumps: list[Dump], base_url: str) -> list[ox.Triple]:
    """The catalogue's triples; ``base_url`` is where the service's dumps are downloaded from."""
    info = build_info(build)
    catalogue, dataset = _n(BASE + "catalogue"), _n(BASE + "dataset")
    publisher = _n(BASE + "publisher")
    t: list[tuple] = [
        (catalogue, _n(RDF_TYPE), _n(DCAT + "Catalog")),
        (catalogue, _n(DCT + "title"), _lit("Catalogue de Maillage", lang="fr")),
        (catalogue, _n(DCT + "description"), _lit("Les jeux de données publiés par Maillage.", lang="fr")),
        (catalogue, _n(DCT + "publisher"), publisher),
        (catalogue, _n(DCAT + "dataset"), dataset),
        (publisher, _n(RDF_TYPE), _n(FOAF + "Agent")),
        (publisher, _n(FOAF + "name"), _lit("Maillage", lang="fr")),
        (dataset, _n(RDF_TYPE), _n(DCAT + "Dataset")),
        (dataset, _n(DCT + "title"), _lit("Maillage : qui couvre quel territoire, pour qui", lang="fr")),
        (dataset, _n(DCT + "description"), _lit(
            "Dispositifs de coordination sanitaire et sociale (DAC, CPTS, CLS, ILC, SIAO…), leurs couvertures "
            "territoriales (âges, publics, périodes), acteurs et sources, avec la géographie officielle et les "
            "sièges des fichiers nationaux (FINESS, France services).", lang="fr")),
        (dataset, _n(DCT + "license"), _n(LICENCE)),
        (dataset, _n(DCT + "publisher"), publisher),
        (dataset, _n(DCT + "spatial"), _n(FRANCE)),
        (dataset, _n(DCAT + "version"), _lit(build.name)),
        (dataset, _n("http://www.w3.org/2002/07/owl#versionInfo"), _lit(build.name)),
        (dataset, _n(DCT + "language"), _n("http://publications.europa.eu/resource/authority/language/FRA")),
        (dataset, _n(DCAT + "landingPage"), _n(base_url + "/carte/")),
    ]
    if info.get("created"):
        t.append((dataset, _n(DCT + "modified"), _lit(info["created"], "dateTime")))
    for name in sorted(info.get("registry_files", {})):
        scope = name.split(".")[0]
        kind, _, code = scope.partition("-") if scope.startswith("region-") else ("departement", "", scope)
        if code.isalnum():
            t.append((dataset, _n(DCT + "spatial"), _n(f"{BASE}{'region' if kind == 'region' else 'departement'}/{code}")))
    start, end = _period(session)
    if start or end:
        period = _n(BASE + "dataset/periode")
        t += [(dataset, _n(DCT + "temporal"), period), (period, _n(RDF_TYPE), _n(DCT + "PeriodOfTime"))]
        if start:
            t.append((period, _n(DCAT + "startDate"), _lit(start.isoformat(), "date")))
        if end:
            t.append((period, _n(DCAT + "endDate"), _lit(end.isoformat(), "date")))
    for d in dumps:
        dist, checksum = _n(f"{BASE}dataset/{build.name}/{d.name}"), _n(f"{BASE}dataset/{build.name}/{d.name}#sha256")
        url = _n(f"{base_url}/v1/dumps/{d.name}")
        t += [(dataset, _n(DCAT + "distribution"), dist), (dist, _n(RDF_TYPE), _n(DCAT + "Distribution")),
              (dist, _n(DCT + "title"), _lit(d.title, lang="fr")), (dist, _n(DCAT + "downloadURL"), url),
              (dist, _n(DCAT + "accessURL"), url), (dist, _n(DCAT + "mediaType"),
                                                     _n(f"https://www.iana.org/assignments/media-types/{d.media_type}")),
              (dist, _n(DCAT + "byteSize"), _lit(d.bytes, "nonNegativeInteger")),
              (dist, _n(DCT + "license"), _n(LICENCE)),
              (dist, _n(SPDX + "checksum"), checksum), (checksum, _n(RDF_TYPE), _n(SPDX + "Checksum")),
              (checksum, _n(SPDX + "algorithm"), _n(SPDX + "checksumAlgorithm_sha256")),
              (checksum, _n(SPDX + "checksumValue"), _lit(d.sha256, "hexBinary"))]
    return [ox.Triple(*triple) for triple in t]
