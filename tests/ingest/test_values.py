"""What a value of the registry may hold: each character, number, length and address rule on its own."""

from __future__ import annotations

import pytest

from ingest.values import length_refusal, number_refusal, shown, text_refusal, url_refusal


@pytest.mark.parametrize("text, field, rule", [
    ("ILC Toulouse-Sud", "name", None),
    ("Il s’agit donc de se concentrer\nsur le Lauragais", "excerpt", None),
    ("colonne\tsuivante", "note", None),
    ("ILC\nToulouse", "name", "caractere-controle"),
    ("ilc-31\n", "id", "caractere-controle"),
    ("ILC \x07", "name", "caractere-controle"),
    ("a\x0bb", "excerpt", "caractere-controle"),
    ("chargé\x85de mission", "function", "caractere-controle"),
    ("ILC \u202eduS", "name", "caractere-controle"),
    ("ILC \u2066x\u2069", "description", "caractere-controle"),
    ("RAP\u200b31", "name", "caractere-controle"),
    ("\ufeffRAP 31", "name", "caractere-controle"),
    ("ligne\u2028suivante", "note", "caractere-controle"),
    ("\ud800", "name", "caractere-controle"),
    ("É\u0301 « guillemets » – tiret", "name", None),
])
def test_characters(text, field, rule):
    refused = text_refusal(text, field)
    assert (refused[0] if refused else None) == rule
    if refused:
        assert field in refused[1] and "\n" not in refused[1]  # the character is written out, not printed


def test_the_message_writes_the_character_out():
    assert shown("a\u202eb\nc") == "a<U+202E>b\\nc"
    assert "U+202E" in text_refusal("ILC \u202eduS", "name")[1]


@pytest.mark.parametrize("value, refused", [(8, True), (31, True), (2.5, True), (True, False), ("010", False), (None, False)])
def test_numbers_where_an_id_goes(value, refused):
    found = number_refusal(value, "id")
    assert bool(found) == refused
    if found:
        assert found[0] == "identifiant-texte" and "écrire l'identifiant entre guillemets" in found[1]


def test_ids_no_longer_than_the_api_reads():
    from api.limits import IDENT

    assert length_refusal("i" * IDENT, "id") is None
    assert length_refusal("i" * (IDENT + 1), "id")[0] == "identifiant-long"


@pytest.mark.parametrize("url, ok", [
    ("https://www.ars.sante.fr/dac", True), ("http://example.org/a?b=1#c", True), ("HTTPS://EXAMPLE.ORG", True),
    ("javascript:alert(1)", False), ("data:text/html,<script>", False), ("ftp://example.org/a", False),
    ("https://", False), ("//example.org", False), ("https://exa mple.org", False), ("https://example.org/\n", False),
    ("https://[::1", False), ("www.example.org", False),
])
def test_web_addresses(url, ok):
    assert (url_refusal(url) is None) == ok
