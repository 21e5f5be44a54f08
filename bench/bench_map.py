"""Benchmark: Occitanie's layer drawn in Chromium from a cold page, today's map against the map before,
and the map's data for a whole région in one request against one request per département.

Run: ``.venv/bin/python bench/bench_map.py [--data-dir var] [--rounds 15] [--pages 7] [--before 7ab0fc6]``
(without ``--data-dir``, a national build is made first in a temporary folder).

**In Chromium** (Debian's, through Playwright, as the browser test): the map before (``--before``: its
``api/static/carte`` taken from git, served at ``/carte-avant/`` by the same service) and today's
(``/carte/``) open ``#r=76&t=DAC&on=2024-06-01`` in a fresh browser context each time (an empty cache:
a cold page), alternately, ``--pages`` times each; the time is from the navigation to the layer drawn
(``data-couche=prete``: every commune coloured). Printed: the p50 of each and their ratio — goal ≤ 1.5 s
for today's map —, the same seen by the page's own clock (``performance.now()`` when the layer is said
drawn, CPU throttling off: the page's work without the browser's start), and the bytes of the API's
answers per page.

**Over HTTP**:
The map of Occitanie needs the state of each of its communes: one request to
``/v1/layers/coverage?territory=region:76`` (what the map sends for a région view), or one per
département (``territory=departement:09``, ``…:11``… the 13 of them, what a map limited to one
département would have needed). Both are timed over HTTP against the real service (uvicorn on
loopback, started here on the national build), alternately, ``--rounds`` times, with a
few filters (type, ages, date) so that no answer is the same twice in a row. Printed: the p50 of each
and their ratio ``région / (13 départements)`` — goal ≤ 0.5 — and the région's absolute p50 — goal
≤ 150 ms. Nothing is asserted: a measurement on a shared machine (the load average is printed).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the service harness the tests use
sys.path.insert(0, str(ROOT / "bench"))
FILTERS = [{"type": "DAC", "on": "2024-06-01"}, {"type": "ILC", "ages": "0-12", "on": "2020-06-01"},
           {"on": "2024-06-01"}, {"type": "CPTS", "on": "2023-01-01"}]


def _get(url: str, territory: str, filters: dict) -> int:
    query = urllib.parse.urlencode({"territory": territory, **filters})
    with urllib.request.urlopen(f"{url}/v1/layers/coverage?{query}", timeout=60) as response:
        return len(json.loads(response.read())["communes"])


def main() -> None:
    from _national import national_settings, parser_for
    from running import running_service

    parser = parser_for(__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--pages", type=int, default=7, help="cold pages of each map in Chromium")
    parser.add_argument("--before", default="7ab0fc6", help="the commit of the map to compare with (default: the map when issue 34 was filed)")
    args = parser.parse_args()
    settings, tmp = national_settings(args.data_dir, "maillage-bench-map-", args.registry)
    try:
        _in_chromium(settings, args.pages, args.before, running_service)
        _measure(settings, args.rounds, running_service)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _old_map(commit: str, into: Path) -> Path:
    """The map's static files at ``commit``, unpacked in ``into``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "api/static/carte"], check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "api" / "static" / "carte"


# The page's own clock when the layer is first said drawn (performance.now(): from the navigation's start).
READY_CLOCK = """new MutationObserver(() => {
  if (document.body && document.body.dataset.couche === "prete" && window.__prete === undefined) window.__prete = performance.now();
}).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-couche"] });"""


def _cold_page(browser, url: str) -> tuple[float, float, int, int]:
    """From a cold page's navigation to Occitanie's layer drawn: seconds seen from outside, seconds of
    the page's own clock (CPU throttling off), the communes drawn and the bytes of the API's answers."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        context.add_init_script(READY_CLOCK)
        page = context.new_page()
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 1})
        started = time.perf_counter()
        page.goto(url + "#r=76&t=DAC&on=2024-06-01")
        page.wait_for_selector("body[data-couche=prete]", timeout=120_000)
        elapsed = time.perf_counter() - started
        inside = page.evaluate("window.__prete") / 1000
        sent = page.evaluate("""performance.getEntriesByType("resource").filter((r) => r.name.includes("/v1/"))
            .reduce((n, r) => n + r.encodedBodySize, 0)""")
        return elapsed, inside, page.locator("path.commune").count(), sent
    finally:
        context.close()


def _in_chromium(settings, pages: int, before: str, running_service) -> None:
    from playwright.sync_api import sync_playwright

    print(f"charge moyenne au début : {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="maillage-carte-avant-") as folder:
        old = _old_map(before, Path(folder))
        env = {"MAILLAGE_BENCH_MAP_BEFORE": str(old)}
        with running_service(settings, app="_map_before:create_app", app_dir=str(ROOT / "bench"), env=env) as url, \
                sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"])
            try:
                _cold_page(browser, url + "/carte/")  # warm-up of the server's own caches (not the browser's)
                _cold_page(browser, url + "/carte-avant/")
                times: dict[str, list[float]] = {"avant": [], "maintenant": []}
                inside: dict[str, list[float]] = {"avant": [], "maintenant": []}
                sent: dict[str, int] = {}
                drawn = set()
                for _ in range(pages):
                    for name, path in (("avant", "/carte-avant/"), ("maintenant", "/carte/")):
                        elapsed, clock, communes, sent[name] = _cold_page(browser, url + path)
                        times[name].append(elapsed)
                        inside[name].append(clock)
                        drawn.add(communes)
                assert len(drawn) == 1, drawn  # both maps drew the same communes
            finally:
                browser.close()
    old_p50, new_p50 = statistics.median(times["avant"]), statistics.median(times["maintenant"])
    print(f"Occitanie, couche DAC ({drawn.pop()} communes dessinées), page froide dans Chromium, {pages} pages de chaque "
          "carte, en alternance :")
    print(f"  carte d'avant ({before})  p50 {old_p50:6.2f} s   ({', '.join(f'{t:.2f}' for t in times['avant'])})")
    print(f"  carte d'aujourd'hui     p50 {new_p50:6.2f} s   ({', '.join(f'{t:.2f}' for t in times['maintenant'])})"
          "   (objectif ≤ 1,5 s)")
    print(f"  rapport aujourd'hui / avant : {new_p50 / old_p50:.2f}")
    old_in, new_in = statistics.median(inside["avant"]), statistics.median(inside["maintenant"])
    print(f"  horloge de la page (performance.now() à data-couche=prete) : avant p50 {old_in:.2f} s, "
          f"aujourd'hui p50 {new_in:.2f} s, rapport {new_in / old_in:.2f}")
    print(f"  octets reçus de l'API par page : avant {sent['avant']:,}, aujourd'hui {sent['maintenant']:,}".replace(",", " "))
    print(f"charge moyenne à la fin : {os.getloadavg()[0]:.2f}")


def _measure(settings, rounds: int, running_service) -> None:
    print(f"charge moyenne au début : {os.getloadavg()[0]:.2f}")
    with running_service(settings) as url:
        departements = sorted({c["code"][:2] for c in json.loads(urllib.request.urlopen(
            f"{url}/v1/layers/coverage?territory=region:76").read())["communes"]})
        region_times, split_times = [], []
        for filters in FILTERS:  # warm-up: every path taken once
            _get(url, "region:76", filters)
        for n in range(rounds):
            filters = FILTERS[n % len(FILTERS)]
            started = time.perf_counter()
            whole = _get(url, "region:76", filters)
            region_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            parts = sum(_get(url, f"departement:{d}", filters) for d in departements)
            split_times.append(time.perf_counter() - started)
            assert whole == parts, (whole, parts)
    region, split = statistics.median(region_times), statistics.median(split_times)
    print(f"Occitanie : {whole} communes, {len(departements)} départements, {rounds} tours")
    print(f"  une requête région:76       p50 {region * 1000:8.1f} ms   (objectif ≤ 150 ms)")
    print(f"  {len(departements)} requêtes département    p50 {split * 1000:8.1f} ms")
    print(f"  rapport région / départements : {region / split:.2f}   (objectif ≤ 0,5)")
    print(f"charge moyenne à la fin : {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
