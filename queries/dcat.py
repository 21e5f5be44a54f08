"""The DCAT-AP description of the dataset: the catalogue, the dataset (licence, publisher, temporal
and spatial coverage, the build as its version) and one distribution per dump, with its checksum
(SPDX), as RDF triples for the same writers as linked data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox

from core.namespaces import BASE
from store.builds import build_info
from core.errors import OutlinesMissing
from core.namespaces import iri
from store.cards import parse_card
from store.outlines import departement_of
from store.session import Session

from .dumps import Dump
from .extents import extent

__all__ = ["dcat", "temporal_coverage", "LICENCE", "DCAT", "SPDX", "ABOUT"]

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
SPDX = "http://spdx.org/rdf/terms#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
DCATAP = "http://data.europa.eu/r5r/"
XSD = "http://www.w3.org/2001/XMLSchema#"
GEOSPARQL = "http://www.opengis.net/ont/geosparql#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LICENCE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
#: the licence's type in ADMS's vocabulary: the Licence Ouverte asks that the source be named
ATTRIBUTION = "http://purl.org/adms/licencetype/Attribution"
#: the EU's controlled vocabularies DCAT-AP names (Publications Office authority tables)
EU = "http://publications.europa.eu/resource/authority/"
FRANCE = EU + "country/FRA"
FRENCH = EU + "language/FRA"
THEMES = EU + "data-theme"
#: the data themes of the dataset, with their French labels in the EU vocabulary
THEME_CODES = {"HEAL": "Santé", "SOCI": "Population et société", "REGI": "Régions et villes"}
IANA = "http://www.iana.org/assignments/media-types/"
KEYWORDS = ("coordination sanitaire et sociale", "dispositifs de coordination", "territoires", "couverture territoriale",
            "santé", "action sociale", "DAC", "CPTS", "CLS", "SIAO", "FINESS", "France services")
#: dump → (file type of the EU vocabulary, compressed with, French description)
ABOUT = {
    "maillage.nt.gz": ("RDF_N_TRIPLES", "application/gzip",
                       "Tout le graphe de la construction (dispositifs, couvertures, acteurs, sources, géographie "
                       "officielle, sièges) en N-Triples, compressé par gzip."),
    "maillage.ttl": ("RDF_TURTLE", None, "Tout le graphe de la construction en Turtle, avec les préfixes du vocabulaire."),
    "maillage.jsonld": ("JSON_LD", None, "Tout le graphe de la construction en JSON-LD (contexte publié sous /ns/context.jsonld)."),
    "couvertures.csv": ("CSV", None, "Une ligne par couverture : dispositif, type, territoire, âges, publics, période, "
                                     "statut, identifiants (SIREN, SIRET, FINESS, RNA)."),
    "sieges.geojson": ("GEOJSON", None, "Un point par siège des fichiers nationaux (FINESS, France services), avec sa "
                                        "commune et son type : où sont les structures, non ce qu'elles couvrent."),
}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(value, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(value), language=lang)
    return ox.Literal(str(value), datatype=_n(XSD + datatype)) if datatype else ox.Literal(str(value))


def temporal_coverage(session: Session) -> tuple[dt.date | None, dt.date | None]:
    """The span of time the registry's facts speak of: from the earliest start of a coverage, a
    status or a role, to the latest day a source attests one of them (as a card counts it: the
    citation's date, else its source's, else the day its page was read) or one of them ends. A fact
    still open has no end: what it says is known up to its last attestation, not up to today; an end
    stated ahead (a contract until 2027) counts."""
    starts, ends = [], []
    for row in session.run("instance_coverages", instance=None):
        card = parse_card(row["card"])
        facts = [(row["from"], row["to"])] + [(h.valid_from, h.valid_to) for h in card.history] + \
                [(r.valid_from, r.valid_to) for r in card.roles]
        starts += [start for start, _ in facts if start]
        ends += [end for _, end in facts if end] + ([card.observed] if card.observed else [])
    return (min(starts) if starts else None, max(ends) if ends else None)


def _typed(node: ox.NamedNode, cls: str, *more: tuple) -> list[tuple]:
    return [(node, _n(RDF_TYPE), _n(cls)), *more]


def _places(session: Session, info: dict) -> list[tuple[ox.NamedNode, list[str]]]:
    """Each place the dataset covers (France, and the scope of each registry file) with its départements."""
    departements = sorted(code for kind, code in session.territory_names if kind == "departement")
    places = [(_n(FRANCE), departements)]
    for name in sorted(info.get("registry_files", {})):
        scope = name.split(".")[0]
        kind, _, code = scope.partition("-") if scope.startswith("region-") else ("departement", "", scope)
        if not code.isalnum():
            continue
        if kind == "region":
            communes = session.run("communes_in_territory", territory=iri("region", code))
            places.append((_n(iri("region", code)), sorted({departement_of(r["code"]) for r in communes})))
        else:
            places.append((_n(iri("departement", code)), [code]))
    return places


def _wkt(text: str) -> ox.Literal:
    return ox.Literal(text, datatype=_n(GEOSPARQL + "wktLiteral"))


def _located(place: ox.NamedNode, departements: list[str], data_dir: Path | None) -> list[tuple]:
    """A place as a ``dct:Location``, with its box and centroid when the outlines are there."""
    t: list[tuple] = [(place, _n(RDF_TYPE), _n(DCT + "Location"))]
    try:
        found = extent(data_dir, departements) if data_dir is not None else None
    except OutlinesMissing:
        found = None
    if found is not None:
        (west, south, east, north), (lon, lat) = found
        t += [(place, _n(DCAT + "bbox"), _wkt(f"POLYGON(({west:.4f} {south:.4f}, {east:.4f} {south:.4f}, {east:.4f} {north:.4f}, "
                                                 f"{west:.4f} {north:.4f}, {west:.4f} {south:.4f}))")),
              (place, _n(DCAT + "centroid"), _wkt(f"POINT({lon:.4f} {lat:.4f})"))]
    return t


def dcat(session: Session, build: Path, dumps: list[Dump], base_url: str, data_dir: Path | None = None) -> list[ox.Triple]:
    """The catalogue's triples; ``base_url`` is where the service's dumps are downloaded from, and
    ``data_dir`` where the build's outlines are (the box and centroid of each place covered).

    DCAT-AP 3.0.1 as its SHACL shapes hold it (mandatory, ranges, the consolidated file and the
    recommended properties: ``tests/api/test_dcat_ap.py``): every resource it names has its class
    (a licence is a ``dct:LicenseDocument``, a media type a ``dct:MediaType``…), the controlled
    vocabularies are the EU's (countries, languages, data themes, file types, planned availability),
    and the concepts of those vocabularies carry their scheme."""
    info = build_info(build)
    catalogue, dataset = _n(BASE + "catalogue"), _n(BASE + "dataset")
    publisher, contact = _n(BASE + "publisher"), _n(BASE + "dataset/contact")
    licence, france, french, themes = _n(LICENCE), _n(FRANCE), _n(FRENCH), _n(THEMES)
    created = info.get("created")
    t: list[tuple] = [
        (catalogue, _n(RDF_TYPE), _n(DCAT + "Catalog")),
        (catalogue, _n(DCT + "title"), _lit("Catalogue de Maillage", lang="fr")),
        (catalogue, _n(DCT + "description"), _lit("Les jeux de données publiés par Maillage.", lang="fr")),
        (catalogue, _n(DCT + "publisher"), publisher),
        (catalogue, _n(DCAT + "dataset"), dataset),
        (catalogue, _n(DCT + "language"), french),
        (catalogue, _n(DCT + "license"), licence),
        (catalogue, _n(DCT + "spatial"), france),
        (catalogue, _n(DCAT + "themeTaxonomy"), themes),
        (catalogue, _n(FOAF + "homepage"), _n(base_url + "/")),
        (_n(base_url + "/"), _n(RDF_TYPE), _n(FOAF + "Document")),
        (publisher, _n(RDF_TYPE), _n(FOAF + "Agent")),
        (publisher, _n(FOAF + "name"), _lit("Maillage", lang="fr")),
        (dataset, _n(RDF_TYPE), _n(DCAT + "Dataset")),
        (dataset, _n(DCT + "title"), _lit("Maillage : qui couvre quel territoire, pour qui", lang="fr")),
        (dataset, _n(DCT + "description"), _lit(
            "Dispositifs de coordination sanitaire et sociale (DAC, CPTS, CLS, ILC, SIAO…), leurs couvertures "
            "territoriales (âges, publics, périodes), acteurs et sources, avec la géographie officielle et les "
            "sièges des fichiers nationaux (FINESS, France services).", lang="fr")),
        (dataset, _n(DCT + "license"), licence),
        (dataset, _n(DCT + "publisher"), publisher),
        (dataset, _n(DCAT + "version"), _lit(build.name)),
        (dataset, _n("http://www.w3.org/2002/07/owl#versionInfo"), _lit(build.name)),
        (dataset, _n(DCT + "language"), french),
        (dataset, _n(DCAT + "landingPage"), _n(base_url + "/carte/")),
        (_n(base_url + "/carte/"), _n(RDF_TYPE), _n(FOAF + "Document")),
        # the contact is the channel the service has: proposing a correction from the map (no person)
        (dataset, _n(DCAT + "contactPoint"), contact),
        (contact, _n(RDF_TYPE), _n(VCARD + "Kind")),
        (contact, _n(RDF_TYPE), _n(VCARD + "Organization")),
        (contact, _n(VCARD + "fn"), _lit("Maillage : signaler une correction (carte, « Signaler une correction »)", lang="fr")),
        (contact, _n(VCARD + "hasURL"), _n(base_url + "/carte/")),
        *[(dataset, _n(DCAT + "keyword"), _lit(word, lang="fr")) for word in KEYWORDS],
        # the referenced resources, each with its class (DCAT-AP's ranges) and its vocabulary
        (licence, _n(RDF_TYPE), _n(DCT + "LicenseDocument")),
        (licence, _n(DCT + "type"), _n(ATTRIBUTION)),
        (_n(ATTRIBUTION), _n(RDF_TYPE), _n(SKOS + "Concept")),
        (_n(ATTRIBUTION), _n(SKOS + "prefLabel"), _lit("Attribution", lang="en")),
        (_n(ATTRIBUTION), _n(SKOS + "inScheme"), _n("http://purl.org/adms/licencetype/1.0")),
        (france, _n(SKOS + "inScheme"), _n(EU + "country")),
        (french, _n(RDF_TYPE), _n(DCT + "LinguisticSystem")),
        (french, _n(RDF_TYPE), _n(SKOS + "Concept")),
        (french, _n(SKOS + "inScheme"), _n(EU + "language")),
        (french, _n(SKOS + "prefLabel"), _lit("français", lang="fr")),
        (themes, _n(RDF_TYPE), _n(SKOS + "ConceptScheme")),
        (themes, _n(DCT + "title"), _lit("Thèmes des données (vocabulaire de l'Union européenne)", lang="fr")),
    ]
    for code, label in THEME_CODES.items():
        theme = _n(f"{THEMES}/{code}")
        t += [(dataset, _n(DCAT + "theme"), theme), (theme, _n(RDF_TYPE), _n(SKOS + "Concept")),
              (theme, _n(SKOS + "inScheme"), themes), (theme, _n(SKOS + "prefLabel"), _lit(label, lang="fr"))]
    if created:
        for node in (catalogue, dataset):
            t += [(node, _n(DCT + "modified"), _lit(created, "dateTime"))]
        t.append((catalogue, _n(DCT + "issued"), _lit(created, "dateTime")))
    for place, departements in _places(session, info):
        t += [(dataset, _n(DCT + "spatial"), place), *_located(place, departements, data_dir)]
    start, end = temporal_coverage(session)
    if start or end:
        period = _n(BASE + "dataset/periode")
        t += [(dataset, _n(DCT + "temporal"), period), (period, _n(RDF_TYPE), _n(DCT + "PeriodOfTime"))]
        if start:
            t.append((period, _n(DCAT + "startDate"), _lit(start.isoformat(), "date")))
        if end:
            t.append((period, _n(DCAT + "endDate"), _lit(end.isoformat(), "date")))
    temporary = _n(EU + "planned-availability/TEMPORARY")
    t += [(temporary, _n(RDF_TYPE), _n(SKOS + "Concept")), (temporary, _n(SKOS + "prefLabel"), _lit("temporaire", lang="fr")),
          (temporary, _n(SKOS + "inScheme"), _n(EU + "planned-availability"))]
    sha256 = _n(SPDX + "checksumAlgorithm_sha256")
    t.append((sha256, _n(RDF_TYPE), _n(SPDX + "ChecksumAlgorithm")))
    for d in dumps:
        dist, checksum = _n(f"{BASE}dataset/{build.name}/{d.name}"), _n(f"{BASE}dataset/{build.name}/{d.name}#sha256")
        url, media = _n(f"{base_url}/v1/dumps/{d.name}"), _n(IANA + d.media_type)
        file_type, compressed, description = ABOUT[d.name]
        t += [(dataset, _n(DCAT + "distribution"), dist), (dist, _n(RDF_TYPE), _n(DCAT + "Distribution")),
              (dist, _n(DCT + "title"), _lit(d.title, lang="fr")), (dist, _n(DCT + "description"), _lit(description, lang="fr")),
              (dist, _n(DCAT + "downloadURL"), url), (dist, _n(DCAT + "accessURL"), url),
              (dist, _n(DCAT + "mediaType"), media), (media, _n(RDF_TYPE), _n(DCT + "MediaType")),
              (dist, _n(DCT + "format"), _n(f"{EU}file-type/{file_type}")),
              (_n(f"{EU}file-type/{file_type}"), _n(RDF_TYPE), _n(DCT + "MediaTypeOrExtent")),
              (_n(f"{EU}file-type/{file_type}"), _n(SKOS + "inScheme"), _n(EU + "file-type")),
              # a dump is made for a build and goes when the build is no longer kept
              (dist, _n(DCATAP + "availability"), temporary),
              (dist, _n(DCAT + "byteSize"), _lit(d.bytes, "nonNegativeInteger")),
              (dist, _n(DCT + "license"), licence),
              (dist, _n(SPDX + "checksum"), checksum), (checksum, _n(RDF_TYPE), _n(SPDX + "Checksum")),
              (checksum, _n(SPDX + "algorithm"), sha256),
              (checksum, _n(SPDX + "checksumValue"), _lit(d.sha256, "hexBinary"))]
        if compressed:
            t += [(dist, _n(DCAT + "compressFormat"), _n(IANA + compressed)), (_n(IANA + compressed), _n(RDF_TYPE), _n(DCT + "MediaType"))]
    return [ox.Triple(*triple) for triple in dict.fromkeys(t)]
