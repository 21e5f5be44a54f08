"""The record of a loaded graph (``neo4j_diff.Snapshot``), on small graphs: saved like an earlier
record, it is the same file as saved from scratch; read back, it gives the same rows and differences.
No server: the record is the client's."""

from __future__ import annotations

import datetime as dt

import pytest

from store.neo4j_diff import Snapshot, changes
from store.neo4j_graph import PropertyGraph

pytestmark = pytest.mark.equivalence

A, B, C, D = (f"https://example.org/{x}" for x in "abcd")


def _graph(build: str, start: dt.date, links: list[tuple[str, str]]) -> PropertyGraph:
    return PropertyGraph(build, {
        ("Instance",): [(A, {"label": "A", "validFrom": start}), (B, {"label": "B"})],
        ("Coverage",): [(C, {"minAge": 0}), (D, {"minAge": 12})],
    }, {"HAS_COVERAGE": [(A, C), (B, D)], "RELATED": links})


def _saved(pg: PropertyGraph, folder, like=None) -> bytes:
    folder.mkdir()
    return Snapshot.of(pg).save(folder, like=like).read_bytes()


def test_a_record_saved_like_the_last_one_is_the_record_saved_whole(tmp_path):
    first = _graph("b1", dt.date(2020, 1, 1), [(A, B)])
    Snapshot.of(first).save(tmp_path)
    base = Snapshot.read(tmp_path / "neo4j-graph.json")
    # one date edited: same nodes, same order; one type of relationship changed, the other not
    edited = _graph("b2", dt.date(2019, 1, 1), [(A, B), (B, A)])
    assert _saved(edited, tmp_path / "like", like=base) == _saved(edited, tmp_path / "whole")
    # a node first: every number moves, nothing is taken from the earlier record
    other = PropertyGraph("b3", {("Actor",): [("https://example.org/e", {})], **edited.nodes}, edited.relationships)
    assert _saved(other, tmp_path / "like-other", like=base) == _saved(other, tmp_path / "whole-other")


def test_a_record_read_back_gives_the_differences_of_the_graph(tmp_path):
    first = _graph("b1", dt.date(2020, 1, 1), [(A, B)])
    Snapshot.of(first).save(tmp_path)
    base = Snapshot.read(tmp_path / "neo4j-graph.json")
    assert base.rows("HAS_COVERAGE") == Snapshot.of(first).rows("HAS_COVERAGE")
    edited = _graph("b2", dt.date(2019, 1, 1), [(A, B), (B, A)])
    found = changes(base, Snapshot.of(edited), edited)
    assert [uri for rows in found.changed.values() for uri, _ in rows] == [A]
    assert found.linked == {"RELATED": [(B, A)]} and not found.unlinked and not found.removed and not found.added


def test_a_bucket_that_changed_is_rewritten_whole_and_one_that_did_not_is_left(tmp_path, monkeypatch):
    import store.neo4j_diff as diff

    monkeypatch.setattr(diff, "BUCKETS", 1)  # every node in one bucket
    first = _graph("b1", dt.date(2020, 1, 1), [(A, B)])
    Snapshot.of(first).save(tmp_path)
    base = Snapshot.read(tmp_path / "neo4j-graph.json")
    assert not changes(base, Snapshot.of(first), first).size
    edited = _graph("b2", dt.date(2019, 1, 1), [(A, B)])
    found = changes(base, Snapshot.of(edited), edited)
    assert sorted(uri for rows in found.changed.values() for uri, _ in rows) == [A, B, C, D]
    assert dict(found.changed[(("Instance",), ("Instance",))])[A]["validFrom"] == dt.date(2019, 1, 1)
    assert not found.added and not found.removed and not found.linked


def test_a_record_of_another_format_is_not_a_base(tmp_path):
    Snapshot.of(_graph("b1", dt.date(2020, 1, 1), [(A, B)])).save(tmp_path)
    path = tmp_path / "neo4j-graph.json"
    path.write_bytes(path.read_bytes().replace(b'"format":2', b'"format":1'))
    assert Snapshot.read(path) is None
    # the right format, damaged inside: no base either (the next load is full), no crash
    Snapshot.of(_graph("b1", dt.date(2020, 1, 1), [(A, B)])).save(tmp_path)
    path.write_bytes(path.read_bytes().replace(b'"nodes":[', b'"nodes":[99,'))
    assert Snapshot.read(path) is None
