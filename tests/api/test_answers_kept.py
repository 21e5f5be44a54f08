"""A question asked again is answered from the bytes sent the last time (``api/caching.py``, decision
0112): the same bytes and headers as a computed answer, only for a 200 in one piece, the least
recently asked dropped first, everything dropped when another build is served."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.caching import Answers, Conditional

QUESTION = {"place": "31395", "ages": "0-12", "on": "2024-06-01"}


@pytest.fixture(scope="module")
def served(small_shared):
    app = create_app(small_shared)
    with TestClient(app) as client:
        client.get("/v1/health")
        layer = app.middleware_stack
        while not isinstance(layer, Conditional):
            layer = layer.app
        yield client, layer.answers


def test_an_answer_asked_again_is_the_same_bytes(served):
    client, answers = served
    first = client.get("/v1/who-covers", params=QUESTION)
    assert first.status_code == 200 and first.json()["instances"]
    kept = len(answers)
    second = client.get("/v1/who-covers", params=QUESTION)
    assert len(answers) == kept  # answered from what was kept, nothing added
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"] and second.headers["content-type"] == "application/json"
    other = client.get("/v1/who-covers", params={**QUESTION, "ages": "60-120"})
    assert other.status_code == 200 and len(answers) == kept + 1 and other.content != first.content


def test_the_headers_of_the_outer_middlewares_are_not_kept(served):
    client, _ = served
    question = {**QUESTION, "on": "2023-01-01"}
    crossed = client.get("/v1/who-covers", params=question, headers={"Origin": "https://example.org"})
    assert crossed.headers["access-control-allow-origin"] == "*"
    again = client.get("/v1/who-covers", params=question)
    assert "access-control-allow-origin" not in again.headers and again.content == crossed.content
    twice = client.get("/v1/who-covers", params=question, headers={"Origin": "https://example.org"})
    assert twice.headers.get_list("access-control-allow-origin") == ["*"]


def test_errors_are_not_kept(served):
    client, answers = served
    kept = len(answers)
    for _ in range(2):
        assert client.get("/v1/who-covers", params={"place": "Nulle-Part-Sur-Rien"}).status_code == 404
        assert client.get("/v1/who-covers", params={**QUESTION, "ages": "douze"}).status_code == 422
    assert len(answers) == kept


def test_the_least_recently_asked_goes_first_and_a_new_build_empties_it():
    answers = Answers(budget=10, largest=6)
    answers.for_build("b1")
    answers.put("a", [], b"aaaa")
    answers.put("b", [], b"bbbb")
    assert answers.get("a") == ([], b"aaaa")  # a is now the most recent
    answers.put("c", [], b"cccc")  # 12 bytes > 10: b goes
    assert answers.get("b") is None and answers.get("a") and answers.get("c") and answers.size == 8
    answers.put("d", [], b"d" * 7)  # larger than any one answer kept
    assert answers.get("d") is None
    answers.for_build("b1")
    assert len(answers) == 2
    answers.for_build("b2")
    assert len(answers) == 0 and answers.size == 0
