"""Each setting is declared once (a field of Settings: type, default, help); the documents folder is
``documents``, and its former name MAILLAGE_SHARED is still read for one version, with a French warning."""

from __future__ import annotations

import logging
from dataclasses import fields
from pathlib import Path

import pytest

from core.errors import SettingInvalid
from core.settings import SETTINGS, Settings


@pytest.fixture
def clean_env(monkeypatch):
    for s in SETTINGS:
        monkeypatch.delenv(f"MAILLAGE_{s.name.upper()}", raising=False)
    monkeypatch.delenv("MAILLAGE_SHARED", raising=False)
    return monkeypatch


def test_the_table_is_the_fields(clean_env):
    assert [s.name for s in SETTINGS] == [f.name for f in fields(Settings)]
    assert all(s.help.strip() for s in SETTINGS)
    defaults = Settings.from_env()
    assert defaults == Settings()  # the defaults are the fields' own
    assert [s.default for s in SETTINGS] == [str(getattr(defaults, f.name)) for f in fields(Settings)]
    assert isinstance(defaults.documents, Path) and isinstance(defaults.port, int) and defaults.backend == "embedded"


def test_environment_then_options(clean_env, tmp_path):
    clean_env.setenv("MAILLAGE_PORT", "8123")
    clean_env.setenv("MAILLAGE_DOCUMENTS", str(tmp_path))
    settings = Settings.from_env()
    assert settings.port == 8123 and settings.documents == tmp_path
    assert Settings.from_env(port=9000, documents=None).port == 9000  # an option given beats the environment
    assert Settings.from_env(documents=None).documents == tmp_path  # an option not given does not


def test_the_former_name_is_read_with_a_warning(clean_env, tmp_path, caplog):
    clean_env.setenv("MAILLAGE_SHARED", str(tmp_path))
    with caplog.at_level(logging.WARNING, logger="maillage.settings"):
        assert Settings.from_env().documents == tmp_path
    assert "MAILLAGE_SHARED est renommée MAILLAGE_DOCUMENTS" in caplog.text
    caplog.clear()
    clean_env.setenv("MAILLAGE_DOCUMENTS", str(tmp_path / "nouveau"))
    with caplog.at_level(logging.WARNING, logger="maillage.settings"):
        assert Settings.from_env().documents == tmp_path / "nouveau"
    assert "MAILLAGE_SHARED est ignorée : MAILLAGE_DOCUMENTS est définie" in caplog.text


def test_the_new_name_alone_says_nothing(clean_env, tmp_path, caplog):
    clean_env.setenv("MAILLAGE_DOCUMENTS", str(tmp_path))
    with caplog.at_level(logging.WARNING, logger="maillage.settings"):
        Settings.from_env()
    assert caplog.text == ""


def test_a_number_that_is_none_is_refused_in_french(clean_env):
    clean_env.setenv("MAILLAGE_QUERY_TIMEOUT", "dix")
    with pytest.raises(SettingInvalid, match="Réglage MAILLAGE_QUERY_TIMEOUT : « dix » n'est pas un nombre entier"):
        Settings.from_env()


def test_an_unknown_option_is_a_programming_error(clean_env):
    with pytest.raises(TypeError, match="shared"):
        Settings.from_env(shared="/tmp")
