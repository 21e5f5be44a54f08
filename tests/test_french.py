"""Planners read French: the registry's planner-facing fields and the rendered answers of the landmark
communes hold no English (a list of English words that French never uses)."""

from __future__ import annotations

import re

import pytest
import yaml

from cli.render import coverage_text
from core.settings import PROJECT_ROOT
from queries.coverage import who_covers

#: common English words that are not French words (nor parts of French names)
ENGLISH = {"the", "and", "of", "with", "anyone", "planned", "aggregate", "project", "taken", "together",
           "recorded", "page", "stored", "undated", "first", "day", "month", "read", "its", "which", "from",
           "for", "are", "is", "was", "were", "has", "have", "been", "this", "that", "these", "by", "between",
           "within", "whole", "any", "age", "supports", "since", "operational", "only", "not", "found",
           "inferred", "approximated", "perimeter", "given", "source", "says", "member", "members", "places"}
ALLOWED = {"source", "page", "places", "age"}  # also French words
WORD = re.compile(r"[A-Za-zÀ-ÿ']+")
PLANNER_FIELDS = {"name", "title", "note", "description", "paraphrase", "function"}


def _english(text: str) -> set[str]:
    text = re.sub(r"https?://\S+|\S+\.(?:tsv|txt|fr|org|gouv)\S*", " ", text)
    return {w.lower() for w in WORD.findall(text)} & (ENGLISH - ALLOWED)


def _fields(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in PLANNER_FIELDS and isinstance(value, str):
                yield f"{path}.{key}", value
            yield from _fields(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _fields(value, f"{path}[{i}]")


@pytest.mark.parametrize("path", sorted((PROJECT_ROOT / "registry").glob("*.yaml")), ids=lambda p: p.name)
def test_the_registry_speaks_french_to_planners(path):
    found = {where: sorted(_english(text)) for where, text in _fields(yaml.safe_load(path.read_text(encoding="utf-8")))}
    assert {where: words for where, words in found.items() if words} == {}


@pytest.mark.parametrize("place", ["Muret", "Saint-Gaudens", "Mende", "Colomiers", "Toulouse", "Paris"])
def test_the_landmark_answers_speak_french(backend, place):
    text = coverage_text(who_covers(backend, place, on="2024-06-01"), details=True)
    quoted = re.sub(r"« [^»]* »", " ", text)  # a quotation keeps its source's words
    assert sorted(_english(quoted)) == []
