"""The official geography of France from the npm package ``@etalab/decoupage-administratif``.

The package is installed by name at a pinned version (``package.json``); its version and the SHA-256 of
each data file become the provenance of every territory. Current communes (``commune-actuelle``) and the
45 arrondissements municipaux of Paris, Lyon and Marseille (``arrondissement-municipal``, each part of its
commune: decision 0142); delegated and associated communes are not places a scheme covers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .vocabulary import IGEO, M, PROV, DCTERMS, iri
from core.text import fold
from store.caches import Caches

from ._ntriples import lit, ref, triple, typed

__all__ = ["Commune", "Arrondissement", "Geography", "load", "triples", "fact_triples", "derived_triples", "node_triples"]

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"

#: The data vintage of each supported package version: the COG of 1 January of that year.
VINTAGES = {"6.0.0": "2025-01-01"}
FILES = ("communes.json", "epci.json", "departements.json", "regions.json")


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    departement: str
    region: str
    population: int | None
    epci: str | None


@dataclass(frozen=True)
class Arrondissement:
    """An arrondissement municipal: a part of its commune (Paris, Lyon, Marseille), with its population."""

    code: str
    name: str
    commune: str
    population: int | None


@dataclass
class Geography:
    """The official territories, indexed by code, with the provenance of the package they came from."""

    version: str
    vintage: str
    checksums: dict[str, str]
    communes: dict[str, Commune] = field(default_factory=dict)
    epcis: dict[str, tuple[str, str, tuple[str, ...]]] = field(default_factory=dict)  # siren -> name, kind, members
    departements: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> name, region
    regions: dict[str, str] = field(default_factory=dict)  # code -> name
    #: municipal arrondissement, delegated or associated commune -> the current commune it lies in
    #: (national files often give 75112 for Paris 12e, or a delegated commune's own code)
    part_of: dict[str, str] = field(default_factory=dict)
    #: the arrondissements municipaux by code, in the package's order
    arrondissements: dict[str, Arrondissement] = field(default_factory=dict)

    def current_commune(self, code: str) -> str | None:
        """The current commune a code names: itself, or the commune an arrondissement or a delegated
        or associated commune belongs to; None if it names none."""
        if code in self.communes:
            return code
        parent = self.part_of.get(code)
        return parent if parent in self.communes else None

    @property
    def source_iri(self) -> str:
        return iri("source", f"decoupage-administratif-{self.version}")

    def _communes_by(self, kind: str) -> dict[str, tuple[str, ...]]:
        """Département or région code → its communes' codes, in the table's order; made once (a
        national registry asks it for each coverage of a département or a région)."""
        made = self.__dict__.setdefault("_by", {})
        size, table = made.get(kind, (None, None))
        if size != len(self.communes):  # made again if communes were added since (tests build tiny ones)
            grouped: dict[str, list[str]] = {}
            for c in self.communes.values():
                grouped.setdefault(c.departement if kind == "departement" else c.region, []).append(c.code)
            table = {k: tuple(v) for k, v in grouped.items()}
            made[kind] = (len(self.communes), table)
        return table

    def exists(self, kind: str, code: str) -> bool:
        table: dict[str, dict[str, Any]] = {"commune": self.communes, "epci": self.epcis, "departement": self.departements,
                                            "region": self.regions, "arrondissement": self.arrondissements}
        return code in table[kind]

    def arrondissements_of(self, commune: str) -> list[str]:
        """The codes of a commune's arrondissements municipaux, in order ([] for any other commune)."""
        return [a.code for a in self.arrondissements.values() if a.commune == commune]

    def communes_of(self, kind: str, code: str) -> Iterable[str]:
        """Codes of the current communes inside an official territory; an arrondissement municipal
        gives its commune, which it covers only in part."""
        if kind == "commune":
            return (code,) if code in self.communes else ()
        if kind == "arrondissement":
            return (self.arrondissements[code].commune,) if code in self.arrondissements else ()
        if kind == "epci":
            return self.epcis[code][2] if code in self.epcis else ()
        if kind in ("departement", "region"):
            return self._communes_by(kind).get(code, ())
        raise ValueError(f"unknown kind of territory: {kind!r}")


def load(package_dir: Path, caches: Caches | None = None) -> Geography:
    """Read the package's data files; fail with the path if the package is not installed.

    With ``caches`` (a build's), the tables are remembered there by the package's version and files
    (``store.caches``: ``geography``): a build then unpickles them in a fifth of the time their JSON
    takes to read (0.15 s against 0.8 s for the national package)."""
    try:
        manifest = json.loads((package_dir / "package.json").read_text())
    except FileNotFoundError as err:
        raise FileNotFoundError(
            f"{package_dir}: le paquet @etalab/decoupage-administratif n'est pas installé (lancez `npm ci`)"
        ) from err
    version = manifest["version"]
    if version not in VINTAGES:
        raise ValueError(f"{package_dir}: version {version} non prise en charge ({', '.join(VINTAGES)})")
    raw = {name: (package_dir / "data" / name).read_bytes() for name in FILES}
    checksums = {name: hashlib.sha256(data).hexdigest() for name, data in raw.items()}
    if caches is None:
        return _tables(version, checksums, raw)
    key = caches.key("geography", version, checksums)
    geo = caches.recall("geography", key)
    if not isinstance(geo, Geography):
        geo = _tables(version, checksums, raw)
        caches.remember("geography", key, geo)
    return geo


def _tables(version: str, checksums: dict[str, str], raw: dict[str, bytes]) -> Geography:
    geo = Geography(version=version, vintage=VINTAGES[version], checksums=checksums)
    for r in json.loads(raw["regions.json"]):
        geo.regions[r["code"]] = r["nom"]
    for d in json.loads(raw["departements.json"]):
        geo.departements[d["code"]] = (d["nom"], d["region"])
    epci_of: dict[str, str] = {}
    for e in json.loads(raw["epci.json"]):
        members = tuple(m["code"] for m in e["membres"])
        geo.epcis[e["code"]] = (e["nom"], e["type"], members)
        epci_of.update((code, e["code"]) for code in members)
    for c in json.loads(raw["communes.json"]):
        if c["type"] != "commune-actuelle":
            parent = c.get("commune") or c.get("chefLieu")
            if parent:
                geo.part_of.setdefault(c["code"], parent)
            if c["type"] == "arrondissement-municipal":
                geo.arrondissements[c["code"]] = Arrondissement(c["code"], c["nom"], c["commune"], c.get("population"))
            continue
        geo.communes[c["code"]] = Commune(
            code=c["code"],
            name=c["nom"],
            departement=c["departement"],
            region=c["region"],
            population=c.get("population"),
            epci=epci_of.get(c["code"]),
        )
    return geo


def _p(term) -> str:
    return ref(str(term))


# Written once: looking a term up in an rdflib namespace costs about a microsecond, and the national
# geography writes half a million triples.
_COMMUNE, _EPCI, _DEPARTEMENT, _REGION = (_p(c) for c in (IGEO.Commune, IGEO.Intercommunalite, IGEO.Departement, IGEO.Region))
_ARRONDISSEMENT, _IN_COMMUNE = _p(IGEO.ArrondissementMunicipal), _p(M.inCommune)
_CODE, _SIREN, _KIND, _POPULATION = _p(IGEO.codeINSEE), _p(M.siren), _p(M.territoryKind), _p(M.population)
_IN_DEPARTEMENT, _IN_REGION, _IN_EPCI, _DERIVED = _p(M.inDepartement), _p(M.inRegion), _p(M.inEpci), _p(PROV.wasDerivedFrom)
_NAME_KEY, _WITHIN = _p(M.nameKey), _p(M.within)


def source_triples(geo: Geography) -> Iterator[str]:
    s = ref(geo.source_iri)
    yield triple(s, RDF_TYPE, _p(M.SourceDocument))
    yield triple(s, _p(DCTERMS.title), lit(f"Découpage administratif (paquet @etalab/decoupage-administratif {geo.version}, COG {geo.vintage[:4]})", "fr"))
    yield triple(s, _p(DCTERMS.date), typed(geo.vintage, "date"))
    yield triple(s, _p(M.version), lit(geo.version))
    yield triple(s, _p(M.url), lit("npm:@etalab/decoupage-administratif@" + geo.version))
    for name, digest in sorted(geo.checksums.items()):
        yield triple(s, _p(M.sha256), lit(f"{name}:{digest}"))


def node_triples(geo: Geography, kind: str, code: str) -> Iterator[str]:
    """The facts read from the package about one official territory (used whole, and for SHACL stubs).

    A commune's EPCI is not among them: membership is the EPCI's fact (:func:`membership_triples`).
    """
    s = ref(iri(kind, code))
    src = ref(geo.source_iri)
    if kind in ("commune", "arrondissement"):
        place: Commune | Arrondissement = geo.communes[code] if kind == "commune" else geo.arrondissements[code]
        yield triple(s, RDF_TYPE, _COMMUNE if kind == "commune" else _ARRONDISSEMENT)
        yield triple(s, _CODE, lit(code))
        yield triple(s, RDFS_LABEL, lit(place.name, "fr"))
        if place.population is not None:
            yield triple(s, _POPULATION, typed(place.population, "integer"))
        if isinstance(place, Commune):
            yield triple(s, _IN_DEPARTEMENT, ref(iri("departement", place.departement)))
        else:
            yield triple(s, _IN_COMMUNE, ref(iri("commune", place.commune)))
    elif kind == "epci":
        name, epci_kind, _members = geo.epcis[code]
        yield triple(s, RDF_TYPE, _EPCI)
        yield triple(s, _SIREN, lit(code))
        yield triple(s, RDFS_LABEL, lit(name, "fr"))
        yield triple(s, _KIND, lit(epci_kind))
    elif kind == "departement":
        name, region = geo.departements[code]
        yield triple(s, RDF_TYPE, _DEPARTEMENT)
        yield triple(s, _CODE, lit(code))
        yield triple(s, RDFS_LABEL, lit(name, "fr"))
        yield triple(s, _IN_REGION, ref(iri("region", region)))
    elif kind == "region":
        yield triple(s, RDF_TYPE, _REGION)
        yield triple(s, _CODE, lit(code))
        yield triple(s, RDFS_LABEL, lit(geo.regions[code], "fr"))
    else:
        raise ValueError(f"unknown kind of territory: {kind!r}")
    yield triple(s, _DERIVED, src)


def membership_triples(geo: Geography) -> Iterator[str]:
    """``commune m:inEpci epci`` for every member each EPCI lists, as the package lists them.

    Written from the EPCI's side so that a member which is not a current commune reaches the shapes
    (and is rejected) instead of being dropped on the way.
    """
    in_epci = _IN_EPCI
    for siren, (_name, _kind, members) in geo.epcis.items():
        epci = ref(iri("epci", siren))
        for code in members:
            yield triple(ref(iri("commune", code)), in_epci, epci)


def fact_triples(geo: Geography) -> Iterator[str]:
    """What the package says, as N-Triples lines: this is what SHACL validates."""
    yield from source_triples(geo)
    for kind, table in (("region", geo.regions), ("departement", geo.departements), ("epci", geo.epcis), ("commune", geo.communes),
                        ("arrondissement", geo.arrondissements)):
        for code in table:
            yield from node_triples(geo, kind, code)
    yield from membership_triples(geo)


def derived_triples(geo: Geography) -> Iterator[str]:
    """What our code computes from the facts, for the queries: each commune's folded name
    (``m:nameKey``) and its reflexive-transitive ``m:within`` closure (itself, EPCI, département,
    région), so that coverage is one hop from any commune; an arrondissement municipal's closure is
    itself and its commune's (a coverage of Marseille covers the 14e; one of the 14e covers Marseille
    only in part, which the questions read through ``m:inCommune``, never ``m:within``). Not validated by SHACL (it is a function
    of validated facts); ``tests/ingest/test_geography.py`` checks it against the facts.
    """
    name_key, within = _NAME_KEY, _WITHIN
    for c in geo.communes.values():
        s = ref(iri("commune", c.code))
        yield triple(s, name_key, lit(fold(c.name)))
        yield triple(s, within, s)
        if c.epci:
            yield triple(s, within, ref(iri("epci", c.epci)))
        yield triple(s, within, ref(iri("departement", c.departement)))
        yield triple(s, within, ref(iri("region", c.region)))
    for a in geo.arrondissements.values():
        parent = geo.communes.get(a.commune)
        if parent is None:  # the shapes say so: an arrondissement must be part of a current commune
            continue
        s = ref(iri("arrondissement", a.code))
        yield triple(s, name_key, lit(fold(a.name)))
        yield triple(s, within, s)
        for kind, code in (("commune", parent.code), ("epci", parent.epci), ("departement", parent.departement),
                           ("region", parent.region)):
            if code:
                yield triple(s, within, ref(iri(kind, code)))


def triples(geo: Geography) -> Iterator[str]:
    """The whole geography as N-Triples lines: the facts and what is derived from them."""
    yield from fact_triples(geo)
    yield from derived_triples(geo)
