# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Haute-Garonne : le réseau des acteurs, les chevauchements, les ILC 0-12 ans
#
# Ce carnet interroge le graphe publié (`maillage build`) par la bibliothèque `maillage`, comme la
# ligne de commande et l'API : il ne recalcule rien lui-même. Les figures sont écrites dans
# `MAILLAGE_FIGURES` (par défaut `notebooks/figures/`).

# %%
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import networkx as nx

from maillage.analysis import load
from maillage.analysis.ask import gap_rows, gaps_in, network_of, overlaps_in
from maillage.analysis.network import actor_instance_graph, actor_projection
from maillage.analysis.scope import scope_communes
from maillage.store.session import open_backend
from maillage.core.settings import Settings

FIGURES = Path(os.environ.get("MAILLAGE_FIGURES", "figures"))
FIGURES.mkdir(parents=True, exist_ok=True)
backend = open_backend(Settings.from_env())
TERRITORY = "departement:31"

# %% [markdown]
# ## Qui fait le lien ? Intermédiarité et courtage entre secteurs
# L'intermédiarité (Brandes 2001) mesure combien de plus courts chemins entre acteurs passent par un
# acteur ; le courtage compte les paires de partenaires de secteurs différents qu'il est seul à relier
# (Gould et Fernandez 1989).

# %%
network = network_of(backend, TERRITORY)
print(f"{len(network.actors)} acteurs")
for a in network.actors[:10]:
    print(f"{a.name[:60]:<60} intermédiarité {a.betweenness:.3f}  courtage {a.brokerage}  communauté {a.community}")

# %%
data = load(backend)
_, communes = scope_communes(backend, data, TERRITORY)
projection = actor_projection(actor_instance_graph(data, communes))
scores = {f"actor:{a.actor}": a for a in network.actors}
colours = {"sanitaire": "tab:red", "social": "tab:blue", "medico-social": "tab:green"}
layout = nx.spring_layout(projection, seed=31, weight="weight")
fig, ax = plt.subplots(figsize=(11, 8))
nx.draw_networkx_edges(projection, layout, ax=ax, alpha=0.3,
                       width=[projection.edges[e]["weight"] for e in projection.edges])
nx.draw_networkx_nodes(
    projection, layout, ax=ax,
    node_color=[colours.get((projection.nodes[n]["sectors"] or ("?",))[0], "lightgrey") for n in projection],
    node_size=[150 + 3000 * scores[n].betweenness for n in projection],
)
top = sorted(projection, key=lambda n: -scores[n].betweenness)[:8]
nx.draw_networkx_labels(projection, layout, labels={n: scores[n].name[:28] for n in top}, font_size=8, ax=ax)
ax.set_title("Haute-Garonne : acteurs reliés par les dispositifs partagés (taille = intermédiarité)")
ax.axis("off")
fig.savefig(FIGURES / "hg-reseau-acteurs.png", dpi=110, bbox_inches="tight")

# %% [markdown]
# ## Acteurs présents dans de nombreux dispositifs du département

# %%
for r in network.redundancies:
    print(f"{r.name} : {len(r.instances)} dispositifs — {', '.join(r.instances)}")

# %% [markdown]
# ## Chevauchements : des instances aux fonctions proches sur les mêmes communes

# %%
found = overlaps_in(backend, TERRITORY).overlaps
for o in found[:10]:
    print(f"{o.score:.2f}  {o.a_type} {o.a_name[:40]} ↔ {o.b_type} {o.b_name[:40]} — {o.reason}, {len(o.communes)} communes")
fig, ax = plt.subplots(figsize=(9, 4))
ax.barh([f"{o.a} ↔ {o.b}"[:60] for o in found[:12]][::-1], [o.score for o in found[:12]][::-1], color="tab:orange")
ax.set_xlabel("score (part de la population du plus petit × part des âges communs)")
ax.set_title("Chevauchements les plus forts en Haute-Garonne")
fig.savefig(FIGURES / "hg-chevauchements.png", dpi=110, bbox_inches="tight")

# %% [markdown]
# ## Les ILC pour les 0-12 ans : territoires pilotes et reste du département (2020)
# Le RAP 31 concentre l'expérimentation sur le Lauragais et Toulouse-Sud, après le Comminges. Son
# rapport vaut recensement des ILC du département : ailleurs, l'absence d'ILC est une lacune connue.

# %%
ilc = gaps_in(backend, TERRITORY, type="ILC", ages="0-12", on="2020-06-01")
[report] = ilc.reports
print({status: f"{population:,} hab." for status, population in report.population.items()})
statuses = {row["code"]: row["statut"] for row in gap_rows(backend, ilc)}
print("Muret :", statuses["31395"], "— Saint-Gaudens :", statuses["31483"], "— Toulouse :", statuses["31555"])
fig, ax = plt.subplots(figsize=(6, 3))
ax.bar(list(report.population), list(report.population.values()), color=["tab:green", "tab:red", "lightgrey"])
ax.set_ylabel("population municipale")
ax.set_title("ILC 0-12 ans en Haute-Garonne, 2020")
fig.savefig(FIGURES / "hg-ilc-0-12.png", dpi=110, bbox_inches="tight")
