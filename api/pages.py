"""Lists as pages with an opaque cursor, and the same answers as CSV for a planner's spreadsheet.

A cursor is the position of the next item and a fingerprint of the question's filters, encoded so that
clients treat it as a token: a cursor reused with other filters is refused rather than silently
skipping items. Lists are small (hundreds of instances, at most a few thousand communes) and computed
per request, so an offset is exact within a build.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from fastapi import Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from maillage.core import jsonable
from maillage.core.errors import InvalidQuery
from maillage.core.tabular import to_csv

from .limits import CURSOR as CURSOR_LENGTH

__all__ = ["Page", "paginate", "wants_csv", "csv_response", "FORMAT", "CURSOR", "LIMIT", "CSV_CONTENT"]

T = TypeVar("T")

FORMAT = Query(None, pattern="^(json|csv)$", description="json (défaut) ou csv ; l'en-tête Accept: text/csv suffit aussi")
CURSOR = Query(None, max_length=CURSOR_LENGTH, description="Curseur opaque de la page suivante (champ `next` de la page précédente)")
LIMIT = Query(50, ge=1, le=500, description="Nombre d'éléments par page")
CSV_CONTENT = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="Nombre d'éléments de la liste entière")
    next: str | None = Field(description="Adresse de la page suivante, ou null à la fin")


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


def paginate(request: Request, items: Sequence[Any], cursor: str | None, limit: int) -> dict:
    """The page of ``items`` that ``cursor`` points at, with the link to the next one."""
    fingerprint = _fingerprint(request)
    offset = _decode(cursor, fingerprint) if cursor else 0
    end = offset + limit
    link = str(request.url.include_query_params(cursor=_encode(end, fingerprint))) if end < len(items) else None
    return {"items": jsonable.plain(list(items[offset:end])), "total": len(items), "next": link}


def wants_csv(request: Request, format: str | None) -> bool:
    if format is not None:
        return format == "csv"
    return "text/csv" in request.headers.get("accept", "")


def csv_response(items: Sequence[Any], filename: str) -> Response:
    return Response(to_csv(items), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})
