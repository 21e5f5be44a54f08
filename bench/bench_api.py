"""Benchmark: the HTTP coverage endpoint under concurrent load, against a trivial endpoint of the same server.

Run: ``.venv/bin/python bench/bench_api.py [--data-dir var] [--seconds 10] [--connections 32] [--workers 1]``

* The service is the real app (``create_app``) on the live build of ``--data-dir`` (``var/`` by default;
  made first if missing), served by uvicorn in its own process on loopback, with two routes added by
  this script only: ``/bench/ceiling`` (``async def`` returning a constant) and ``/bench/ceiling-sync``
  (plain ``def``, so it pays the thread-pool hop the coverage route pays). They are the ceiling: what
  the same server does when the answer costs nothing.
* The load comes from ``wrk`` (Debian's package, installed with apt-get if missing), a C load generator
  in a separate process, so the client's cost is small and not Python's. Each endpoint is loaded for
  ``--seconds`` with ``--connections`` open connections on one thread, after a warm-up. The coverage
  load is measured twice: cycling through 24 questions (communes of every size, age bands and dates,
  a Lua script), which the service answers again from the answers it keeps (``api/caching.py``); and
  through ``--questions`` different questions (every commune of the geography, drawn with
  ``random.Random(0)``), nearly each asked once: the answer computed and encoded every time.
* Printed: requests/s, p50 and p99 latency per endpoint, and coverage/ceiling ratios, with the goals
  (≥ 1,500 req/s on 2 cores, ≥ 0.5× the ceiling, p99 ≤ 20 ms). Nothing is asserted: a measurement.

The machine's two cores are shared by the server, wrk and anything else running: the load average is
printed at the start and the end.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the service harness the tests use
COMMUNES = ["31395", "31555", "31483", "48095", "75056", "13055", "2A004", "97411", "31149", "69123", "59350", "29019"]
AGES = ["0-12", "13-17", "18-59", "60-120", ""]
DATES = ["2019-06-01", "2022-01-01", "2024-06-01"]


def bench_app():
    """The real app plus the two trivial ceiling routes (uvicorn --factory imports this module)."""
    from api.app import create_app

    app = create_app()

    @app.get("/bench/ceiling", include_in_schema=False)
    async def ceiling():
        return {"ok": True}

    @app.get("/bench/ceiling-sync", include_in_schema=False)
    def ceiling_sync():
        return {"ok": True}

    return app


def _wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk absent : installation du paquet Debian…", file=sys.stderr)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    return shutil.which("wrk") or "/usr/bin/wrk"


def _question(commune: str, ages: str, on: str) -> str:
    return f"/v1/who-covers?place={commune}&on={on}" + (f"&ages={ages}" if ages else "")


def _paths_script(folder: Path, paths: list[str], name: str) -> Path:
    script = folder / name
    script.write_text("paths = {" + ", ".join(f'"{p}"' for p in paths) + "}\ni = 0\n"
                      "request = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend\n")
    return script


_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([0-9.]+)(us|ms|s)", text).groups()
    return float(value) * _UNIT[unit]


def run_wrk(wrk: str, url: str, seconds: int, connections: int, script: Path | None = None) -> dict:
    command = [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))  # "2.24s " is padded
    if set(percentiles) != {"50", "99"}:
        raise SystemExit(f"wrk n'a rien mesuré sur {url} :\n{out}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1)),
        "p50": _ms(percentiles["50"]),
        "p99": _ms(percentiles["99"]),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "errors": (int(errors.group(1)) if errors else 0),
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def _cycled(known: set[str]) -> list[str]:
    """24 questions, asked in turn (fewer on a geography without some of these communes)."""
    return [_question(c, a, d) for i, c in enumerate(COMMUNES) if c in known
            for a, d in [(AGES[i % len(AGES)], DATES[i % len(DATES)]), (AGES[(i + 2) % len(AGES)], DATES[(i + 1) % len(DATES)])]]


def _varied(communes: list[str], count: int) -> list[str]:
    """``count`` questions drawn from every commune, age band and date: nearly all different."""
    rng = random.Random(0)
    return [_question(rng.choice(communes), rng.choice(AGES), rng.choice(DATES)) for _ in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(ROOT / "var"))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1, help="processus uvicorn (chacun copie le magasin en mémoire)")
    parser.add_argument("--questions", type=int, default=20_000, help="questions différentes de la deuxième charge")
    args = parser.parse_args()

    from running import running_service  # tests/running.py
    from ingest import geography
    from ingest.build import build
    from store.builds import current_build
    from core.settings import Settings

    settings = Settings.from_env(data_dir=args.data_dir)
    if current_build(settings.data_dir) is None:
        print("Aucune construction : construction nationale…", file=sys.stderr)
        build(settings)
    wrk = _wrk()
    communes = sorted(geography.load(settings.geography).communes)
    print(f"charge moyenne au début : {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp, running_service(settings, app="bench_api:bench_app", workers=args.workers,
                                                               app_dir=str(Path(__file__).parent), timeout=300) as url:
        cycled = _paths_script(Path(tmp), _cycled(set(communes)), "cycled.lua")
        varied = _paths_script(Path(tmp), _varied(communes, args.questions), "varied.lua")
        run_wrk(wrk, url + "/bench/ceiling", 2, args.connections)  # warm-up
        run_wrk(wrk, url + "/", 3, args.connections, cycled)
        results = {
            "plafond (async, constante)": run_wrk(wrk, url + "/bench/ceiling", args.seconds, args.connections),
            "plafond (def, constante)": run_wrk(wrk, url + "/bench/ceiling-sync", args.seconds, args.connections),
            "couverture, 24 questions": run_wrk(wrk, url + "/", args.seconds, args.connections, cycled),
            f"couverture, {args.questions} différentes": run_wrk(wrk, url + "/", args.seconds, args.connections, varied),
        }
    print(f"charge moyenne à la fin : {os.getloadavg()}")
    print(f"\n{args.connections} connexions, {args.seconds} s par point, {args.workers} processus uvicorn, "
          f"{os.cpu_count()} cœurs (partagés avec wrk)\n")
    print(f"{'point':<30} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requêtes':>9} {'erreurs':>8}")
    for name, r in results.items():
        print(f"{name:<30} {r['rps']:>9.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['requests']:>9} {r['errors']:>8} {r['socket_errors']}")
    ceiling, ceiling_sync = results["plafond (async, constante)"], results["plafond (def, constante)"]
    print()
    for name in ("couverture, 24 questions", f"couverture, {args.questions} différentes"):
        cover = results[name]
        print(f"{name} / plafond async : {cover['rps'] / ceiling['rps']:.2f}×   "
              f"/ plafond def : {cover['rps'] / ceiling_sync['rps']:.2f}×   (objectif ≥ 0,5×) ; "
              f"{cover['rps']:.0f} req/s (objectif ≥ 1 500), p99 {cover['p99']:.1f} ms (objectif ≤ 20 ms)")


if __name__ == "__main__":
    main()
