"""The cards read from the registry's index graph (the build's way) are exactly those ``instance_card``
gives asked of a store (the reference): row for row, and card for card as the same JSON, on the real
registry and on a synthetic région."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from card_equal import coverage_pairs, reference_session

from core.settings import Settings
from ingest import csv_import, geography
from ingest.build import table_documents
from ingest.card_rows import COLUMNS, CardRows
from ingest.slices import file_of
from ingest.file_verdicts import Ledger, every_card, read_and_validate
from ingest.publish import CARD_CHUNK, card_facts, cards_of_graph, cards_of_ntriples, vocabulary_concepts
from ingest.registry import read_registry
from ingest.synthetic import generate, write
from ingest.validate import referenced_territories
from store.embedded import EmbeddedBackend
from store.session import Session

pytestmark = pytest.mark.equivalence


def _read(settings: Settings, geo):
    reg = read_registry(settings.registry, geo, table_documents(settings, geo), settings.documents)  # as the build reads it
    return reg, "".join(referenced_territories(reg, geo))


def _same_cards(ours: dict[str, dict], reference: dict[str, dict]) -> None:
    assert ours == reference
    for coverage, card in reference.items():  # the same keys in the same order: the same JSON stored
        assert json.dumps(ours[coverage], ensure_ascii=False) == json.dumps(card, ensure_ascii=False), coverage


def _same_rows(rows: CardRows, session: Session, pairs: list[dict]) -> None:
    asked: dict[str, Counter] = {}
    for start in range(0, len(pairs), CARD_CHUNK):
        for f in session.run_rows("instance_card", pairs[start:start + CARD_CHUNK]):
            asked.setdefault(f["coverage"], Counter())[tuple(f[c] for c in COLUMNS)] += 1
    for pair in pairs:
        read = Counter(tuple(f[c] for c in COLUMNS) for f in rows.rows(pair["instance"], pair["coverage"]))
        assert read == asked.get(pair["coverage"], Counter()), pair


@pytest.fixture(scope="module")
def geo(national):
    return geography.load(national.geography)


def test_the_real_registry_gives_the_same_cards(national, geo):
    reg, territories = _read(national, geo)
    whole = Session(EmbeddedBackend.open(national.data_dir))
    pairs = coverage_pairs(whole)
    reference = card_facts(whole, pairs)
    assert len(reference) == len(pairs) > 40
    assert {c["level"] for c in reference.values()} >= {"commune", "epci", "departement", "region"}
    assert card_facts(reference_session(reg.graph, territories), pairs) == reference
    _same_cards(cards_of_graph(reg.graph, territories, pairs, whole.concepts), reference)
    _same_rows(CardRows(reg.graph, territories), whole, pairs)
    stored = whole.backend.store.query(
        "SELECT ?c ?card WHERE { ?c <https://w3id.org/maillage/ontology#card> ?card }")
    assert {row["c"].value: json.loads(row["card"].value) for row in stored} == reference


def test_a_synthetic_region_gives_the_same_cards(national, geo, tmp_path):
    docs, truth = generate(geo, seed=11, regions=["53"])
    write(docs, truth, tmp_path)
    reg, territories = _read(Settings.from_env(registry=tmp_path / "registry", documents=national.documents), geo)
    session = reference_session(reg.graph, territories)
    pairs = coverage_pairs(session)
    reference = card_facts(session, pairs)
    assert len(reference) == len(pairs) > 500
    assert {c["level"] for c in reference.values()} >= {"epci", "departement"}
    assert any(card["confidence"] == "inferred" for card in reference.values())
    _same_cards(cards_of_graph(reg.graph, territories, pairs, session.concepts), reference)
    _same_rows(CardRows(reg.graph, territories), session, pairs)
    # a cold build's way: from the registry's N-Triples, its coverages found there, the JSON text stored
    made = cards_of_ntriples(reg.ntriples_parts(), territories, session.concepts)
    assert made == {c: json.dumps(card, ensure_ascii=False) for c, card in reference.items()}


def test_the_cards_made_beside_each_file_s_validation_are_the_registry_s(national, geo, tmp_path):
    """A cold build takes each file's cards from its validation's graph (``publish.cards_of_file``):
    on two synthetic régions (files that name no other file's node) they are, card for card, the JSON
    the whole registry's graph gives; on the real registry, a file that refers to another's actors or
    sources has none (the build then makes them all from the whole graph), the others the same."""
    whole = Session(EmbeddedBackend.open(national.data_dir))
    assert vocabulary_concepts() == whole.concepts
    docs, truth = generate(geo, seed=11, regions=["53", "94"])
    write(docs, truth, tmp_path)
    cases = [(tmp_path / "registry", []), (national.registry, csv_import.read_folder(national.registry))]
    for n, (folder, extra) in enumerate(cases):
        ledger = Ledger()
        reg, problems = read_and_validate(folder, geo, extra, national.documents, None, ledger=ledger)
        assert problems == []
        territories = "".join(referenced_territories(reg, geo))
        reference = cards_of_ntriples(reg.ntriples_parts(), territories, whole.concepts)
        files_of = {reg.where[c].file for c in reference}
        # a part's cards, by file: a région's file is cut into slices (``ingest.slices``), each with its own
        by_file: dict[str, dict] = {}
        for label, cards in ledger.cards.items():
            by_file.setdefault(file_of(label, reg.files), {}).update(cards)
        if n == 0:
            assert set(by_file) == set(reg.files) == files_of and len(reg.files) == 2
            assert any(" (instances " in label for label in ledger.cards)
            assert every_card(reg, ledger) == reference
        else:
            assert every_card(reg, ledger) is None and set(by_file) < files_of
        for file, cards in by_file.items():
            assert cards == {c: text for c, text in reference.items() if reg.where[c].file == file}, file
