"""The kinds of territory are one enum (core.namespaces.Level); every table, pattern and API parameter
that names them is read from it, and no module lists them again."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from package_code import nodes

from core import namespaces
from core.errors import InvalidQuery
from core.levels import LEVEL_LABELS, LEVEL_ORDER, LEVELS, Level
from core.namespaces import IGEO, KINDS, M, iri
from core.terms import match_territory, parse_territory

WORDS = {level.value for level in Level}


def test_the_tables_are_read_from_the_enum():
    assert LEVEL_ORDER == ["arrondissement", "commune", "epci", "territoire", "departement", "region"]  # smallest first
    assert LEVELS[IGEO.Intercommunalite] == ("epci", "EPCI") and LEVELS[M.CustomTerritory][1] == "territoire de projet"
    assert LEVEL_LABELS == {level.value: level.label for level in Level}
    assert all(type(key) is str for key, _ in LEVELS.values())  # plain words, as the stored answers hold them
    assert set(KINDS) >= WORDS and iri(Level.EPCI, "200068641") == iri("epci", "200068641")


@pytest.mark.parametrize("level", list(Level))
def test_every_kind_is_a_territory_reference(level):
    assert match_territory(f"{level}:31") == (level.value, "31")


def test_other_words_are_refused():
    assert match_territory("canton:31") is None
    with pytest.raises(InvalidQuery, match="Territoire « pays:31 » mal écrit"):
        parse_territory("pays:31")


def test_no_module_lists_the_kinds_again():
    """Read without running: a literal collection, or a subscript such as ``Literal[...]``, holding three
    or more of the words, anywhere but where the enum is declared."""
    found = []
    for where, node in nodes(skip=Path(namespaces.__file__)):
        items = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else (
            node.slice.elts if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Tuple) else [])
        if len({item.value for item in items if isinstance(item, ast.Constant)} & WORDS) >= 3:
            found.append(where)
    assert found == []
