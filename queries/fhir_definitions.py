"""The FHIR R4 conformance resources of Maillage's export: what its extensions and codes mean.

The Bundle (``queries.exports.fhir_bundle``) uses two extensions on each ``coverageArea`` reference
(the coverage's period, and how surely its perimeter is known) and codes of its own (the scheme
types, the confidence). Each has its conformance resource here, with a canonical URL under
``https://w3id.org/maillage/fhir/`` and served at that URL's path on a deployment (``/id/fhir/<type>/<id>``,
``api/fhir.py``), so that a FHIR validator, given them, knows every element the Bundle uses
(``tests/api/test_fhir.py`` runs HAPI FHIR's validator with them).
"""

from __future__ import annotations

import html

from core.namespaces import BASE, M
from store.session import Session

__all__ = ["FHIR_BASE", "EXTENSION", "SCHEME_TYPES", "CONFIDENCE", "CONFIDENCE_VALUES", "definitions", "definition",
           "narrative"]

#: the FHIR base of Maillage's resources: ``[base]/[type]/[id]``
FHIR_BASE = BASE + "fhir"
EXTENSION = FHIR_BASE + "/StructureDefinition/"
SCHEME_TYPES = FHIR_BASE + "/CodeSystem/scheme-types"
CONFIDENCE = FHIR_BASE + "/CodeSystem/coverage-confidence"
CONFIDENCE_VALUES = FHIR_BASE + "/ValueSet/coverage-confidence"
FHIR_VERSION = "4.0.1"
_COMMON = {"version": "1.0.0", "status": "active", "experimental": False, "publisher": "Maillage"}


def narrative(*paragraphs: str) -> dict:
    """A resource's ``text``: its paragraphs, escaped, as the XHTML FHIR asks for."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p)
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


def _extension(ident: str, name: str, title: str, description: str, value: dict) -> dict:
    url = EXTENSION + ident
    return {
        "resourceType": "StructureDefinition", "id": ident, "url": url, "name": name, "title": title, **_COMMON,
        "text": narrative(title, description), "description": description, "fhirVersion": FHIR_VERSION,
        "kind": "complex-type", "abstract": False,
        "context": [{"type": "element", "expression": "HealthcareService.coverageArea"}],
        "type": "Extension", "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Extension",
        "derivation": "constraint",
        "differential": {"element": [
            {"id": "Extension", "path": "Extension", "short": title, "definition": description, "min": 0, "max": "1"},
            {"id": "Extension.extension", "path": "Extension.extension", "max": "0"},
            {"id": "Extension.url", "path": "Extension.url", "fixedUri": url},
            {"id": "Extension.value[x]", "path": "Extension.value[x]", "min": 1, **value},
        ]},
    }


def _confidence_codes() -> list[dict]:
    return [{"code": "verified", "display": "attesté",
             "definition": "Le périmètre est celui qu'une source attestée dit, tel quel."},
            {"code": "inferred", "display": "déduit",
             "definition": "Le périmètre est déduit par le registre (une note dit comment), non attesté tel quel."}]


def definitions(session: Session) -> list[dict]:
    """Every conformance resource of the export: two StructureDefinitions, two CodeSystems, a ValueSet."""
    types = sorted(((c["notation"], c["label"]) for c in session.concepts.values() if c["scheme"] == M.SchemeTypes),
                   key=lambda t: t[0])
    return [
        _extension("coverage-period", "CoveragePeriod", "Période de la couverture",
                   "Quand la couverture de ce territoire vaut : son début et sa fin, chacun absent s'il est inconnu.",
                   {"type": [{"code": "Period"}]}),
        _extension("coverage-confidence", "CoverageConfidence", "Certitude du périmètre",
                   "Si le périmètre de la couverture est attesté par une source ou déduit par le registre.",
                   {"type": [{"code": "code"}], "binding": {"strength": "required", "valueSet": CONFIDENCE_VALUES}}),
        {"resourceType": "CodeSystem", "id": "coverage-confidence", "url": CONFIDENCE, "name": "CoverageConfidence",
         "title": "Certitude d'un périmètre", **_COMMON, "text": narrative("Certitude d'un périmètre : attesté ou déduit."),
         "description": "Si un périmètre est attesté par une source ou déduit par le registre.",
         "caseSensitive": True, "content": "complete", "concept": _confidence_codes()},
        {"resourceType": "ValueSet", "id": "coverage-confidence", "url": CONFIDENCE_VALUES, "name": "CoverageConfidence",
         "title": "Certitude d'un périmètre", **_COMMON, "text": narrative("Les codes de la certitude d'un périmètre."),
         "description": "Les codes de la certitude d'un périmètre.", "compose": {"include": [{"system": CONFIDENCE}]}},
        {"resourceType": "CodeSystem", "id": "scheme-types", "url": SCHEME_TYPES, "name": "SchemeTypes",
         "title": "Types de dispositifs", **_COMMON,
         "text": narrative("Types de dispositifs de coordination sanitaire et sociale : "
                           + ", ".join(f"{code} ({label})" for code, label in types) + "."),
         "description": "Les types de dispositifs de Maillage (le schéma SKOS de ontology/scheme-types.ttl).",
         "caseSensitive": True, "content": "complete",
         "concept": [{"code": code, "display": label} for code, label in types]},
    ]


def definition(session: Session, resource_type: str, ident: str) -> dict | None:
    """One conformance resource by its type and id (the last segments of its canonical URL)."""
    return next((d for d in definitions(session) if d["resourceType"] == resource_type and d["id"] == ident), None)
