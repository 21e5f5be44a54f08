"""Routes of the coverage question: who covers a commune, and the same for every commune of a territory."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from core.errors import InvalidQuery, PlaceCandidate
from core.terms import parse_territory
from queries.coverage import CoverageAnswer, coverage_rows, who_covers
from queries.places import named_as_is, resolve_point
from queries.layer import Layer, coverage_layer, merged
from store.session import Session

from .answer import Answer
from . import limits
from .models import ERRORS
from .quick import QuickRoute
from .pages import CSV_CONTENT, FORMAT, csv_response, wants_csv
from .service import backend, service_of

__all__ = ["router", "AGES", "PUBLIC", "ON", "TYPE"]

# QuickRoute: the parameters of a question asked once are the largest part of its cost (api/quick.py)
router = APIRouter(prefix="/v1", tags=["couverture"], route_class=QuickRoute)

AGES = Query(None, max_length=limits.WORD, description="Tranche d'âges, par exemple 0-12 (défaut : tous âges)", examples=["0-12"])
PUBLIC = Query(None, max_length=limits.WORD, description="Public, par exemple enfants (défaut : tous publics)", examples=["enfants"])
ON = Query(None, max_length=limits.WORD, description="Date AAAA-MM-JJ (défaut : aujourd'hui)", examples=["2024-06-01"])
TYPE = Query(None, max_length=limits.WORD, description="Type de dispositif, par exemple ILC", examples=["ILC"])
AREA = Query(max_length=limits.TERRITORY, description="Territoire : departement:31, epci:200068641, territoire:toulouse-sud…",
             examples=["departement:31"])
#: values a repeatable filter may take in one request (each bounded by the query string's own bound)
MANY = 20
PUBLICS = Query(None, max_length=MANY, description="Public(s), par exemple enfants ; répétable (public=enfants&public=adolescents) : "
                                                   "l'un d'eux suffit (défaut : tous publics)", examples=[["enfants"]])
TYPES = Query(None, max_length=MANY, description="Type(s) de dispositif ; répétable (type=CLS&type=CLSM) ou séparés par des "
                                                 "virgules (défaut : tous les types)", examples=[["DAC"]])
STATES = Query(None, max_length=MANY, description="État(s) : actif, en-projet, suspendu, termine, statut-inconnu ; répétable "
                                                  "(défaut : tous)", examples=[["actif"]])
#: territories one layer request may combine (every département of the largest région is 13)
MAX_TERRITORIES = 30
LAT = Query(None, ge=-90, le=90, description="Latitude (WGS 84) d'un point : la commune dont le contour le contient",
            examples=[43.46])
LON = Query(None, ge=-180, le=180, description="Longitude (WGS 84) du point", examples=[1.33])


@router.get("/who-covers", response_model=CoverageAnswer, responses={**ERRORS, **CSV_CONTENT},
            summary="Qui couvre cette commune ?")
async def get_who_covers(
    request: Request,
    place: str | None = Query(None, max_length=limits.PLACE,
                              description="Nom de commune, code INSEE, code postal, arrondissement municipal, "
                                          "commune déléguée ou ancien code (ou bien lat et lon)",
                              examples=["Muret", "31395", "75115"]),
    lat: float | None = LAT,
    lon: float | None = LON,
    ages: str | None = AGES,
    public: list[str] | None = PUBLICS,
    on: str | None = ON,
    type: list[str] | None = TYPES,
    state: list[str] | None = STATES,
    format: str | None = FORMAT,
):
    """Chaque dispositif dont une couverture en vigueur atteint la commune, un par dispositif : son état à la
    date (actif, en projet, suspendu, terminé, statut inconnu), son dernier constat (« à confirmer » au-delà
    de la fenêtre de fraîcheur du type), sa fiabilité, ses couvertures avec leur chemin (commune ∈ EPCI ∈
    territoire…) et leur périmètre (déduit ou non), l'historique, les rôles et les sources ; et ce que le
    registre sait de la commune (`knowledge` : recensée, ou hors registre). Quand le lieu demandé n'est pas
    la commune elle-même (code postal, commune déléguée…), `commune.note` dit comment il a été lu. Un
    arrondissement municipal de Paris, Lyon ou Marseille (`13214`, « Marseille 14e ») est répondu pour
    lui-même : `commune.level` vaut `arrondissement`, avec `commune.commune` et `commune.commune_name` ; à
    l'inverse, un dispositif qui n'atteint la commune que par certains de ses arrondissements porte
    `arrondissements` (leurs codes) et `partial` (« partiel : couvre 3 des 16 arrondissements … »)."""
    # The service and its session taken here, not as dependencies: FastAPI solves each dependency of
    # each request anew (a third of this route's cost for a question asked once; decision 0112).
    svc, b = service_of(request), await backend(request)
    where: str | PlaceCandidate
    if lat is not None or lon is not None:
        if lat is None or lon is None:
            raise InvalidQuery("Indiquez lat et lon ensemble (degrés WGS 84), ou bien place.")
        where = await run_in_threadpool(resolve_point, b, svc.settings.data_dir, lat, lon)
    elif place is None:
        raise InvalidQuery("Paramètre manquant ou invalide : place (ou lat et lon).")
    else:
        where = place
    if b.answers_from_memory and (not isinstance(where, str) or named_as_is(b, where)):
        # Tens of microseconds from the coverage index: less than the thread pool's hop would cost. A
        # name the index does not hold goes to the pool: its suggestions are a fuzzy search of every name.
        answer = who_covers(b, where, ages=ages, public=public, on=on, type=type, state=state)
    else:
        answer = await run_in_threadpool(who_covers, b, where, ages=ages, public=public, on=on, type=type, state=state)
    if wants_csv(request, format):
        return csv_response(coverage_rows(answer), f"couverture-{answer.commune.code}", request, format)
    # Returned as is: the answer is already the typed dataclass of the schema, and revalidating it on
    # every request is the service's main cost under load.
    return Answer(answer)


@router.get("/layers/coverage", response_model=Layer, responses={**ERRORS, **CSV_CONTENT},
            summary="Couverture de chaque commune d'un ou plusieurs territoires (couche de carte)")
def get_coverage_layer(
    request: Request,
    territory: list[str] = Query(max_length=MAX_TERRITORIES,
                                 description="Territoire(s) : departement:31, region:76, epci:200068641, "
                                             "territoire:toulouse-sud… ; répétable (plusieurs départements)",
                                 examples=[["departement:31"]]),
    type: list[str] | None = TYPES,
    ages: str | None = AGES,
    public: str | None = PUBLIC,
    on: str | None = ON,
    format: str | None = FORMAT,
    b: Session = Depends(backend),
):
    """Pour chaque commune son statut (couverte, en-projet, suspendue, inconnue, non-couverte, type-non-recense,
    hors-registre) et par quels dispositifs (d'un ou plusieurs types) ; `counts` compte les communes de chaque
    statut (les nombres de la légende et de la ligne d'état de la carte), `colours` donne leur couleur, `rules`
    les règles nationales qui prévoient un type que la couche ne trouve pas. Quand une couverture retenue
    nomme un arrondissement municipal d'une commune de la couche, `arrondissements` donne le statut de chaque
    arrondissement de cette commune (la carte les dessine sur elle)."""
    parsed = [parse_territory(t) for t in territory[:MAX_TERRITORIES]]
    layer = merged([coverage_layer(b, kind, code, type=type, ages=ages, public=public, on=on) for kind, code in parsed])
    if wants_csv(request, format):
        return csv_response(layer.communes, "couverture-" + "-".join(f"{k}-{c}" for k, c in parsed), request, format)
    return Answer(layer)
