"""A registry file is named by a plain name matched whole, and must resolve to itself inside the
registry: no folder, no `..`, no absolute path, no final newline, no link leading elsewhere."""

from __future__ import annotations

import os

import pytest

from core.errors import RegistryFileRefused
from core.registry_files import registry_name, registry_path


@pytest.mark.parametrize("name", ["31.yaml", "region-76.yaml", "31-suivi.csv", "a.b_c-d.yaml"])
def test_plain_names_pass(name):
    assert registry_name(name) == name


@pytest.mark.parametrize("name", [
    "/srv/autre/config.yaml", "../../a.yaml", "sub/31.yaml", "31.yaml\n", "31.yaml/", ".31.yaml", "..yaml",
    "31.yml", "31.yaml.txt", "31.yaml\x00.csv", "", "x" * 100 + ".yaml", "31 .yaml", "31\\..\\a.yaml", None, 31,
])
def test_anything_else_is_refused_without_repeating_it(name):
    with pytest.raises(RegistryFileRefused) as refused:
        registry_name(name)
    assert "sans dossier ni chemin" in str(refused.value)
    assert not isinstance(name, str) or not name.strip() or name.strip() not in str(refused.value)


def test_kinds_restrict_the_extension():
    with pytest.raises(RegistryFileRefused, match="finissant par .yaml"):
        registry_name("31-suivi.csv", kinds=("yaml",))


def test_a_name_must_resolve_to_itself_inside_the_registry(tmp_path):
    registry, outside = tmp_path / "registry", tmp_path / "dehors.yaml"
    registry.mkdir()
    (registry / "31.yaml").write_text("instances: []\n")
    outside.write_text("password: secret\n")
    (registry / "lien.yaml").symlink_to(outside)
    (registry / "double.yaml").symlink_to(registry / "31.yaml")  # inside, but another file
    (registry / "boucle.yaml").symlink_to(registry / "boucle.yaml")
    assert registry_path(registry, "31.yaml") == registry / "31.yaml"
    for name in ("lien.yaml", "double.yaml", "boucle.yaml"):
        with pytest.raises(RegistryFileRefused, match="c'est un lien") as refused:
            registry_path(registry, name)
        assert str(tmp_path) not in str(refused.value)
    with pytest.raises(RegistryFileRefused, match="inconnu : « 32.yaml »"):
        registry_path(registry, "32.yaml")
    assert registry_path(registry, "32.yaml", must_exist=False) == registry / "32.yaml"


def test_a_registry_reached_through_a_link_is_itself(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "31.yaml").write_text("instances: []\n")
    os.symlink(real, tmp_path / "registry")
    assert registry_path(tmp_path / "registry", "31.yaml").read_text() == "instances: []\n"
