"""The answers an analyst reuses, as pandas DataFrames: what the notebooks call.

Each function asks the same question as the CLI and the API (``analysis.ask``, the coverage
layer, who covers) and returns its rows as a DataFrame with French column values, ready for
``groupby``, ``plot`` or ``to_excel``. pandas is imported when a function is called, so that the read
path (a server, a one-shot command) never loads it; it comes with the ``notebooks`` extra.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, fields

from core.settings import Settings
from queries.coverage import coverage_rows, who_covers
from queries.layer import coverage_layer
from store.session import Session, open_backend

from .network import ActorScore
from .overlaps import Overlap
from .ask import gap_layer, gap_rows, gaps_in, network_of, overlaps_in

__all__ = ["session", "gaps_frame", "gap_communes_frame", "network_frame", "overlaps_frame", "layer_frame",
           "coverage_frame"]


def _frame(rows, columns: list[str] | None = None):
    """A DataFrame of ``rows``; with ``columns``, an empty answer keeps its columns (a notebook can
    still select and plot them)."""
    import pandas as pd

    rows = list(rows)
    return pd.DataFrame(rows, columns=columns) if columns is not None and not rows else pd.DataFrame(rows)


def session(**settings: object) -> Session:
    """A session on the published build (``MAILLAGE_*`` settings, overridden by ``settings``)."""
    return open_backend(Settings.from_env(**settings))


def gaps_frame(s: Session, territory: str | None = None, type: str | None = None, ages: str | None = None,
               public: str | None = None, on: str | dt.date | None = None):
    """One row per département and type: population and communes covered, in gap, unknown."""
    answer = gaps_in(s, territory, type, ages, public, on)
    return _frame(
        {"departement": r.departement, "departement_name": r.departement_name, "type": r.type,
         "ages": f"{r.ages[0]}-{r.ages[1]}", "public": r.public, "on": r.on, "expected": r.expected,
         **{f"population_{k}": v for k, v in r.population.items()},
         **{f"communes_{k}": len(v) for k, v in r.communes.items()}}
        for r in answer.reports
    )


def gap_communes_frame(s: Session, territory: str | None = None, type: str | None = None, ages: str | None = None,
                       public: str | None = None, on: str | dt.date | None = None):
    """One row per commune and type: its population and status (couvert, lacune, inconnu)."""
    return _frame(gap_rows(s, gaps_in(s, territory, type, ages, public, on)))


def network_frame(s: Session, territory: str | None = None, threshold: int = 3, on: str | dt.date | None = None):
    """One row per actor: betweenness, brokerage, community, sectors (joined with ", ")."""
    return _frame(({**asdict(a), "sectors": ", ".join(a.sectors), "bridged": ", ".join(a.bridged)}
                   for a in network_of(s, territory, threshold, on).actors), [f.name for f in fields(ActorScore)])


def overlaps_frame(s: Session, territory: str | None = None, on: str | dt.date | None = None):
    """One row per pair of overlapping instances, with its score and reason (communes counted)."""
    return _frame(({**{k: v for k, v in asdict(o).items() if k != "communes"}, "communes": len(o.communes)}
                   for o in overlaps_in(s, territory, on).overlaps), [f.name for f in fields(Overlap)])


def layer_frame(s: Session, territory: str, layer: str = "coverage", type: str | None = None, ages: str | None = None,
                public: str | None = None, on: str | dt.date | None = None):
    """The map's layer as a table: one row per commune, its status and the instances (joined)."""
    if layer == "gaps":
        found = gap_layer(s, territory, type, ages, public, on)
    else:
        kind, _, code = territory.partition(":")
        found = coverage_layer(s, kind, code, type=type, ages=ages, public=public, on=on)
    return _frame({"code": c.code, "commune": c.name, "status": c.status, "instances": ", ".join(c.instances)}
                  for c in found.communes)


def coverage_frame(s: Session, place: str, ages: str | None = None, public: str | None = None,
                   on: str | dt.date | None = None, type: str | None = None):
    """Who covers a commune, one row per instance and coverage: its state, freshness, the territory it
    names and why it reaches the commune (``queries.coverage.coverage_rows``, the CSV's rows)."""
    return _frame(coverage_rows(who_covers(s, place, ages=ages, public=public, on=on, type=type)))
