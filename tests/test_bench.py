"""Every script of ``bench/`` runs, in its smallest mode, on the small registry and the small geography
(``tests/geography_cut.py``): what each prints is not checked against a goal (a benchmark measures,
it asserts nothing), only that it ran through and that its own equality checks held.

Slow: each script starts processes of its own (builds, a service, workers); together a few minutes.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from core.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.slow

BENCH = PROJECT_ROOT / "bench"
NATIONAL_FILES = Settings.from_env().documents / "reference" / "national"


def _bench(settings, script: str, *args: str, documents=None) -> str:
    env = {**os.environ, **settings.environment()}
    if documents is not None:  # the real documents folder, where the national files are
        env["MAILLAGE_DOCUMENTS"] = str(documents)
    done = subprocess.run([sys.executable, str(BENCH / script), *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return done.stdout


def test_every_script_is_run_here():
    scripts = {p.name for p in BENCH.glob("bench_*.py")}
    tested = {name for name in globals() if name.startswith("test_bench_")}
    assert {f"test_{s.removesuffix('.py')}" for s in scripts} == tested


def test_bench_who_covers(small_shared):
    out = _bench(small_shared, "bench_who_covers.py", "--data-dir", str(small_shared.data_dir), "--registry",
                 str(small_shared.registry), "--cases", "12", "--naive", "8")
    assert "same answers: yes" in out


def test_bench_build(small_shared):
    out = _bench(small_shared, "bench_build.py", "--registry", str(small_shared.registry), "--naive-limit", "30")
    assert "same graph: True" in out


def test_bench_cards(small_shared):
    out = _bench(small_shared, "bench_cards.py", "--registry", str(small_shared.registry))
    assert "fiches identiques (même JSON) : True" in out


def test_bench_analysis(small_shared, tmp_path):
    out = _bench(small_shared, "bench_analysis.py", "--folder", str(tmp_path / "synthetic"))
    assert out.count("→ OK") == 2, out  # both ways find what the generator planted


def test_bench_cli(small_shared):
    out = _bench(small_shared, "bench_cli.py", "--data-dir", str(small_shared.data_dir), "--runs", "2")
    assert "maillage who-covers Muret" in out


def test_bench_layers(small_shared):
    out = _bench(small_shared, "bench_layers.py", "--data-dir", str(small_shared.data_dir), "--rounds", "1")
    assert "rapport couche / questions" in out


def test_bench_whatif(small_shared):
    out = _bench(small_shared, "bench_whatif.py", "--data-dir", str(small_shared.data_dir), "--rounds", "1")
    assert out.count("rapport scénario / lacunes") == 2, out


def test_bench_map(small_shared):
    out = _bench(small_shared, "bench_map.py", "--data-dir", str(small_shared.data_dir), "--registry",
                 str(small_shared.registry), "--rounds", "1", "--pages", "1")
    assert "rapport région / départements" in out and "rapport aujourd'hui / avant" in out


def test_bench_api(small_shared):
    out = _bench(small_shared, "bench_api.py", "--data-dir", str(small_shared.data_dir), "--seconds", "1",
                 "--connections", "4")
    assert "/ plafond async" in out


def test_bench_hostile(small_shared):
    out = _bench(small_shared, "bench_hostile.py", "--data-dir", str(small_shared.data_dir), "--rounds", "20",
                 "--sparql", "4", "--floods", "1")
    assert "p99 sous attaque / p99 au repos" in out and "431" in out  # the header flood refused as it arrives


@pytest.mark.skipif(not NATIONAL_FILES.is_dir(), reason="the shared documents hold the national files")
def test_bench_national(small_shared):
    out = _bench(small_shared, "bench_national.py", "--data-dir", str(small_shared.data_dir), "--rounds", "2",
                 documents=Settings.from_env().documents)
    assert "point d'accès p50" in out


@pytest.mark.skipif(not NATIONAL_FILES.is_dir(), reason="the shared documents hold the national files")
def test_bench_finess(small_shared):
    out = _bench(small_shared, "bench_finess.py", "--mb", "0.5", documents=Settings.from_env().documents)
    assert "mêmes sièges : oui" in out


@pytest.mark.neo4j
def test_bench_neo4j(small_shared):
    out = _bench(small_shared, "bench_neo4j.py", "--data-dir", str(small_shared.data_dir), "--registry",
                 str(small_shared.registry), "--rounds", "1")
    assert "same coverages from Neo4j and embedded: yes" in out
