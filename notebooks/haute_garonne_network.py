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
# # Le réseau des acteurs d'un département, ses chevauchements, un type pour une tranche d'âges
#
# Ce carnet interroge le graphe publié (`maillage build`) par la bibliothèque `maillage`
# (`analysis.frames` : des DataFrames), comme la ligne de commande et l'API : il ne recalcule
# rien lui-même. Les paramètres ci-dessous (cellule `parameters`, que papermill ou un test
# remplacent) choisissent le territoire, la date, le type et les âges ; par défaut la Haute-Garonne et
# les ILC pour les 0-12 ans en 2020.

# %% tags=["parameters"]
TERRITORY = "departement:31"  # le territoire du réseau
ON = None                     # la date du réseau et des chevauchements (None : toutes périodes)
TYPE = "ILC"                  # le type de dispositif étudié
AGES = "0-12"                 # sa tranche d'âges
TYPE_ON = "2020-06-01"        # la date de l'étude du type
FIGURES = "figures"           # où les figures sont aussi écrites

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import networkx as nx

from analysis import load
from analysis.ask import GAP_COLOURS
from analysis.gaps import CATEGORIES
from analysis.frames import gap_communes_frame, gaps_frame, network_frame, overlaps_frame, session
from analysis.network import actor_instance_graph, actor_projection
from analysis.scope import scope_communes

figures = Path(FIGURES)
figures.mkdir(parents=True, exist_ok=True)
s = session()

# %% [markdown]
# ## Qui fait le lien ? Intermédiarité et courtage entre secteurs
# L'intermédiarité (Brandes 2001) mesure combien de plus courts chemins entre acteurs passent par un
# acteur ; le courtage compte les paires de partenaires de secteurs différents qu'il est seul à relier
# (Gould et Fernandez 1989).

# %%
actors = network_frame(s, TERRITORY, on=ON)
actors[["name", "betweenness", "brokerage", "community", "sectors"]].head(10)

# %%
data = load(s)
_, communes = scope_communes(s, data, TERRITORY)
projection = actor_projection(actor_instance_graph(data, communes))
betweenness = dict(zip("actor:" + actors["actor"], actors["betweenness"]))
names = dict(zip("actor:" + actors["actor"], actors["name"]))
colours = {"sanitaire": "tab:red", "social": "tab:blue", "medico-social": "tab:green"}
layout = nx.spring_layout(projection, seed=31, weight="weight")
fig, ax = plt.subplots(figsize=(11, 8))
nx.draw_networkx_edges(projection, layout, ax=ax, alpha=0.3, width=[projection.edges[e]["weight"] for e in projection.edges])
nx.draw_networkx_nodes(
    projection, layout, ax=ax,
    node_color=[colours.get((projection.nodes[n]["sectors"] or ("?",))[0], "lightgrey") for n in projection],
    node_size=[150 + 3000 * betweenness.get(n, 0) for n in projection],
)
top = sorted(projection, key=lambda n: -betweenness.get(n, 0))[:8]
nx.draw_networkx_labels(projection, layout, labels={n: names.get(n, n)[:28] for n in top}, font_size=8, ax=ax)
ax.set_title(f"{TERRITORY} : acteurs reliés par les dispositifs partagés (taille = intermédiarité)")
ax.axis("off")
fig.savefig(figures / "reseau-acteurs.png", dpi=110, bbox_inches="tight")

# %% [markdown]
# ## Chevauchements : des instances aux fonctions proches sur les mêmes communes

# %%
overlaps = overlaps_frame(s, TERRITORY, on=ON)
strongest = overlaps.head(12)
fig, ax = plt.subplots(figsize=(9, 4))
ax.barh((strongest["a"] + " ↔ " + strongest["b"]).str[:60][::-1], strongest["score"][::-1], color="tab:orange")
ax.set_xlabel("score (part de la population du plus petit × part des âges communs)")
ax.set_title(f"Chevauchements les plus forts, {TERRITORY}")
fig.savefig(figures / "chevauchements.png", dpi=110, bbox_inches="tight")
overlaps[["score", "a_type", "a_name", "b_type", "b_name", "reason", "communes"]].head(10)

# %% [markdown]
# ## Un type pour une tranche d'âges : couvert, en projet, suspendu, en lacune, inconnu…
# Là où une source vaut recensement des dispositifs du type (le rapport du RAP 31 pour les ILC de
# Haute-Garonne), l'absence est une lacune connue ; ailleurs, elle est inconnue.

# %%
report = gaps_frame(s, TERRITORY, type=TYPE, ages=AGES, on=TYPE_ON)
by_status = [report[f"population_{c}"].sum() if len(report) else 0 for c in CATEGORIES]  # every state, in order
fig, ax = plt.subplots(figsize=(9, 3.5))
ax.bar(CATEGORIES, by_status, color=[GAP_COLOURS[c] for c in CATEGORIES], edgecolor="#555555", linewidth=0.3)
ax.tick_params(axis="x", labelrotation=20)
ax.set_ylabel("population municipale")
ax.set_title(f"{TYPE} {AGES} ans, {TERRITORY}, au {TYPE_ON}")
fig.savefig(figures / "type-ages.png", dpi=110, bbox_inches="tight")
gap_communes_frame(s, TERRITORY, type=TYPE, ages=AGES, on=TYPE_ON).sort_values("population", ascending=False).head(10)
