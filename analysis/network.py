"""The actors' network: who works with whom through the instances they hold roles in.

The graph is bipartite, actors ↔ instances, one edge per actor and instance with its roles. Functions
held by people ("chargé de mission") are roles, not actors, and stay out of the network. Each measure
below is one function naming what it computes and the reference it follows.
"""

from __future__ import annotations

import datetime as dt

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

import networkx as nx
from networkx.algorithms import bipartite

from store.tables import AnalysisData

__all__ = ["ActorScore", "Redundancy", "actor_instance_graph", "actor_projection", "betweenness", "sector_brokerage",
           "communities", "redundancy", "measures", "EXACT_BETWEENNESS_LIMIT"]

#: Above this many actors, betweenness is estimated from this many sampled sources (Brandes & Pich 2007).
EXACT_BETWEENNESS_LIMIT = 1000


@dataclass(frozen=True)
class ActorScore:
    actor: str
    name: str
    sectors: tuple[str, ...]
    instances: int
    degree: int
    betweenness: float
    brokerage: int
    bridged: tuple[str, ...]
    community: int


@dataclass(frozen=True)
class Redundancy:
    actor: str
    name: str
    departement: str
    instances: tuple[str, ...]


def actor_instance_graph(data: AnalysisData, communes: frozenset[str] | None = None, day: dt.date | None = None) -> nx.Graph:
    """The bipartite graph actors (``bipartite=0``) ↔ instances (``bipartite=1``) covering ``communes``
    (with a coverage in force on ``day``, whatever the instance's state; at any time when None).

    Node keys are ``actor:<id>`` and ``instance:<id>``; an edge carries the sorted ``roles``.
    """
    inside = None
    if communes is not None or day is not None:
        inside = {c.instance for c in data.coverages
                  if (day is None or c.in_force(day)) and (communes is None or data.communes_of(c.territory) & communes)}
    names = {c.instance: (c.name, c.type) for c in data.coverages}
    actors: dict[str, dict] = {}
    instances: dict[str, dict] = {}
    roles: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in data.roles:
        if inside is not None and r.instance not in inside:
            continue
        a, i = f"actor:{r.actor}", f"instance:{r.instance}"
        actors[a] = {"bipartite": 0, "name": r.name, "kind": r.kind, "sectors": tuple(sorted(r.sectors))}
        name, type_ = names.get(r.instance, (r.instance, ""))
        instances[i] = {"bipartite": 1, "name": name, "type": type_}
        roles[(a, i)].add(r.role)
    g: nx.Graph = nx.Graph()
    g.add_nodes_from(actors.items())
    g.add_nodes_from(instances.items())
    g.add_edges_from((a, i, {"roles": tuple(sorted(found))}) for (a, i), found in roles.items())
    return g


def actor_projection(g: nx.Graph) -> nx.Graph:
    """Actors linked when they share an instance; ``weight`` = number of instances shared.

    ``networkx.bipartite.weighted_projected_graph`` (Newman 2001, "Scientific collaboration networks",
    unnormalised count of shared neighbours). A territory without actors projects to the empty graph
    (networkx refuses an empty partition: it cannot tell it from a wrong one).
    """
    actors = [n for n, d in g.nodes(data=True) if d["bipartite"] == 0]
    if not actors:
        return nx.Graph()
    return bipartite.weighted_projected_graph(g, actors)


def betweenness(p: nx.Graph, seed: int = 42) -> dict[str, float]:
    """Normalised betweenness centrality of each actor in the projection (Brandes 2001, "A faster
    algorithm for betweenness centrality"); hops, not weights, measure distance.

    Exact up to :data:`EXACT_BETWEENNESS_LIMIT` actors; beyond, estimated from that many sampled
    sources (Brandes & Pich 2007, "Centrality estimation in large networks"), seeded so runs agree.
    """
    k = None if p.number_of_nodes() <= EXACT_BETWEENNESS_LIMIT else EXACT_BETWEENNESS_LIMIT
    return nx.betweenness_centrality(p, k=k, normalized=True, seed=seed)


def sector_brokerage(p: nx.Graph) -> dict[str, tuple[int, tuple[str, ...]]]:
    """Brokerage across sectors: for each actor, the pairs of its partners that are not partners of each
    other and share no sector (sanitaire, social, médico-social), and the sectors it bridges.

    An undirected reading of Gould & Fernandez (1989), "Structures of mediation: a formal approach to
    brokerage in transaction networks": open two-paths u – v – w where u and w belong to different
    groups (their liaison and itinerant roles together). Partners without a known sector are left out.
    """
    out = {}
    for v in p:
        partners = [u for u in p[v] if p.nodes[u]["sectors"]]
        count, bridged = 0, set()
        for u, w in combinations(partners, 2):
            su, sw = set(p.nodes[u]["sectors"]), set(p.nodes[w]["sectors"])
            if not (su & sw) and not p.has_edge(u, w):
                count += 1
                bridged |= su | sw
        out[v] = (count, tuple(sorted(bridged)))
    return out


def communities(p: nx.Graph, seed: int = 42) -> dict[str, int]:
    """Community of each actor: Louvain modularity maximisation on the weighted projection (Blondel et
    al. 2008, "Fast unfolding of communities in large networks"), seeded; numbered by decreasing size."""
    found = nx.community.louvain_communities(p, weight="weight", seed=seed) if p.number_of_edges() else [{n} for n in p]
    ordered = sorted(found, key=lambda c: (-len(c), min(c)))
    return {n: i for i, group in enumerate(ordered) for n in group}


def redundancy(data: AnalysisData, g: nx.Graph, threshold: int = 3, communes: frozenset[str] | None = None) -> list[Redundancy]:
    """Actors holding roles in at least ``threshold`` instances covering the same département (of
    ``communes``, default all): the "redundant interventions" the seeds describe. Counts instances."""
    wanted = None if communes is None else {data.communes[c].departement for c in communes}
    deps_of: dict[str, set[str]] = defaultdict(set)
    deps_of_territory: dict[str, set[str]] = {}
    for c in data.coverages:
        if c.territory not in deps_of_territory:
            deps_of_territory[c.territory] = {data.communes[code].departement for code in data.communes_of(c.territory)}
        deps_of[c.instance] |= deps_of_territory[c.territory]
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for a, d in g.nodes(data=True):
        if d["bipartite"] != 0:
            continue
        for i in g[a]:
            instance = i.split(":", 1)[1]
            for dep in deps_of.get(instance, ()):
                if wanted is not None and dep not in wanted:
                    continue
                found[(a, dep)].add(instance)
    out = [Redundancy(a.split(":", 1)[1], g.nodes[a]["name"], dep, tuple(sorted(ids)))
           for (a, dep), ids in found.items() if len(ids) >= threshold]
    return sorted(out, key=lambda r: (-len(r.instances), r.departement, r.actor))


def measures(data: AnalysisData, communes: frozenset[str] | None = None, threshold: int = 3, day: dt.date | None = None):
    """Every measure for the actors of ``communes`` (of the instances covering on ``day``, or at some
    time): per-actor scores and the redundancies."""
    g = actor_instance_graph(data, communes, day)
    p = actor_projection(g)
    between, brokers, groups = betweenness(p), sector_brokerage(p), communities(p)
    scores = [
        ActorScore(
            actor=a.split(":", 1)[1], name=p.nodes[a]["name"], sectors=p.nodes[a]["sectors"], instances=g.degree(a),
            degree=p.degree(a), betweenness=round(between[a], 6), brokerage=brokers[a][0], bridged=brokers[a][1],
            community=groups[a],
        )
        for a in p
    ]
    scores.sort(key=lambda s: (-s.betweenness, -s.brokerage, -s.instances, s.actor))
    return scores, redundancy(data, g, threshold, communes)
