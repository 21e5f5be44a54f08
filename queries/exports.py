"""The registry in the field's own formats: data·inclusion services and structures, a FHIR R4 Bundle.

Both are plain dicts built from the same answers as the API (``instance_detail``, ``list_actors``), so
they say what Maillage says; the field's libraries validate them (``data-inclusion-schema``,
``fhir.resources``: in the tests, and at the API before serving). What a format cannot express is
carried as that format allows (README, "Formats of the field"):

- data·inclusion has no validity period, confidence, level or source for a zone: the description says
  the period and confidence of each coverage, and ``zone_eligibilite`` lists the codes of every
  coverage in force on the export date (a région as its départements, a custom territory as its
  communes, as the schema asks);
- FHIR's ``HealthcareService`` has no period per coverage area: each ``coverageArea`` reference
  carries Maillage extensions with the coverage's period and confidence (``inferred``: a perimeter
  deduced, not attested as such).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import rules
from core.namespaces import BASE, Level, iri
from core.text import french_date
from store.outlines import departement_of
from store.session import Session

from .actors import list_actors
from .fhir_definitions import EXTENSION, FHIR_BASE, SCHEME_TYPES, narrative
from .identifiers import identifiers_of
from .instances import instance_detail

__all__ = ["data_inclusion", "fhir_bundle", "PUBLICS", "EXTENSION"]

SOURCE = "maillage"
#: Maillage public → data·inclusion public (none: said in publics_precisions only)
PUBLICS = {
    "tout-public": "tous-publics", "enfants": "familles", "adolescents": "jeunes", "jeunes": "jeunes",
    "personnes-agees": "seniors", "personnes-handicapees": "personnes-en-situation-de-handicap",
    "personnes-precaires": "personnes-en-situation-durgence", "personnes-sans-domicile": "personnes-en-situation-durgence",
    "demandeurs-asile": "personnes-exilees", "etrangers-primo-arrivants": "personnes-exilees",
    "personnes-sortant-detention": "personnes-en-situation-juridique-specifique", "femmes-victimes-violences": "femmes",
}
SYSTEMS = {"siren": "https://sirene.fr/siren", "siret": "https://sirene.fr/siret",
           "finess": "urn:oid:1.2.250.1.71.4.2.2", "rna": "https://www.journal-officiel.gouv.fr/associations/rna"}


def _instances(session: Session, on: dt.date):
    ids = sorted({r["instance"].rsplit("/", 1)[-1] for r in session.run("instance_coverages", instance=None)})
    return [instance_detail(session, ident, on=on) for ident in ids]


def _zone(session: Session, area) -> list[str]:
    if area.level in (Level.COMMUNE, Level.DEPARTEMENT, Level.EPCI):  # codes data·inclusion takes as they are
        return [area.territory]
    communes = [r["code"] for r in session.run("communes_in_territory", territory=iri(area.level, area.territory))]
    if area.level == "region":
        return sorted({departement_of(c) for c in communes})
    return sorted(communes)


def _period(start: dt.date | None, end: dt.date | None) -> str:
    """A coverage's period as French says it: « du 1er juillet 2022 au 30 juin 2024 », « depuis le 1er
    juillet 2022, sans fin connue », « jusqu'au 30 juin 2024 (début inconnu) », « dates inconnues »."""
    if start and end:
        return f"du {french_date(start)} au {french_date(end)}"
    if start:
        return f"depuis le {french_date(start)}, sans fin connue"
    return f"jusqu'au {french_date(end)} (début inconnu)" if end else "dates inconnues"


def _carrier(detail) -> str | None:
    for wanted in ("carrier", "operator", "pilot"):
        for actor in detail.actors:
            if actor.role == wanted and actor.actor_id:
                return actor.actor_id
    return None


def data_inclusion(session: Session, on: dt.date | None = None, updated: dt.date | None = None) -> dict:
    """``{"structures": [...], "services": [...]}``: each instance a service, its carrier its structure."""
    day, updated = on or dt.date.today(), min(updated or dt.date.today(), dt.date.today())
    ids = identifiers_of(session)
    services: list[dict[str, Any]] = []
    for d in _instances(session, day):
        in_force = [a for a in d.coverages if rules.coverage_in_force(a.valid_from, a.valid_to, d.history, day)]
        zone = sorted({code for a in in_force for code in _zone(session, a)})
        publics = sorted({PUBLICS[p] for a in d.coverages for p in a.publics if p in PUBLICS}) or None
        if publics and "tous-publics" in publics and len(publics) > 1:
            publics = [p for p in publics if p != "tous-publics"]
        carrier = _carrier(d)
        lines = [f"{d.type_label} ({d.type}) : {d.name}."] + [
            f"Couvre {a.territory_name} ({a.level_label}), âges {a.ages.min}-{a.ages.max}, {_period(a.valid_from, a.valid_to)}"
            + (" (périmètre déduit, non attesté tel quel)." if a.confidence == "inferred" else ".")
            for a in d.coverages]
        services.append({
            "source": SOURCE, "id": f"{SOURCE}--{d.id}",
            "structure_id": f"{SOURCE}--{carrier or d.id}",
            "nom": d.name[:150] if len(d.name) >= 3 else f"{d.type} {d.name}",
            "description": " ".join(lines)[:10000],
            "lien_source": f"{BASE}instance/{d.id}",
            "date_maj": updated.isoformat(),
            "publics": publics,
            "publics_precisions": "; ".join(f"{a.territory_name} : âges {a.ages.min}-{a.ages.max}, "
                                            f"publics {', '.join(a.publics)}" for a in d.coverages),
            "zone_eligibilite": zone or None,
        })
    structures: list[dict[str, Any]] = []
    for actor in list_actors(session):
        mine = ids.get(iri("actor", actor.id), {})
        structures.append({"source": SOURCE, "id": f"{SOURCE}--{actor.id}", "nom": actor.name[:150],
                           "date_maj": updated.isoformat(), "siret": mine.get("siret"),
                           "lien_source": f"{BASE}actor/{actor.id}",
                           "description": f"Acteur ({actor.kind or 'nature inconnue'}) de {len(actor.roles)} rôle(s) dans des dispositifs." })
    known = {s["id"] for s in structures}
    for service in services:  # an instance with no carrier is its own structure
        if service["structure_id"] not in known:
            structures.append({"source": SOURCE, "id": service["structure_id"], "nom": service["nom"],
                               "date_maj": updated.isoformat(), "lien_source": service["lien_source"]})
            known.add(service["structure_id"])
    return {"structures": structures, "services": services}


def _identifiers(found: dict[str, str]) -> list[dict]:
    return [{"system": SYSTEMS[scheme], "value": value} for scheme, value in sorted(found.items())]


def _entry(resource: dict) -> dict:
    """A Bundle entry: its ``fullUrl`` is ``[base]/[type]/[id]``, so that a relative reference
    (``Organization/rap31``) resolves, against its own entry's base, to another entry."""
    resource = {k: v for k, v in resource.items() if v is not None}
    return {"fullUrl": f"{FHIR_BASE}/{resource['resourceType']}/{resource['id']}", "resource": resource}


def fhir_bundle(session: Session, on: dt.date | None = None) -> dict:
    """A FHIR R4 ``Bundle`` (collection): ``Organization`` per actor, ``Location`` per territory covered,
    ``HealthcareService`` per instance with its coverage areas and eligibility; each with its narrative,
    each reference to another entry of the Bundle (``tests/api/test_fhir.py``)."""
    day = on or dt.date.today()
    ids = identifiers_of(session)
    entries: list[dict] = []
    locations: dict[str, dict] = {}
    for actor in list_actors(session):
        found = _identifiers(ids.get(iri("actor", actor.id), {}))
        entries.append(_entry({
            "resourceType": "Organization", "id": actor.id, "active": True, "name": actor.name,
            "text": narrative(actor.name, f"Acteur ({actor.kind or 'nature inconnue'}), {len(actor.roles)} rôle(s) "
                                          "dans des dispositifs.", _identifiers_text(found)),
            "identifier": found or None, "type": [{"text": actor.kind}] if actor.kind else None}))
    for d in _instances(session, day):
        areas, eligibility = [], []
        for a in d.coverages:
            key = f"{a.level}-{a.territory}"
            locations.setdefault(key, {"resourceType": "Location", "id": key, "name": a.territory_name,
                                       "text": narrative(a.territory_name, f"{a.level_label} ({iri(a.level, a.territory)})"),
                                       "mode": "kind", "description": a.level_label,
                                       "identifier": [{"system": "urn:ietf:rfc:3986",
                                                       "value": iri(a.level, a.territory)}]})
            period = {k: v.isoformat() for k, v in (("start", a.valid_from), ("end", a.valid_to)) if v is not None}
            extension = [{"url": EXTENSION + "coverage-period", "valuePeriod": period}] if period else []
            extension.append({"url": EXTENSION + "coverage-confidence", "valueCode": a.confidence})
            areas.append({"reference": f"Location/{key}", "display": a.territory_name, **({"extension": extension} if extension else {})})
            eligibility.append({"code": {"text": f"âges {a.ages.min}-{a.ages.max}"},
                                "comment": f"{a.territory_name} : âges {a.ages.min} à {a.ages.max} ans, publics "
                                           f"{', '.join(a.publics)}, {_period(a.valid_from, a.valid_to)}."})
        carrier = _carrier(d)
        status = f"Statut au {french_date(day)} : {d.status.label if d.status else 'inconnu'}."
        found = _identifiers(ids.get(iri("instance", d.id), {}))
        entries.append(_entry({
            "resourceType": "HealthcareService", "id": d.id,
            "text": narrative(f"{d.name} ({d.type_label})", status,
                              *(f"Couvre {a.territory_name} ({a.level_label}), âges {a.ages.min}-{a.ages.max}, "
                                f"{_period(a.valid_from, a.valid_to)}" + (", périmètre déduit." if a.confidence == "inferred" else ".")
                                for a in d.coverages), _identifiers_text(found)),
            "active": bool(d.status and d.status.value in ("active", "pilot")),
            "name": d.name,
            "identifier": found or None,
            "type": [{"coding": [{"system": SCHEME_TYPES, "code": d.type, "display": d.type_label}]}],
            "providedBy": {"reference": f"Organization/{carrier}"} if carrier else None,
            "coverageArea": areas,
            "eligibility": eligibility,
            "comment": status,
        }))
    entries += [_entry(loc) for _, loc in sorted(locations.items())]
    return {"resourceType": "Bundle", "type": "collection", "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "entry": entries}


def _identifiers_text(found: list[dict]) -> str:
    names = {system: scheme.upper() for scheme, system in SYSTEMS.items()}
    return "Identifiants : " + ", ".join(f"{names[i['system']]} {i['value']}" for i in found) + "." if found else ""
