"""N-Triples: the project reads only its own output (decision 0100), and writes only N-Triples.

The reader (``_fastgraph.ntriples_terms``) is held to the W3C RDF 1.1 and RDF 1.2 N-Triples syntax
suites (``../shared/conformance/n-triples/``): every negative file refused, every positive file either
read as pyoxigraph reads it (the same triples) or refused as a whole with a ValueError naming the
line, never read in part. The writer (``_ntriples``) escapes or refuses every term: what it writes,
pyoxigraph reads back to the same values.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, RDF, URIRef
from rdflib.compare import isomorphic

from core.settings import Settings
from ingest import _ntriples
from ingest._fastgraph import _rdflib, ntriples_terms

SUITES = Settings.from_env().documents / "conformance" / "n-triples"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
RDFT = Namespace("http://www.w3.org/ns/rdftest#")
POSITIVE = {RDFT.TestNTriplesPositiveSyntax, RDFT.TestNTriplesPositiveC14N}
NEGATIVE = {RDFT.TestNTriplesNegativeSyntax}

needs_suites = pytest.mark.skipif(not SUITES.is_dir(), reason="the shared documents hold the conformance suites")


def _cases() -> list[tuple[str, Path, bool]]:
    """(suite/name, file, positive) for every syntax entry of every manifest; a canonical-form
    entry gives both its input and its expected output, each valid N-Triples."""
    out = []
    for manifest in sorted(SUITES.rglob("manifest.ttl")):
        g = Graph().parse(manifest, format="turtle")
        for kind in POSITIVE | NEGATIVE:
            for entry in g.subjects(RDF.type, kind):
                files = [g.value(entry, MF.action)] + ([g.value(entry, MF.result)] if kind == RDFT.TestNTriplesPositiveC14N else [])
                for file in files:
                    path = Path(str(file).removeprefix("file://"))
                    out.append((f"{manifest.parent.relative_to(SUITES)}/{path.name}", path, kind in POSITIVE))
    return sorted(set(out))


def _oxigraph(path: Path) -> Graph | None:
    """The file as pyoxigraph reads it, in rdflib terms; None when it holds what rdflib cannot say
    (RDF 1.2 triple terms, directional language tags)."""
    g = Graph()
    try:
        for quad in ox.parse(path=path, format=ox.RdfFormat.N_TRIPLES):
            g.add((_rdflib(quad.subject), _rdflib(quad.predicate), _rdflib(quad.object)))
    except ValueError:
        return None
    return g


@needs_suites
def test_the_w3c_suites():
    figures = {}
    for name, path, positive in _cases():
        suite = name.split("/")[0]
        counts = figures.setdefault((suite, positive), {"cases": 0, "same": 0, "refused": 0})
        counts["cases"] += 1
        text = path.read_bytes().decode("utf-8")
        try:
            read = ntriples_terms(text)
        except ValueError as err:
            assert "refusée" in str(err)
            counts["refused"] += 1
            continue
        assert positive, f"{name}: an invalid file was read"
        expected = _oxigraph(path)
        assert expected is not None, f"{name}: read, though it holds RDF 1.2 terms"
        ours = Graph()
        for t in read:
            ours.add(t)
        assert isomorphic(ours, expected) and len(ours) == len(expected), name
        counts["same"] += 1
    for (suite, positive), counts in sorted(figures.items()):
        print(f"\n{suite} {'positive' if positive else 'negative'}: {counts}")
    negatives = [c for (suite, positive), c in figures.items() if not positive]
    assert all(c["refused"] == c["cases"] for c in negatives)
    assert sum(c["cases"] for c in negatives) == 29 + 22
    rdf11 = figures[("rdf11", True)]
    assert rdf11["cases"] == 41 and rdf11["same"] >= 30  # what the project writes is read


LINES = {
    "two triples on a line": '<https://e.org/s> <https://e.org/p> "a" . <https://e.org/s> <https://e.org/p> "b" .',
    "a trailing dot": "<https://e.org/s> <https://e.org/p> <https://e.org/o> . .",
    "a literal subject": '"s" <https://e.org/p> <https://e.org/o> .',
    "a blank predicate": "<https://e.org/s> _:p <https://e.org/o> .",
    "a literal predicate": '<https://e.org/s> "p" <https://e.org/o> .',
    "a comment": "# <https://e.org/s> <https://e.org/p> <https://e.org/o> .",
    "a tab": "<https://e.org/s>\t<https://e.org/p> <https://e.org/o> .",
    "an IRI with a space": "<https://e.org/a b> <https://e.org/p> <https://e.org/o> .",
    "a relative IRI": "<s> <https://e.org/p> <https://e.org/o> .",
    "a triple term": "<https://e.org/s> <https://e.org/p> <<( <https://e.org/a> <https://e.org/b> <https://e.org/c> )>> .",
    "a direction": '<https://e.org/s> <https://e.org/p> "a"@fr--ltr .',
}


@pytest.mark.parametrize("name", sorted(LINES))
def test_a_line_of_another_form_is_refused_whole(name):
    good = "<https://e.org/s> <https://e.org/p> <https://e.org/o> .\n"
    with pytest.raises(ValueError, match="ligne N-Triples refusée"):
        ntriples_terms(good + LINES[name] + "\n")


HOSTILE = ['a"b', "a\\b", "a\nb", "a\rb", "a\tb", "a\u2028b", "a\x00b\x1fc", "a > b", "}{|^`", "\U0001F600 é", '\\u0041"']


@pytest.mark.parametrize("text", HOSTILE)
def test_what_is_written_reads_back_as_it_was(text):
    s, p = _ntriples.ref("https://e.org/s"), _ntriples.ref("https://e.org/p")
    lines = (_ntriples.triple(s, p, _ntriples.lit(text)) + _ntriples.triple(s, p, _ntriples.lit(text, "fr"))
             + _ntriples.triple(s, p, _ntriples.typed(text, "string")))
    read = {quad.object for quad in ox.parse(lines.encode(), format=ox.RdfFormat.N_TRIPLES)}
    assert {o.value for o in read} == {text}
    assert {o for _, _, o in ntriples_terms(lines)} == {Literal(text), Literal(text, lang="fr")}


@pytest.mark.parametrize("iri", ["https://e.org/a b", "https://e.org/a>b", "https://e.org/a\nb", 'https://e.org/"', "https://e.org/{x}",
                                 "https://e.org/a\\b", "relative/path", ""])
def test_an_iri_that_n_triples_cannot_hold_is_refused(iri):
    with pytest.raises(ValueError, match="IRI"):
        _ntriples.ref(iri)


def test_a_language_tag_or_datatype_that_is_not_one_is_refused():
    with pytest.raises(ValueError):
        _ntriples.lit("a", "fr> .")
    with pytest.raises(ValueError):
        _ntriples.typed("a", "date> <x")
    assert _ntriples.ref("https://w3id.org/maillage/seat/fs-12.3_a") == "<https://w3id.org/maillage/seat/fs-12.3_a>"
    assert URIRef("https://e.org/x").n3() == _ntriples.ref("https://e.org/x")


def test_a_registrys_hostile_terms_are_refused_or_escaped(tmp_path, cut_geography):
    """Ids and codes that would end an IRI are refused with their entry (a final newline too); names
    and titles are literals, escaped; the registry's N-Triples parse."""
    import yaml

    from ingest.registry import read_registry

    doc = yaml.safe_load((Path(__file__).parents[1] / "resources" / "registry-small" / "31.yaml").read_text(encoding="utf-8"))
    doc["sources"]["src\n"] = {"title": "T", "date": "2019-12-31"}
    doc["sources"]["rap31-2019"]["title"] = 'Rapport "2019" \\ annexe > p. 21'
    doc["actors"][0]["id"] = "rap31\n"
    doc["actors"][1]["name"] = 'RESO "a" \\ b > c'
    doc["instances"][0]["id"] = "ilc toulouse"
    (tmp_path / "31.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    reg = read_registry(tmp_path, cut_geography, [], None)
    refused = {p.entry for p in reg.problems}
    assert {"sources.src\n", "actor[0]", "instance[0]"} <= refused
    text = reg.serialize_ntriples()
    objects = {q.object.value for q in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)}
    assert {'RESO "a" \\ b > c', 'Rapport "2019" \\ annexe > p. 21'} <= objects
    assert not any("\n" in q.subject.value for q in ox.parse(text, format=ox.RdfFormat.N_TRIPLES))
