"""A registry with one bad entry is refused with the file, entry, field and rule named, and the live
store is left exactly as it was."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import yaml

from core.errors import RegistryInvalid
from ingest.build import build
from store.builds import current_build
from store.session import open_backend
from queries.coverage import who_covers


def _instance(doc):
    return doc["instances"][0]


def _set(path, value):
    """A mutation that sets ``doc[...path] = value`` (path of keys and indexes)."""

    def mutate(doc):
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return mutate


def _delete(path):
    def mutate(doc):
        node = doc
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return mutate


def _duplicate_instance(doc):
    doc["instances"].append(dict(_instance(doc)))


COV = ["instances", 0, "coverage", 0]
ROLE = ["instances", 0, "roles", 0]

# (kind of fault, mutation, expected entry, expected field, expected rule fragment)
CASES = [
    ("unknown commune", _set(COV + ["territory"], "commune:31999"), "ilc-toulouse-sud", "coverage[0].territory", "Or territory"),
    ("inverted ages", _set(COV + ["ages"], [12, 0]), "ilc-toulouse-sud", "coverage[0].ages", "LessThanOrEquals"),
    ("age above 120", _set(COV + ["ages"], [0, 130]), "ilc-toulouse-sud", "coverage[0].ages", "MaxInclusive"),
    ("negative age", _set(COV + ["ages"], [-1, 12]), "ilc-toulouse-sud", "coverage[0].ages", "MinInclusive"),
    ("unknown type", _set(["instances", 0, "type"], "XYZ"), "ilc-toulouse-sud", "type", "Node schemeType"),
    ("missing source", _delete(["instances", 0, "source"]), "ilc-toulouse-sud", "source", "MinCount qualifiedDerivation"),
    ("dangling actor", _set(ROLE + ["actor"], "nobody"), "ilc-toulouse-sud", "roles[0].actor", "Class actor"),
    ("bad date", _set(COV + ["from"], "2019-13-45"), "ilc-toulouse-sud", "coverage[0].from", "Datatype validFrom"),
    ("inverted period", lambda d: (_set(COV + ["from"], "2020-01-01")(d), _set(COV + ["to"], "2019-01-01")(d)),
     "ilc-toulouse-sud", "coverage[0].from", "LessThanOrEquals validFrom"),
    ("duplicate id", _duplicate_instance, "ilc-toulouse-sud", "id", "identifiant-unique"),
    ("unknown public", _set(COV + ["publics"], ["martiens"]), "ilc-toulouse-sud", "coverage[0].publics", "Node public"),
    ("unknown role", _set(ROLE + ["role"], "boss"), "ilc-toulouse-sud", "roles[0].role", "Node roleKind"),
    ("unknown status", _set(["instances", 0, "status", 0, "value"], "dormant"), "ilc-toulouse-sud", "status[0].value", "Node status"),
    ("no coverage", _delete(["instances", 0, "coverage"]), "ilc-toulouse-sud", "coverage", "MinCount hasCoverage"),
    ("undefined source", _set(COV + ["source"], {"ref": "nowhere", "excerpt": "0-12 ans"}), "ilc-toulouse-sud", "coverage[0].source.ref", "Class entity"),
    ("missing excerpt", _set(COV + ["source"], {"ref": "rap31-2019"}), "ilc-toulouse-sud", "coverage[0].source", "Or"),
    ("read in the future", _set(["sources", "rap31-2019", "retrieved"], dt.date(2999, 1, 1)), "sources.rap31-2019",
     "retrieved", "date-future"),
    ("attested in the future", _set(COV + ["source", "observed"], dt.date(2999, 1, 1)), "ilc-toulouse-sud",
     "coverage[0].source.observed", "date-future"),
    ("bad status start", _set(["instances", 0, "status", 0, "from"], "2019-02-30"), "ilc-toulouse-sud", "status[0].from",
     "Datatype validFrom"),
    ("survey outside the file's scope", _set(["surveyed"], [{"id": "s48", "territory": "departement:48", "as_of": "2024-01-01"}]),
     "s48", "territory", "portee"),
    ("survey of an unknown type", _set(["surveyed"], [{"id": "s31", "territory": "departement:31", "types": ["XYZ"],
                                                       "as_of": "2024-01-01"}]), "s31", "type", "Node schemeType"),
    ("unknown field", _set(COV + ["agse"], [0, 12]), "ilc-toulouse-sud", "coverage[0].agse", "champ-inconnu"),
    ("malformed territory", _set(COV + ["territory"], "canton:3112"), "ilc-toulouse-sud", "coverage[0].territory", "reference-territoire"),
    ("actor and function", _set(ROLE + ["function"], "directrice"), "ilc-toulouse-sud", "roles[0]", "Xone"),
    ("outside the file's scope", _set(COV + ["territory"], "departement:48"), "ilc-toulouse-sud", "coverage[0].territory", "portee"),
    ("unknown EPCI in a custom territory", _set(["territories", 0, "members"], ["epci:999999999"]), "toulouse-sud", "members", "Or member"),
    ("missing name", _delete(["instances", 0, "name"]), "ilc-toulouse-sud", "name", "MinCount label"),
    ("source without date", _delete(["sources", "rap31-2019", "date"]), "sources.rap31-2019", "", "Or"),
    ("missing source file", _set(["sources", "rap31-2019", "file"], "seeds/absent.txt"), "sources.rap31-2019", "file", "fichier-source"),
    ("unknown actor kind", _set(["actors", 0, "kind"], "secte"), "rap31", "kind", "In actorKind"),
]


def _live(settings):
    backend = open_backend(settings)
    try:
        return [c.instance_id for c in who_covers(backend, "Muret", ages="0-12", on="2024-01-01").instances]
    finally:
        backend.close()


@pytest.mark.parametrize("kind, mutate, entry, field, rule", CASES, ids=[c[0] for c in CASES])
def test_bad_entry_is_refused_and_store_unchanged(small, kind, mutate, entry, field, rule):
    path = small.registry / "31.yaml"
    before = current_build(small.data_dir)
    doc = yaml.safe_load(path.read_text())
    mutate(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))

    with pytest.raises(RegistryInvalid) as caught:
        build(small)

    problems = caught.value.problems
    assert any(
        p.file == "31.yaml" and p.entry == entry and p.field.startswith(field) and rule in p.rule for p in problems
    ), f"{kind}: expected {entry} / {field} / {rule} in {problems}"
    assert all(p.message for p in problems)
    assert current_build(small.data_dir) == before
    assert not [p for p in (small.data_dir / "builds").iterdir() if p.name.endswith(".tmp")]
    assert _live(small) == ["ilc-toulouse-sud"]


def test_yaml_syntax_error_names_the_line(small):
    path = small.registry / "31.yaml"
    path.write_text(path.read_text().replace("scope: {departement: \"31\"}", "scope: {departement: \"31\""))
    with pytest.raises(RegistryInvalid) as caught:
        build(small)
    (problem,) = caught.value.problems
    assert problem.file == "31.yaml" and problem.rule == "syntaxe-yaml" and problem.entry.startswith("ligne")


def test_report_messages_are_french(small):
    path = small.registry / "31.yaml"
    doc = yaml.safe_load(path.read_text())
    _set(COV + ["ages"], [12, 0])(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    with pytest.raises(RegistryInvalid) as caught:
        build(small)
    assert "âges invalides" in str(caught.value)
    assert "rien n'a été enregistré" in str(caught.value)


def test_crash_while_writing_keeps_the_last_good_build(small, monkeypatch):
    from ingest import build as build_module
    from ingest import reuse as reuse_module

    before = os.readlink(small.data_dir / "current")

    def crash(*args, **kwargs):
        raise OSError("disque plein (simulé)")

    # The registry did not change: the build reuses the live store, and writes the cards there.
    monkeypatch.setattr(build_module, "store_cards", crash)
    monkeypatch.setattr(reuse_module, "store_cards", crash)
    with pytest.raises(OSError):
        build(small)
    assert os.readlink(small.data_dir / "current") == before
    assert _live(small) == ["ilc-toulouse-sud"]
    monkeypatch.undo()
    build(small)  # the next build cleans the half-written folder and publishes
    assert os.readlink(small.data_dir / "current") != before
    assert not [p for p in (small.data_dir / "builds").iterdir() if p.name.endswith(".tmp")]
