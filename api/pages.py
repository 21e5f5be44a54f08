"""Lists as pages with an opaque cursor, and the same answers as tables for a planner's spreadsheet:
CSV, CSV for French Excel (``;`` and a byte-order mark) and XLSX (``core.tabular``).

A cursor is the position of the next item and a fingerprint of the question's filters, encoded so that
clients treat it as a token: a cursor reused with other filters is refused rather than silently
skipping items. Lists are small (hundreds of instances, at most a few thousand communes) and computed
per request, so an offset is exact within a build. The ``next`` link is a path (``/v1/instances?…``),
or starts with the ``public_url`` setting when it is set: never with what a request's ``Host`` header
says, which any client may set (:func:`link`).

``format=`` is honoured or refused on every route: a route with a table form declares :data:`FORMAT`
(a record too: :func:`record_response`), and :func:`formats_offered`, a dependency of the whole app,
refuses with 406 a ``format`` that the route does not declare, rather than answering JSON to a client
that asked for a table.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from fastapi import Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from core import jsonable
from core.errors import FormatNotOffered, InvalidQuery
from core.tabular import to_csv, to_xlsx
from queries.knowledge import TypeAnswer

from .limits import CURSOR as CURSOR_LENGTH
from .models import Responses

__all__ = ["Page", "paginate", "wants_csv", "csv_response", "table_format", "table_response", "record_response", "link",
           "formats_offered", "FORMAT", "CURSOR", "LIMIT", "CSV_CONTENT", "XLSX"]

T = TypeVar("T")

FORMAT = Query(None, pattern="^(json|csv|csv-excel|xlsx)$",
               description="json (défaut), csv, csv-excel (point-virgule et BOM, pour Excel en français) ou xlsx ; "
                           "les en-têtes Accept: text/csv ou le type XLSX suffisent aussi")
CURSOR = Query(None, max_length=CURSOR_LENGTH, description="Curseur opaque de la page suivante (champ `next` de la page précédente)")
LIMIT = Query(50, ge=1, le=500, description="Nombre d'éléments par page")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT: Responses = {200: {"content": {"text/csv": {"schema": {"type": "string"}},
                                 XLSX: {"schema": {"type": "string", "format": "binary"}}}}}


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="Nombre d'éléments de la liste entière")
    next: str | None = Field(description="Adresse de la page suivante, ou null à la fin")
    answers: list[TypeAnswer] | None = Field(None, description=(
        "Pour une liste de dispositifs : ce que le registre sait du territoire pour chaque type demandé "
        "(dispositifs connus, recensé aucun trouvé, type non recensé ici, hors registre) et la règle "
        "nationale qui prévoit un type qu'il n'a pas trouvé ; une liste vide n'est jamais muette"))


def _fingerprint(request: Request) -> str:
    params = sorted((k, v) for k, v in request.query_params.multi_items() if k not in ("cursor", "limit"))
    return hashlib.sha256(json.dumps([request.url.path, params]).encode()).hexdigest()[:12]


def _encode(offset: int, fingerprint: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset, "f": fingerprint}).encode()).decode().rstrip("=")


def _decode(cursor: str, fingerprint: str) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        offset = data["o"]
        same = data["f"] == fingerprint
    except (ValueError, KeyError, TypeError):
        raise InvalidQuery(f"Curseur « {cursor} » illisible : reprenez le lien `next` d'une page.") from None
    if not isinstance(offset, int) or offset < 0 or not same:
        raise InvalidQuery("Curseur d'une autre liste : reprenez le lien `next` de cette liste.")
    return offset


def paginate(request: Request, items: Sequence[Any], cursor: str | None, limit: int,
             answers: list[TypeAnswer] | None = None) -> dict:
    """The page of ``items`` that ``cursor`` points at, with the link to the next one (and, for a list of
    instances, what the registry knows there: ``answers``)."""
    fingerprint = _fingerprint(request)
    offset = _decode(cursor, fingerprint) if cursor else 0
    end = offset + limit
    following = request.url.include_query_params(cursor=_encode(end, fingerprint))
    next_link = link(request, f"{following.path}?{following.query}") if end < len(items) else None
    page = {"items": jsonable.plain(list(items[offset:end])), "total": len(items), "next": next_link}
    if answers is not None:
        page["answers"] = jsonable.plain(answers)
    return page


def link(request: Request, target: str) -> str:
    """``target`` (a path and its query) as the service gives links: on ``public_url`` if set, else as it is."""
    return request.app.state.service.settings.public_url.rstrip("/") + target


def table_format(request: Request, format: str | None) -> str | None:
    """The table a request asks for (``csv``, ``csv-excel``, ``xlsx``), or None for JSON."""
    if format is not None:
        return None if format == "json" else format
    accept = request.headers.get("accept", "")
    return "xlsx" if XLSX in accept else "csv" if "text/csv" in accept else None


def table_response(items: Sequence[Any], filename: str, kind: str = "csv") -> Response:
    """``items`` as a downloadable table of ``kind`` (see :func:`table_format`)."""
    if kind == "xlsx":
        return Response(to_xlsx(items, filename), media_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'})
    excel = kind == "csv-excel"
    text = to_csv(items, delimiter=";" if excel else ",", bom=excel)
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})


def record_response(request: Request, record: Any, filename: str, format: str | None,
                    answer: Callable[[Any], Any] | None = None) -> Any:
    """One record as the table the request asks for (one row: :func:`table_response`), else as it is
    (or as ``answer`` makes it)."""
    kind = table_format(request, format)
    if kind:
        return table_response([record], filename, kind)
    return answer(record) if answer is not None else record


def _query_parameters(dependant) -> set[str]:
    """The query parameters a route reads, its dependencies' included."""
    found = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        found |= _query_parameters(sub)
    return found


async def formats_offered(request: Request) -> None:
    """Refuse (406) a ``format`` parameter that the route does not declare: it would be ignored."""
    asked = request.query_params.get("format")
    route = request.scope.get("route")
    if asked is None or route is None or not hasattr(route, "dependant"):
        return
    declared = getattr(route, "declares_format", None)  # found once per route
    if declared is None:
        declared = "format" in _query_parameters(route.dependant)
        route.declares_format = declared
    if not declared:
        raise FormatNotOffered(f"Format « {asked} » non proposé à cette adresse : elle répond dans un seul format "
                               "(JSON, ou celui que dit sa documentation) ; retirez « format ».")


def wants_csv(request: Request, format: str | None) -> bool:
    """Whether a table (any of :func:`table_format`'s) is asked for."""
    return table_format(request, format) is not None


def csv_response(items: Sequence[Any], filename: str, request: Request | None = None,
                 format: str | None = None) -> Response:
    """The table the request asks for (CSV when no request is given)."""
    kind = table_format(request, format) if request is not None else None
    return table_response(items, filename, kind or "csv")
