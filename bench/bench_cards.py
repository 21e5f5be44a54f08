"""Benchmark: each coverage's card, asked of an in-memory store with ``instance_card`` (the way of the
build before, and the reference) against read from the registry's index graph (``ingest.card_rows``).

Run: ``.venv/bin/python bench/bench_cards.py [--registry DIR]`` (default: the real registry; the synthetic
national one, ``maillage synthetic var/synthetic``, takes a few minutes to read and measure).

Both ways in the same process, one after the other, on one core: the store's load (N-Triples of the registry and its
territories, the vocabulary) and the chunked SPARQL question, then the index's reading and the cards.
It prints the seconds (wall, and CPU: on a busy machine the first grows, not the second), the
milliseconds a coverage, their ratio, and whether the cards are the same JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    from card_equal import coverage_pairs, reference_session

    from core.settings import Settings
    from ingest import geography
    from ingest.build import table_documents
    from ingest.publish import card_facts, cards_of_graph
    from ingest.registry import read_registry
    from ingest.validate import referenced_territories

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", type=Path, default=ROOT / "registry")
    args = parser.parse_args()
    settings = Settings.from_env(registry=args.registry)
    print(f"charge moyenne au début : {os.getloadavg()[0]:.2f}")
    started = time.perf_counter()
    geo = geography.load(settings.geography)
    reg = read_registry(settings.registry, geo, table_documents(settings, geo), settings.documents)  # listings too
    territories = "".join(referenced_territories(reg, geo))
    print(f"registre lu en {time.perf_counter() - started:.1f} s")

    started, cpu = time.perf_counter(), time.process_time()
    session = reference_session(reg.graph, territories)
    pairs = coverage_pairs(session)
    labels = session.concepts
    loaded = time.perf_counter() - started
    reference = card_facts(session, pairs)
    asked, asked_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    ours = cards_of_graph(reg.graph, territories, pairs, labels)
    read, read_cpu = time.perf_counter() - started, time.process_time() - cpu

    n = len(pairs)
    print(f"{n} couvertures")
    print(f"SPARQL (magasin en mémoire) : {asked:.2f} s (CPU {asked_cpu:.2f} s) dont chargement {loaded:.2f} s, "
          f"{asked / n * 1000:.3f} ms par couverture")
    print(f"index du registre          : {read:.2f} s (CPU {read_cpu:.2f} s), {read / n * 1000:.3f} ms par couverture")
    same = ours == reference and all(json.dumps(ours[k]) == json.dumps(card) for k, card in reference.items())
    print(f"rapport : {asked / read:.1f}×; fiches identiques (même JSON) : {same}")
    print(f"charge moyenne à la fin : {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
