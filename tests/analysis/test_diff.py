"""What changed: the real registry against an edited copy, and Haute-Garonne between two dates."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from analysis.diff import ADDED, BECAME_KNOWN, CHANGED, REMOVED, diff_builds, diff_dates, open_build
from core import rules
from core.namespaces import iri
from core.settings import PROJECT_ROOT
from ingest.build import build
from store.builds import current_build

REMOVED_ID, SUSPENDED_ID = "cls-haut-allier-2013", "siao-48"


def _edit(path):
    """Remove one instance and suspend another, by editing the text as a person would."""
    text = path.read_text(encoding="utf-8")
    start = text.index(f"  - id: {REMOVED_ID}\n")
    end = text.index("  - id: ", start + 1)
    text = text[:start] + text[end:]
    at = text.index(f"  - id: {SUSPENDED_ID}\n")
    status = text.index("      - value: active\n", at)
    assert status < text.index("  - id: ", at + 1)
    text = text[:status] + "      - value: suspended\n" + text[status + len("      - value: active\n"):]
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def edited(tmp_path_factory, registry_copy, national):
    settings = registry_copy(tmp_path_factory.mktemp("edited"), sorted((PROJECT_ROOT / "registry").glob("*.yaml")),
                             national=True)
    _edit(settings.registry / "48.yaml")
    build(settings)
    return settings


@pytest.fixture(scope="module")
def sessions(national, edited):
    a, b = open_build(current_build(national.data_dir)), open_build(current_build(edited.data_dir))
    yield a, b
    a.close()
    b.close()


def test_exactly_the_removed_instance_and_the_changed_status(sessions):
    before, after = sessions
    found = diff_builds(before, after, "2015-06-01")
    assert [(c.kind, c.change, c.key) for c in found.changes] == [
        ("instance", REMOVED, REMOVED_ID), ("statut", CHANGED, SUSPENDED_ID)]
    removed, status = found.changes
    haut_allier = before.tables.communes_of(iri("territoire", "haut-allier"))
    assert removed.communes == len(haut_allier) > 0
    assert removed.population == before.tables.population(haut_allier) > 0
    assert status.before.startswith("Actif du") and status.after.startswith("Suspendu du")
    # On 2015-06-01 only the removed CLS covered the Haut-Allier: the CLS type loses exactly its communes.
    cls = next(t for t in found.types if t.type == "CLS")
    assert set(cls.lost) == haut_allier and not cls.gained
    assert cls.population_lost == removed.population


def test_a_suspension_loses_its_communes_today(sessions):
    before, after = sessions
    found = diff_builds(before, after)
    siao = next(t for t in found.types if t.type == "SIAO")
    lozere = before.tables.communes_of(iri("departement", "48"))
    assert siao.lost and set(siao.lost) <= lozere and not siao.gained
    assert siao.population_lost == before.tables.population(siao.lost)
    assert [t.type for t in found.types] == ["SIAO"]


def test_the_same_build_has_no_change(sessions):
    before, _ = sessions
    found = diff_builds(before, before)
    assert found.changes == [] and found.types == []


def test_pta_to_dac_handover_in_haute_garonne(backend):
    found = diff_dates(backend, "2019-06-01", "2024-06-01", "departement:31")
    by_id = {r.instance: r for r in found.reaches}
    pta, dac = by_id["pta-31"], by_id["dac-31"]
    communes = backend.tables.communes_of(iri("departement", "31"))
    # No source dates the PTA's activity: in 2019 its coverage is in force, its status unknown.
    assert (pta.change, pta.state_before, pta.state_after) == (REMOVED, "statut inconnu", None)
    assert (dac.change, dac.state_before, dac.state_after) == (ADDED, None, "actif")
    assert pta.communes_before == dac.communes_after == len(communes)
    assert dac.sources and all(s["title"] for s in dac.sources)
    assert "depuis le 1er juillet 2022" in dac.status_after
    relay = next(r for r in found.relays if (r.before, r.after) == ("pta-31", "dac-31"))
    assert relay.communes == len(communes) and relay.population == backend.tables.population(communes)
    dac_type = next(t for t in found.types if t.type == "DAC")
    assert set(dac_type.gained) == communes and not dac_type.lost


def test_becoming_known_is_not_gaining(backend):
    """EMPP 31 and the LHSS are first attested after 2019: unknown in 2019, active in 2024. That is a fact
    becoming known, not communes gained; the ILC of Comminges, attested for the whole of 2019, is the same
    on both dates and is no change at all."""
    found = diff_dates(backend, "2019-06-01", "2024-06-01", "departement:31")
    by_id = {r.instance: r for r in found.reaches}
    assert by_id["empp-31"].change == BECAME_KNOWN and by_id["lhss-occitanie"].change == BECAME_KNOWN
    assert "ilc-comminges" not in by_id and "rap-clinique-comminges" not in by_id
    types = {t.type: t for t in found.types}
    communes = backend.tables.communes_of(iri("departement", "31"))
    assert "ILC" not in types
    assert not types["EMPP"].gained and set(types["EMPP"].became_known) == communes
    assert types["EMPP"].population_became_known == backend.tables.population(communes)


def test_no_depuis_carries_an_observation_date(backend):
    """« depuis » is said only of a start a source gives: every status of unknown start says so."""
    found = diff_dates(backend, "2019-06-01", "2024-06-01", "departement:31")
    for reach in found.reaches:
        row = next(c for c in backend.tables.coverages if c.instance == reach.instance)
        for text, day in ((reach.status_before, found.on), (reach.status_after, found.vs)):
            status = rules.status_on(row.lifecycle, day)
            if text and status is not None and status.valid_from is None:
                assert "depuis" not in text.split(" — ")[0] and "début inconnu" in text, (reach.instance, text)
    empp = next(r for r in found.reaches if r.instance == "empp-31")
    assert empp.status_after.startswith("Actif, début inconnu (attesté le 24 mai 2024)")


def _run(settings, *args):
    env = {**os.environ, **settings.environment()}
    return subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, env=env, timeout=300)


def test_cli_defaults_to_the_previous_and_the_live_build(national, edited):
    # The national build, placed before the edited one, is the edited folder's previous build.
    older = current_build(national.data_dir)
    link = edited.data_dir / "builds" / older.name
    if not link.exists():
        link.symlink_to(older, target_is_directory=True)
    done = _run(edited, "diff", "--on", "2015-06-01", "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["before"] == older.name and answer["after"] == current_build(edited.data_dir).name
    assert [(c["kind"], c["key"]) for c in answer["changes"]] == [("instance", REMOVED_ID), ("statut", SUSPENDED_ID)]
    text = _run(edited, "diff", "--on", "2015-06-01")
    assert text.returncode == 0 and "instance retiré : CLS du Haut-Allier" in text.stdout
    dates = _run(edited, "diff", "--on", "2019-06-01", "--vs", "2024-06-01", "--territory", "departement:31")
    assert dates.returncode == 0, dates.stderr
    assert "Relais : pta-31 → dac-31" in dates.stdout
    unknown = _run(edited, "diff", "nulle-part")
    assert unknown.returncode != 0 and "inconnue" in unknown.stderr and "Traceback" not in unknown.stderr


# --- over HTTP (here, beside the two builds they compare) ----------------------------------------------

@pytest.fixture(scope="module")
def client(national, edited):
    from fastapi.testclient import TestClient

    from api.app import create_app

    older = current_build(national.data_dir)
    link = edited.data_dir / "builds" / older.name
    if not link.exists():
        link.symlink_to(older, target_is_directory=True)
    with TestClient(create_app(edited)) as c:
        yield c


def test_changes_since_a_build(client, national):
    since = current_build(national.data_dir).name
    answer = client.get("/v1/changes", params={"since": since})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [(c["kind"], c["key"]) for c in body["changes"]] == [("instance", REMOVED_ID), ("statut", SUSPENDED_ID)]
    assert [t["type"] for t in body["types"]] == ["SIAO"]
    # Haute-Garonne saw neither change.
    local = client.get("/v1/changes", params={"since": since, "territory": "departement:31"}).json()
    assert local["changes"] == [] and local["types"] == []


def test_changes_since_a_date(client):
    body = client.get("/v1/changes", params={"since": "2019-06-01", "territory": "departement:31"}).json()
    assert {"before": "pta-31", "after": "dac-31"}.items() <= next(
        r for r in body["relays"] if r["before"] == "pta-31").items()


def test_bad_since_is_a_french_error(client):
    for since in ("nulle-part", "2019-13-45", "x" * 200):
        answer = client.get("/v1/changes", params={"since": since})
        assert answer.status_code == 422 and answer.json()["message"], since


def test_feed_follows_a_territory(client):
    lozere = client.get("/v1/changes/feed", params={"territory": "departement:48"})
    assert lozere.status_code == 200 and lozere.headers["content-type"].startswith("application/feed+json")
    feed = lozere.json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1" and feed["language"] == "fr"
    titles = [i["title"] for i in feed["items"]]
    assert any(REMOVED_ID in i["id"] for i in feed["items"]) and any("SIAO" in t for t in titles)
    assert all(i["date_published"] for i in feed["items"])
    toulouse = client.get("/v1/changes/feed", params={"territory": "departement:31"}).json()
    assert toulouse["items"] == []
