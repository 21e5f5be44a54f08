"""The maillage command, run as a planner would, in a subprocess: French output, no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def _run(settings, *args):
    env = {**os.environ, **settings.environment()}
    return subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, env=env, timeout=120)


def test_who_covers_json(national):
    done = _run(national, "who-covers", "Muret", "--age", "0-12", "--on", "2024-06-01", "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["commune"]["code"] == "31395"
    assert "ilc-toulouse-sud" in {c["instance_id"] for c in answer["instances"]}


def test_who_covers_text(national):
    done = _run(national, "who-covers", "muret", "--age", "0-12")
    assert done.returncode == 0
    assert "ILC Toulouse-Sud" in done.stdout and "Porteur administratif : RESO" in done.stdout


def test_errors_are_french_without_traceback(national):
    ambiguous = _run(national, "who-covers", "Sainte-Colombe")
    assert ambiguous.returncode == 3 and "précisez le code INSEE" in ambiguous.stderr
    unknown = _run(national, "who-covers", "Murret")
    assert unknown.returncode == 3 and "Vouliez-vous dire : Muret" in unknown.stderr
    bad = _run(national, "who-covers", "Muret", "--age", "12-3")
    assert bad.returncode == 2 and "Âges" in bad.stderr
    for done in (ambiguous, unknown, bad):
        assert "Traceback" not in done.stderr


@pytest.mark.slow  # the command in a child process: an interpreter's start and imports
def test_build_refusal_prints_the_report(small):
    path = small.registry / "31.yaml"
    path.write_text(path.read_text().replace("ages: [0, 12]", "ages: [12, 0]"))
    done = _run(small, "build")
    assert done.returncode == 1
    assert "31.yaml · entrée « ilc-toulouse-sud » · champ « coverage[0].ages »" in done.stderr
    assert "Traceback" not in done.stderr


def test_what_if_from_a_yaml_file(national, tmp_path):
    scenario = tmp_path / "gevaudan.yaml"
    scenario.write_text("on: 2026-12-01\ntitle: Une CPTS du Gévaudan\nchanges:\n"
                        "  - kind: new\n    type: CPTS\n    perimeter: [epci:244800470]\n")
    done = _run(national, "what-if", str(scenario))
    assert done.returncode == 0, done.stderr
    assert "Une CPTS du Gévaudan" in done.stdout and "en projet → couvert : 12 commune(s)" in done.stdout
    table = _run(national, "what-if", str(scenario), "--csv", "communes", "--xlsx", str(tmp_path / "bilan.xlsx"))
    assert table.returncode == 0 and len(table.stdout.splitlines()) == 13 and (tmp_path / "bilan.xlsx").stat().st_size
    scenario.write_text("changes:\n  - kind: end\n    instance: dac-31\n  - kind: end\n    instance: dac-99\n")
    refused = _run(national, "what-if", str(scenario))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "Scénario refusé (gevaudan.yaml, changement 2) : dispositif « dac-99 » inconnu" in refused.stderr


def test_the_network_table_prints_every_actor_whole():
    from analysis.ask import NetworkAnswer
    from analysis.network import ActorScore, Redundancy
    from cli.render_analysis import network_text

    long = "Association départementale pour la sauvegarde de l'enfant à l'adulte (ADSEA 31)"
    actors = [ActorScore(f"a{n}", long if n == 3 else f"Acteur {n}", ("social",), 1, 1, 0.0, 0, (), 0) for n in range(24)]
    text = network_text(NetworkAnswer("departement:31", None, actors, [Redundancy("a3", long, "31", ("x", "y", "z"))]))
    lines = text.splitlines()
    assert lines[0].endswith(": 24 acteur(s)")
    rows = lines[3:3 + 24]
    assert [r.split()[0] for r in rows if r.startswith("Acteur")] == ["Acteur"] * 23
    assert sum(long in r for r in rows) == 1 and f"  {long} — département 31" in text


def test_knowledge_of_france(national):
    done = _run(national, "knowledge", "--type", "CPTS", "--on", "2026-12-01")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Ce que le registre sait de la France, au 1er décembre 2026 (sur ")
    assert any(line.startswith("CPTS : ") and line.endswith("; environ 800 en France (FINESS, juillet 2026)") for line in lines)
    haute_garonne = next(line for line in lines if line.startswith("  31 "))
    assert "Haute-Garonne (Occitanie) — recensé au " in haute_garonne and "CPTS Toulouse Rive Gauche" in haute_garonne
    as_json = json.loads(_run(national, "knowledge", "--type", "CPTS", "--on", "2026-12-01", "--json").stdout)
    assert [t["type"] for t in as_json["types"]] == ["CPTS"]
    unknown = _run(national, "knowledge", "--type", "XYZ")
    assert unknown.returncode != 0 and "Type de dispositif « XYZ » inconnu" in unknown.stderr and "Traceback" not in unknown.stderr
