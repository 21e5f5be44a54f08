"""The landmark questions answer byte for byte as recorded (``tests/resources/landmarks.json``), from a
one-shot session (named questions) and from a long-lived one (indexes in memory).

The record was made before the house was reorganised (``python tests/landmarks.py OUT.json``); an
intended change of an answer is recorded again with that command, in its own commit, saying why.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from landmarks import QUESTIONS, answers
from store.session import open_backend

RECORDED = json.loads((Path(__file__).parent / "resources" / "landmarks.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=["one-shot", "long-lived"])
def asked(request, national):
    session = open_backend(national, long_lived=request.param == "long-lived")
    yield answers(session)
    session.close()


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_landmark_answers_are_unchanged(asked, name):
    assert asked[name] == RECORDED[name]
