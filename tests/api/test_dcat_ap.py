"""/v1/catalogue against the DCAT-AP 3.0.1 SHACL shapes (``../shared/conformance/dcat-ap-3.0.1/``),
validated by pySHACL: no violation of the mandatory, range and consolidated shapes, no warning of the
recommended ones but what the data cannot say; its temporal coverage is the span of the facts' dates."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from core.settings import Settings
from queries.dcat import ABOUT
from queries.dumps import DUMPS
from store.builds import current_build

SHAPES = Settings.from_env().documents / "conformance" / "dcat-ap-3.0.1"
DCAT = "http://www.w3.org/ns/dcat#"
pytestmark = pytest.mark.skipif(not SHAPES.is_dir(), reason="the shared documents hold the conformance suites")

#: recommended properties the data cannot fill: who deploys Maillage, and so the kind of its publisher
NOT_IN_THE_DATA = {("https://w3id.org/maillage/publisher", "http://purl.org/dc/terms/type")}


@pytest.fixture(scope="module")
def catalogue(client) -> Graph:
    response = client.get("/v1/catalogue", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    return Graph().parse(data=response.text, format="turtle")


def _results(data: Graph, *names: str) -> list[tuple[str, str, str, str]]:
    shapes = Graph()
    for name in names:
        shapes.parse(SHAPES / name)
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    found = [(str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[1], str(report.value(r, SH.focusNode)),
              str(report.value(r, SH.resultPath)), str(report.value(r, SH.resultMessage)))
             for r in report.objects(None, SH.result)]
    assert conforms == (not found)
    return found


@pytest.mark.parametrize("shapes", ["shapes.ttl", "range.ttl", "dcat-ap-SHACL.ttl", "deprecateduris.ttl"])
def test_no_violation(catalogue, shapes):
    assert _results(catalogue, shapes) == []


def test_recommended_properties_where_the_data_has_them(catalogue):
    warnings = _results(catalogue, "shapes_recommended.ttl")
    assert all(severity == "Warning" for severity, *_ in warnings)
    assert {(focus, path) for _, focus, path, _ in warnings} == NOT_IN_THE_DATA


def test_the_controlled_vocabularies(catalogue):
    """The EU vocabularies' shapes need the vocabularies themselves; with the concepts the catalogue
    describes, they find only the SPDX algorithm's namespace, which their pattern writes ``https``
    where SPDX's own ontology (and DCAT-AP's ``spdx:`` prefix) has ``http``."""
    violations = {(focus.rsplit("#", 1)[1], path) for severity, focus, path, _ in _results(catalogue, "mdr-vocabularies.shape.ttl")
                  if severity == "Violation"}
    assert violations == {("sha256", "http://spdx.org/rdf/terms#algorithm")}


def test_every_dump_is_described():
    assert set(ABOUT) == set(DUMPS)


def test_the_temporal_coverage_is_the_span_of_the_facts(catalogue, national):
    """Computed again here from the store, not from the cards: the earliest start of a coverage,
    status or role; the latest of their ends and of the days their sources attest them."""
    store = ox.Store.read_only(str(current_build(national.data_dir) / "oxigraph"))
    m = "https://w3id.org/maillage/ontology#"

    def dates(query: str) -> list[dt.date]:
        return [dt.date.fromisoformat(s["d"].value) for s in store.query(query)]

    facts = f"?i a <{m}SchemeInstance> . {{ ?i <{m}hasCoverage> ?f }} UNION {{ ?i <{m}hasStatus> ?f }} UNION {{ ?i <{m}hasRole> ?f }}"
    starts = dates(f"SELECT ?d WHERE {{ {facts} ?f <{m}validFrom> ?d }}")
    ends = dates(f"SELECT ?d WHERE {{ {facts} ?f <{m}validTo> ?d }}")
    cited = ("{ ?i <http://www.w3.org/ns/prov#qualifiedDerivation> ?x } UNION "
             f"{{ {facts} ?f <http://www.w3.org/ns/prov#qualifiedDerivation> ?x }}")
    # the day a citation attests its fact: its own, else its source's date, else when its page was read
    attested = dates(f"SELECT ?d WHERE {{ ?i a <{m}SchemeInstance> . {cited} ?x <http://www.w3.org/ns/prov#entity> ?doc . "
                     f"OPTIONAL {{ ?x <{m}observed> ?o }} OPTIONAL {{ ?doc <http://purl.org/dc/terms/date> ?w }} "
                     f"OPTIONAL {{ ?doc <{m}retrieved> ?r }} BIND(COALESCE(?o, ?w, ?r) AS ?d) FILTER(BOUND(?d)) }}")
    period = catalogue.value(URIRef("https://w3id.org/maillage/dataset"), URIRef("http://purl.org/dc/terms/temporal"))
    assert catalogue.value(period, URIRef(DCAT + "startDate")).toPython() == min(starts)
    assert catalogue.value(period, URIRef(DCAT + "endDate")).toPython() == max(ends + attested)
    assert max(ends + attested) > max(ends)  # the facts still open are known up to their last attestation
