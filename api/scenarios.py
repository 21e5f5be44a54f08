"""What if: ``POST /v1/scenarios`` answers a scenario of hypothetical changes against the build served.

Public and without a token, since nothing is written: the scenario is applied to a copy of the analysis
tables in memory (``analysis.whatif``), never to the registry nor to the data folder. Like the other
public posts, it is JSON only (415 otherwise; a page of another site would need a preflight, which is
refused: ``api/caching.py``), at most ``scenario_kb`` (413 beyond, read before anything else), nested
at most ``limits.JSON_DEPTH`` levels (checked by ``limits.RequestBounds``), and each of its rules is
checked with a French message naming the entry (``analysis.scenario``). A scenario costs a few hundred
milliseconds of CPU and, a POST, is never answered from the kept answers: one runs at a time in its
own gate (``api/gate.py``), ``query_queue`` more wait, the next is answered 503 at once, so that a flood
of scenarios never holds the thread pool the other routes answer from.

The answer is JSON, or one of its tables (``format=csv``, ``csv-excel``; ``table=`` chooses which), or
an XLSX workbook holding every table, one sheet each.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from analysis.scenario import read_scenario
from analysis.whatif import TABLES, WhatIf, tables_of, what_if
from core.errors import InvalidQuery, NotJson, ScenarioTooLarge
from core.tabular import to_xlsx_book
from store.session import Session

from .answer import Answer
from .models import ERRORS, ErrorBody
from .pages import CSV_CONTENT, FORMAT, XLSX, table_format, table_response
from .service import Service, backend, service

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["analyse"])

EXAMPLE = {"on": "2026-12-01", "title": "Une CPTS sur la CC du Gévaudan",
           "changes": [{"kind": "new", "type": "CPTS", "ages": "0-120", "publics": ["tout-public"],
                        "perimeter": ["epci:244800470"]},
                       {"kind": "end", "instance": "dac-31"}]}


async def _body(request: Request, svc: Service) -> object:
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "application/json":
        raise NotJson("Scénario refusé : il s'envoie en JSON (en-tête « Content-Type: application/json »).")
    limit = svc.settings.scenario_kb * 1024
    declared = request.headers.get("content-length", "")
    too_large = ScenarioTooLarge(f"Scénario trop grand : {svc.settings.scenario_kb} ko au plus (MAILLAGE_SCENARIO_KB).")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    body = await request.body()
    if len(body) > limit:
        raise too_large
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidQuery("Scénario refusé (corps de la requête) : JSON illisible.") from None


@router.post("/scenarios", response_model=WhatIf,
             responses={**ERRORS, **CSV_CONTENT, 413: {"model": ErrorBody, "description": "Scénario trop grand"},
                        415: {"model": ErrorBody, "description": "Scénario envoyé autrement qu'en JSON"},
                        503: {"model": ErrorBody, "description": "Trop de scénarios en cours : réessayer (Retry-After)"}},
             summary="Et si… : lacunes et chevauchements que changeraient des dispositifs hypothétiques (sans écriture)",
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                 "schema": {"type": "object"}, "example": EXAMPLE}}}})
async def post_scenario(request: Request,
                        format: str | None = FORMAT,
                        table: str = Query("communes", pattern=f"^({'|'.join(TABLES)})$",
                                           description="Pour csv et csv-excel : la table rendue (departements, "
                                                       "mouvements, communes, chevauchements) ; xlsx les rend toutes"),
                        b: Session = Depends(backend), svc: Service = Depends(service)):
    """Un ou plusieurs changements hypothétiques (« kind » : new, un nouveau dispositif — type, âges, publics,
    dates, état et périmètre en communes, EPCI ou territoires ; end, la fin d'un dispositif ; perimeter, un
    périmètre agrandi (« add ») ou réduit (« remove »)), calculés en mémoire sur la construction en service à
    la date « on » : par département, type et âges, les communes et la population qui passent d'un état à
    l'autre (lacune, inconnu, couvert, en projet…), et les chevauchements créés, supprimés ou modifiés avec
    leurs scores. Rien n'est écrit, ni dans le registre ni ailleurs. Forme du scénario : docs/what-if.md."""
    raw = await _body(request, svc)
    scenario = read_scenario(raw, "corps de la requête")
    gate = svc.gate("scenarios", "calcul des scénarios", 1)
    timeout = float(svc.settings.query_timeout)
    answer = await gate.run(what_if, b, scenario, wait=timeout, deadline=2 * timeout + 5)
    kind = table_format(request, format)
    if kind == "xlsx":
        return Response(to_xlsx_book(tables_of(answer)), media_type=XLSX,
                        headers={"Content-Disposition": 'attachment; filename="scenario.xlsx"'})
    if kind:
        return table_response(tables_of(answer)[table], f"scenario-{table}", kind)
    return Answer(answer)
