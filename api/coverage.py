"""Routes of the coverage question: who covers a commune, and the same for every commune of a territory."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from maillage.core.terms import parse_territory
from maillage.queries.coverage import CoverageAnswer, coverage_rows, who_covers
from maillage.queries.places import named_as_is
from maillage.queries.layer import Layer, coverage_layer
from maillage.store.session import Session

from .answer import Answer
from . import limits
from .models import ERRORS
from .pages import CSV_CONTENT, FORMAT, csv_response, wants_csv
from .service import backend

__all__ = ["router", "AGES", "PUBLIC", "ON", "TYPE"]

router = APIRouter(prefix="/v1", tags=["couverture"])

AGES = Query(None, max_length=limits.WORD, description="Tranche d'âges, par exemple 0-12 (défaut : tous âges)", examples=["0-12"])
PUBLIC = Query(None, max_length=limits.WORD, description="Public, par exemple enfants (défaut : tous publics)", examples=["enfants"])
ON = Query(None, max_length=limits.WORD, description="Date AAAA-MM-JJ (défaut : aujourd'hui)", examples=["2024-06-01"])
TYPE = Query(None, max_length=limits.WORD, description="Type de dispositif, par exemple ILC", examples=["ILC"])
AREA = Query(max_length=limits.TERRITORY, description="Territoire : departement:31, epci:200068641, territoire:toulouse-sud…",
             examples=["departement:31"])


@router.get("/who-covers", response_model=CoverageAnswer, responses={**ERRORS, **CSV_CONTENT},
            summary="Qui couvre cette commune ?")
async def get_who_covers(
    request: Request,
    place: str = Query(max_length=limits.PLACE, description="Nom de commune ou code INSEE", examples=["Muret", "31395"]),
    ages: str | None = AGES,
    public: str | None = PUBLIC,
    on: str | None = ON,
    type: str | None = Query(None, max_length=limits.WORD, description="Type de dispositif, par exemple DAC (défaut : tous)",
                              examples=["DAC"]),
    format: str | None = FORMAT,
    b: Session = Depends(backend),
):
    """Chaque dispositif dont une couverture en vigueur atteint la commune, un par dispositif : son état à la
    date (actif, en projet, suspendu, terminé, statut inconnu), son dernier constat (« à confirmer » au-delà
    de la fenêtre de fraîcheur du type), sa fiabilité, ses couvertures avec leur chemin (commune ∈ EPCI ∈
    territoire…) et leur périmètre (déduit ou non), l'historique, les rôles et les sources ; et ce que le
    registre sait de la commune (`knowledge` : recensée, ou hors registre)."""
    if b.answers_from_memory and named_as_is(b, place):
        # Tens of microseconds from the coverage index: less than the thread pool's hop would cost. A
        # name the index does not hold goes to the pool: its suggestions are a fuzzy search of every name.
        answer = who_covers(b, place, ages=ages, public=public, on=on, type=type)
    else:
        answer = await run_in_threadpool(who_covers, b, place, ages=ages, public=public, on=on, type=type)
    if wants_csv(request, format):
        return csv_response(coverage_rows(answer), f"couverture-{answer.commune.code}")
    # Returned as is: the answer is already the typed dataclass of the schema, and revalidating it on
    # every request is the service's main cost under load.
    return Answer(answer)


@router.get("/layers/coverage", response_model=Layer, responses={**ERRORS, **CSV_CONTENT},
            summary="Couverture de chaque commune d'un territoire (couche de carte)")
def get_coverage_layer(
    request: Request,
    territory: str = AREA,
    type: str | None = TYPE,
    ages: str | None = AGES,
    public: str | None = PUBLIC,
    on: str | None = ON,
    format: str | None = FORMAT,
    b: Session = Depends(backend),
):
    """Pour chaque commune : `couverte` ou `non-couverte`, et par quels dispositifs."""
    kind, code = parse_territory(territory)
    layer = coverage_layer(b, kind, code, type=type, ages=ages, public=public, on=on)
    if wants_csv(request, format):
        return csv_response(layer.communes, f"couverture-{kind}-{code}")
    return Answer(layer)

