"""Benchmark: the FINESS reader on a full-size national flux, streamed against read whole.

Run: ``.venv/bin/python bench/bench_finess.py [--mb 50] [--whole-limit-mb 8192]``

The national "structures" flux is about 50 MB compressed, monthly; only a sample of it is beside the
repository (``../shared/reference/national/finess-structures-sample-2026-08.json.gz``, 1,753
establishments). The bench writes a flux of the same schema into a temporary folder: the sample's
legal entities over and over, indented as the sample is, each copy's FINESS numbers made its own
(``690021878`` → ``690021878.7``), gzip level 6, until the compressed file reaches ``--mb``. Then, each in its own Python process (so each
peak is its own):

* **streamed** — ``finess.read`` as the build calls it: the flux parsed as it is read
  (``finess.establishments``);
* **whole** — the same ``read`` over ``whole_establishments`` (``tests/oracles.py``): ``json.load`` of the whole file
  first, as the reader did before. Its process is limited to ``--whole-limit-mb`` of address space
  (``RLIMIT_AS``) so that it cannot take the machine's memory; past it, the run says so.

Printed for each: establishments read, seats kept, wall time, establishments per second, peak resident
memory while reading (``VmHWM``, reset once the geography is loaded) and its increase over the
resident set before reading;
then the ratios and whether both gave the same seats (a digest of every seat).
"""

from __future__ import annotations

import argparse
import gc
import gzip
import hashlib
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the whole-file reader, the tests' oracle

_NUMBER = re.compile(r'("numFinessEge": ")([^"]*)(")')


def _status_mib(field: str) -> float:
    """``VmRSS`` (resident now) or ``VmHWM`` (its peak) of this process, from /proc (Linux), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    """Start the peak (``VmHWM``) again from the resident set now, so that the geography's load is not
    the reading's peak (Linux ≥ 4.0; elsewhere the peak is the process's)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def generate(sample: Path, target: Path, megabytes: float) -> tuple[int, int]:
    """Write a flux of the sample's schema at ``target`` until it is ``megabytes`` compressed; the
    establishments written and the copies of the sample."""
    with gzip.open(sample, "rb") as handle:
        flux = json.load(handle)
    # indented as the published flux is (the sample is): the compressed size then holds as many
    # establishments as the national file's does
    entities = [json.dumps(pmej, ensure_ascii=False, indent=2) for pmej in flux["pmej"]]
    per_copy = sum(len(pmej.get("ege", [])) for pmej in flux["pmej"])
    head = {k: v for k, v in flux.items() if k != "pmej"}
    limit, copies = megabytes * 2**20, 0
    with open(target, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6) as out:
        out.write(json.dumps(head, ensure_ascii=False)[:-1].encode() + b', "pmej": [')
        while copies == 0 or raw.tell() < limit:
            for i, text in enumerate(entities):
                if copies:
                    text = _NUMBER.sub(lambda m: f"{m[1]}{m[2]}.{copies}{m[3]}", text)
                out.write(((", " if copies or i else "") + text).encode())
            copies += 1
        out.write(b"]}")
    return per_copy * copies, copies


def _child(mode: str, path: Path) -> None:
    """Read ``path`` one way and print what it took, as JSON (run in a process of its own)."""
    from core.settings import Settings
    from ingest import finess, geography, national_sources
    from oracles import whole_establishments

    geo = geography.load(Settings.from_env().geography)
    desc = national_sources.source("finess").description
    gc.collect()
    _reset_peak()
    before = _status_mib("VmRSS")
    started = time.perf_counter()
    records = whole_establishments(path) if mode == "whole" else None
    read = finess.read(desc, path, "0" * 64, geo, records)
    seconds = time.perf_counter() - started
    digest = hashlib.sha256(repr((read.seats, sorted(read.skipped.items()))).encode()).hexdigest()
    print(json.dumps({"rows": read.rows, "seats": len(read.seats), "seconds": seconds, "before": before,
                      "peak": _status_mib("VmHWM"), "digest": digest}))


def _run(mode: str, path: Path, limit_mb: int | None) -> dict | None:
    def limited() -> None:
        if limit_mb:
            resource.setrlimit(resource.RLIMIT_AS, (limit_mb * 2**20, limit_mb * 2**20))

    done = subprocess.run([sys.executable, __file__, "--child", mode, str(path)], capture_output=True, text=True,
                          preexec_fn=limited, env=os.environ.copy())
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        print(f"{mode} : échec ({last[:200]})")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=50, help="taille compressée du flux écrit (Mo)")
    parser.add_argument("--whole-limit-mb", type=int, default=8192, help="mémoire adressable du processus « whole »")
    parser.add_argument("--sample", type=Path, default=None, help="l'échantillon FINESS (défaut : celui des documents)")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], Path(args.child[1]))
        return
    from core.settings import Settings
    from ingest import national_sources

    desc = national_sources.source("finess").description
    sample = args.sample or Settings.from_env().documents / desc["file"]
    print(f"charge : {os.getloadavg()[0]:.2f} ; échantillon {sample.name}")
    with tempfile.TemporaryDirectory(prefix="maillage-bench-finess-") as folder:
        path = Path(folder) / "finess-structures-full.json.gz"
        started = time.perf_counter()
        rows, copies = generate(sample, path, args.mb)
        with gzip.open(path, "rb") as handle:
            plain = sum(len(chunk) for chunk in iter(lambda: handle.read(2**20), b""))
        print(f"flux écrit : {rows:,} établissements ({copies} copies), {path.stat().st_size / 2**20:.1f} Mo compressés, "
              f"{plain / 2**20:.0f} Mo de JSON, en {time.perf_counter() - started:.1f} s")
        streamed = _run("stream", path, None)
        whole = _run("whole", path, args.whole_limit_mb)
    for mode, got in (("streamed", streamed), ("whole", whole)):
        if got:
            print(f"{mode} : {got['rows']:,} établissements → {got['seats']:,} sièges, {got['seconds']:.1f} s = "
                  f"{got['rows'] / got['seconds']:,.0f} établissements/s ; pic {got['peak']:,.0f} Mio "
                  f"(+{got['peak'] - got['before']:,.0f} Mio pour la lecture)")
    if streamed and whole:
        print(f"rapport temps streamed / whole : {streamed['seconds'] / whole['seconds']:.2f} ; "
              f"rapport mémoire de lecture streamed / whole : "
              f"{(streamed['peak'] - streamed['before']) / max(whole['peak'] - whole['before'], 1):.3f}")
        print(f"mêmes sièges : {'oui' if streamed['digest'] == whole['digest'] else 'NON'}")
    elif streamed:
        print(f"whole : au-delà de {args.whole_limit_mb:,} Mio d'adresses, le flux lu en entier ne tient pas")
    if not streamed:
        sys.exit(1)


if __name__ == "__main__":
    main()
