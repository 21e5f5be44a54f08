"""A synthetic national registry for scale: deterministic, seeded, marked synthetic in every record.

It is never mixed with the real registry: it is written to its own folder (``maillage synthetic``
writes ``var/synthetic/registry/``), every file says ``synthetic: true`` (so every node read from it
carries ``m:synthetic true``), and a registry that mixes synthetic and real files is refused.

The plan, for each département, over *tiles* (the communes of one EPCI inside the département, or the
communes outside any EPCI):

* one DAC, SIAO, PTSM and MDPH for the whole département (the types a national rule of
  ``ontology/expectations.ttl`` expects everywhere, with EMPP), one CPTS and one each of CLS, CLSM, PASS, LHSS,
  ACT and LAM per tile: types tile the country without overlapping;
* **planted gaps**: in some départements a tile is left out of the DAC, in others out of the CPTS;
  every département declares an inventory of its DAC, SIAO, PTSM and MDPH, and most of their CPTS, so an
  uncovered commune is a gap where a CPTS inventory exists and unknown where none does;
* **planted overlaps**: a second CPTS on a tile (same type); a PTA active while the DAC is (related
  types); an LHSS for all precarious people beside one for homeless people (a broader public); an EMSP
  inside the département of an EMPP (related types);
* **near misses** that must *not* be flagged: a second PASS for other ages, a second LHSS for an
  unrelated public, a PTA that ended before the DAC began.

:func:`generate` returns the ground truth (:class:`Truth`) computed from this plan, not from the
analysis, so tests and benchmarks can check that every planted overlap and gap is found, and no other.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from core import atomic

from .geography import Geography

__all__ = ["Truth", "generate", "write"]

SOURCE = "synthetique"
FILLERS = ("CLS", "CLSM", "PASS", "LHSS", "ACT", "LAM")
START = "2020-01-01"
DAC_START = "2022-07-01"


@dataclass
class Truth:
    """What the plan put in: the overlaps (pairs of instance ids) and, per (département, type), the
    communes left uncovered where an inventory exists (gaps) and where none does (unknown)."""

    seed: int
    instances: int = 0
    overlaps: list[tuple[str, str]] = field(default_factory=list)
    near_misses: list[tuple[str, str]] = field(default_factory=list)
    gaps: dict[str, list[str]] = field(default_factory=dict)  # "31|CPTS" -> commune codes
    unknown: dict[str, list[str]] = field(default_factory=dict)


def _cite(excerpt: str) -> dict:
    return {"ref": SOURCE, "excerpt": excerpt}


def _tiles(geo: Geography, communes: list) -> list[tuple[str, list[str], list[str]]]:
    """(id, territory references, commune codes) of each tile of a département's ``communes``: an EPCI
    inside it, the part of an EPCI that crosses its border, or the communes outside any EPCI."""
    by_epci: dict[str | None, list[str]] = defaultdict(list)
    for c in communes:
        by_epci[c.epci].append(c.code)
    tiles = []
    for epci, codes in sorted(by_epci.items(), key=lambda kv: (kv[0] is None, kv[0] or "")):
        whole = epci is not None and len(codes) == len(geo.epcis[epci][2])
        refs = [f"epci:{epci}"] if whole else [f"commune:{c}" for c in codes]
        tiles.append((epci or "hors-epci", refs, codes))
    return tiles


def _instance(ident: str, type_: str, refs: list[str], *, ages=(0, 120), publics=("tout-public",), start=START,
              end=None, status_end=None, actors=(), name=None) -> dict:
    coverage = [{"territory": ref, "ages": list(ages), "publics": list(publics), "from": start,
                 "source": _cite(f"couverture {ident}")} for ref in refs]
    if end:
        for c in coverage:
            c["to"] = end
    status = [{"value": "active", "from": start, "source": _cite(f"statut {ident}")}]
    if status_end:
        status[0]["to"] = status_end
        status.append({"value": "ended", "from": status_end, "source": _cite(f"fin {ident}")})
    roles = [{"role": role, "actor": actor, "from": start, "source": _cite(f"rôle {ident}")} for role, actor in actors]
    return {"id": ident, "type": type_, "name": name or f"{type_} synthétique {ident}", "confidence": "inferred",
            "source": _cite(f"dispositif {ident}"), "status": status, "roles": roles, "coverage": coverage}


def generate(geo: Geography, seed: int = 2026, regions: list[str] | None = None) -> tuple[dict[str, dict], Truth]:
    """The registry documents (file name → YAML data) and their ground truth."""
    rng = random.Random(seed)
    truth = Truth(seed)
    docs: dict[str, dict] = {}
    by_dep: dict[str, list] = defaultdict(list)
    for c in sorted(geo.communes.values(), key=lambda c: c.code):
        by_dep[c.departement].append(c)
    for region in sorted(regions or geo.regions):
        deps = sorted(d for d, (_, r) in geo.departements.items() if r == region)
        if not deps:
            continue
        doc: dict[str, Any] = {"scope": {"region": region}, "synthetic": True,
               "sources": {SOURCE: {"title": f"Registre synthétique généré (graine {seed}) : données fictives",
                                    "url": "https://w3id.org/maillage/synthetic", "date": "2026-01-01"}},
               "actors": [], "instances": [], "inventories": [],
               # the generator "has looked" at its whole région for every type: uncovered communes
               # outside an inventory are unknown, never out of the registry
               "surveyed": [{"id": f"syn-survey-{region.lower()}", "territory": f"region:{region}", "as_of": "2026-01-01"}]}
        ars = f"syn-ars-{region.lower()}"
        doc["actors"].append({"id": ars, "name": f"ARS synthétique {region}", "kind": "institution",
                              "sector": ["sanitaire", "medico-social"], "source": _cite(f"acteur {ars}")})
        for dep in deps:
            _departement(dep, _tiles(geo, by_dep[dep]), doc, ars, rng, truth)
        docs[f"region-{region}.yaml"] = doc
    truth.instances = sum(len(d["instances"]) for d in docs.values())
    return docs, truth


def _departement(dep: str, tiles: list, doc: dict, ars: str, rng: random.Random, truth: Truth) -> None:
    d = dep.lower()
    actors = {
        "cd": ("collectivite", ["social", "medico-social"]), "ch": ("etablissement-sante", ["sanitaire"]),
        "asso": ("association", ["social"]), "ccas": ("collectivite", ["social"]),
    }
    for key, (kind, sectors) in actors.items():
        ident = f"syn-{key}-{d}"
        doc["actors"].append({"id": ident, "name": f"{key.upper()} synthétique {dep}", "kind": kind,
                              "sector": sectors, "source": _cite(f"acteur {ident}")})
    carrier = lambda i: (("carrier", f"syn-{('ch', 'asso', 'ccas')[i % 3]}-{d}"), ("funder", ars))  # noqa: E731
    codes_of = {tile: codes for tile, _, codes in tiles}
    add = doc["instances"].append
    # Planted gaps: which tile each of DAC and CPTS leaves out here, if any.
    dac_gap = tiles[rng.randrange(len(tiles))][0] if len(tiles) > 1 and rng.random() < 0.15 else None
    cpts_gap = tiles[rng.randrange(len(tiles))][0] if len(tiles) > 1 and rng.random() < 0.3 else None
    cpts_inventoried = rng.random() < 0.8
    dep_ref = [f"departement:{dep}"]
    dac_refs = dep_ref if dac_gap is None else [r for t, refs, _ in tiles if t != dac_gap for r in refs]
    add(_instance(f"syn-dac-{d}", "DAC", dac_refs, start=DAC_START, actors=(("carrier", f"syn-asso-{d}"), ("funder", ars))))
    add(_instance(f"syn-siao-{d}", "SIAO", dep_ref, publics=("personnes-sans-domicile",), actors=(("operator", f"syn-ccas-{d}"),)))
    add(_instance(f"syn-ptsm-{d}", "PTSM", dep_ref, actors=(("pilot", f"syn-ch-{d}"), ("partner", f"syn-cd-{d}"))))
    add(_instance(f"syn-empp-{d}", "EMPP", dep_ref, publics=("personnes-precaires",), actors=(("operator", f"syn-ch-{d}"),)))
    add(_instance(f"syn-mdph-{d}", "MDPH", dep_ref, actors=(("operator", f"syn-cd-{d}"),)))
    for type_ in ("DAC", "SIAO", "PTSM", "MDPH") + (("CPTS",) if cpts_inventoried else ()):
        doc["inventories"].append({"id": f"syn-inv-{type_.lower()}-{d}", "type": type_, "territory": f"departement:{dep}",
                                   "as_of": "2025-01-01", "source": _cite(f"recensement {type_} {dep}")})
    if dac_gap is not None:
        truth.gaps[f"{dep}|DAC"] = codes_of[dac_gap]
    if cpts_gap is not None:
        (truth.gaps if cpts_inventoried else truth.unknown)[f"{dep}|CPTS"] = codes_of[cpts_gap]
    for i, (tile, refs, _) in enumerate(tiles):
        t = f"{d}-{tile.lower()}"
        if tile != cpts_gap:
            add(_instance(f"syn-cpts-{t}", "CPTS", refs, actors=carrier(i)))
        for type_ in FILLERS:
            publics = {"PASS": ("personnes-sans-couverture-sociale",), "LHSS": ("personnes-sans-domicile",)}.get(type_, ("tout-public",))
            ages = (18, 120) if type_ == "PASS" else (0, 120)
            add(_instance(f"syn-{type_.lower()}-{t}", type_, refs, ages=ages, publics=publics, actors=carrier(i + 1)))
        _plant(t, tile, refs, i, dep, d, dac_gap, cpts_gap, add, rng, truth, carrier)


def _plant(t, tile, refs, i, dep, d, dac_gap, cpts_gap, add, rng, truth, carrier) -> None:
    """Overlaps and near misses on one tile, each with a fixed small probability."""
    roll = rng.random()
    if roll < 0.04 and tile != cpts_gap:
        add(_instance(f"syn-cpts-bis-{t}", "CPTS", refs, start="2023-01-01", actors=carrier(i)))
        truth.overlaps.append((f"syn-cpts-{t}", f"syn-cpts-bis-{t}"))
    elif roll < 0.06 and tile != dac_gap:
        add(_instance(f"syn-pta-{t}", "PTA", refs, start="2021-01-01", end="2023-06-30", actors=carrier(i)))
        truth.overlaps.append((f"syn-dac-{d}", f"syn-pta-{t}"))
    elif roll < 0.08:
        add(_instance(f"syn-lhss-bis-{t}", "LHSS", refs, publics=("personnes-precaires",), actors=carrier(i)))
        truth.overlaps.append((f"syn-lhss-{t}", f"syn-lhss-bis-{t}"))
    elif roll < 0.10:
        add(_instance(f"syn-emsp-{t}", "EMSP", refs, publics=("personnes-sans-domicile",), actors=carrier(i)))
        truth.overlaps.append((f"syn-empp-{d}", f"syn-emsp-{t}"))
    elif roll < 0.12:
        add(_instance(f"syn-pass-bis-{t}", "PASS", refs, ages=(0, 17), publics=("personnes-sans-couverture-sociale",), actors=carrier(i)))
        truth.near_misses.append((f"syn-pass-{t}", f"syn-pass-bis-{t}"))
    elif roll < 0.14:
        add(_instance(f"syn-lhss-ter-{t}", "LHSS", refs, publics=("personnes-troubles-psychiques",), actors=carrier(i)))
        truth.near_misses.append((f"syn-lhss-{t}", f"syn-lhss-ter-{t}"))
    elif roll < 0.16 and tile != dac_gap:
        add(_instance(f"syn-pta-old-{t}", "PTA", refs, start="2018-01-01", status_end="2022-06-30", actors=carrier(i)))
        truth.near_misses.append((f"syn-dac-{d}", f"syn-pta-old-{t}"))


def write(docs: dict[str, dict], truth: Truth, folder: Path) -> None:
    """Write the registry files and ``truth.json`` beside the ``registry/`` folder (replaced whole)."""
    registry = folder / "registry"
    registry.mkdir(parents=True, exist_ok=True)
    for old in registry.glob("*.yaml"):
        old.unlink()
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    for name, doc in docs.items():
        text = "# Synthetic registry (maillage synthetic): fictitious data, never mixed with the real registry.\n"
        text += yaml.dump(doc, Dumper=dumper, allow_unicode=True, sort_keys=False, default_flow_style=None, width=200)
        atomic.write_text(registry / name, text)
    atomic.write_text(folder / "truth.json", json.dumps(asdict(truth), ensure_ascii=False, indent=1))
