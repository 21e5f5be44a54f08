"""The SHACL index of the geography is built from the package's tables, not from the N-Triples facts:
it must hold exactly the facts' triples, term for term, or the validation would not be the reference's."""

from __future__ import annotations

import pytest

from ingest import geography
from ingest._fact_terms import fact_terms
from ingest._fastgraph import ntriples_terms
from core.settings import Settings

from test_geography import _tiny_geography  # this folder is on the path, as for neo4j_server


def _same_triples(geo: geography.Geography) -> None:
    direct = list(fact_terms(geo))
    reference = ntriples_terms("".join(geography.fact_triples(geo)))  # distinct, as a graph is a set
    assert len(direct) == len(set(direct)), "fact_terms gave a triple twice"
    assert set(direct) == set(reference)


pytestmark = pytest.mark.equivalence


@pytest.mark.integration
def test_the_whole_country_gives_the_facts_triples():
    geo = geography.load(Settings.from_env().geography)
    _same_triples(geo)


def test_corrupted_tables_give_the_facts_triples():
    """What the shapes must reject reaches the index as it reaches the N-Triples facts."""
    _same_triples(_tiny_geography())
    _same_triples(_tiny_geography(
        communes={
            "48X99": geography.Commune("48X99", 'Nulle "Part"\\', "48", "76", None, None),
            "48001": geography.Commune("48001", "Perdue", "99", "76", -3, None),
        },
        departements={"2C": ("Corse du Nord", "95")},
        epcis={"200069301": ("CC Fantôme", "CC", ("48999", "48061", "48999"))},
    ))


def test_a_literal_holding_a_unicode_line_separator_stays_one_triple():
    """N-Triples escapes only \\n and \\r in a literal: U+2028, U+0085 or U+001C stay as they are, and
    must not end the line (a registry text may hold them; the fuzzed registry found it)."""
    from rdflib import Graph

    text = "".join(f'<http://example.org/s> <http://example.org/p{i}> "avant{c}après" .\n'
                   for i, c in enumerate(("\u2028", "\u0085", "\u001c", "\u000b")))
    assert set(ntriples_terms(text)) == set(Graph().parse(data=text, format="nt"))
    assert len(ntriples_terms(text)) == 4


@pytest.mark.integration
def test_the_geography_s_rules_see_the_arrondissements_municipaux():
    """The arrondissements are among what SHACL validates: one moved out of every current commune is
    refused by name (the facts SHACL read once left the 45 out, and such a table passed)."""
    import dataclasses

    from ingest.validate import validate_geography

    geo = geography.load(Settings.from_env().geography)
    assert len(geo.arrondissements) == 45
    geo.arrondissements["13201"] = dataclasses.replace(geo.arrondissements["13201"], commune="99999")
    problems = validate_geography(geo, None)
    assert [(p.entry, p.field) for p in problems] == [("13201", "inCommune")]
    assert "commune actuelle" in problems[0].message
