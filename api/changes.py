"""What changed, over HTTP: since a build or a date, and a JSON Feed a DAC follows for its territory.

``since`` is a build's folder name (the records changed from that build to the live one) or a date
AAAA-MM-JJ (the instances of the territory as they stood that day against today, on the live build).
The feed lists, for each build kept on disk, the changes from the build before it, restricted to a
territory. Old builds are opened read-only and kept open, a few at a time (they stay on disk until
pruned), so that the feed does not read them again for every reader.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from pathlib import Path

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from core.settings import VERSION
from analysis.diff import (BuildDiff, DateDiff, diff_builds, diff_dates, finished_builds, live_or_named,
                                    open_build, type_reach_text)
from core import jsonable
from core.dates import looks_like_date
from core.errors import InvalidQuery
from store.builds import build_info, current_build
from store.session import Session

from .analysis import TERRITORY
from .answer import Answer
from .models import ERRORS
from .pages import link
from .service import backend, service_of

__all__ = ["router", "FEED_TYPE"]

router = APIRouter(prefix="/v1", tags=["changements"])

FEED_TYPE = "application/feed+json"
#: builds held open at once: the live one and those kept beside it (see ``store.builds.KEEP``)
_OPEN = 4
_lock = threading.Lock()


def _session(request: Request, build: Path) -> Session:
    opened: OrderedDict[Path, Session] = request.app.state.__dict__.setdefault("change_sessions", OrderedDict())
    with _lock:
        if build in opened:
            opened.move_to_end(build)
            return opened[build]
        while len(opened) >= _OPEN:
            _, old = opened.popitem(last=False)
            old.close()
        opened[build] = open_build(build)
        return opened[build]


def changes_since(request: Request, since: str, territory: str | None, live: Session) -> BuildDiff | DateDiff:
    svc = service_of(request)
    if looks_like_date(since):
        return diff_dates(live, since, dt.date.today(), territory)
    first, second = live_or_named(svc.settings.data_dir, since), svc.served_build()  # the build the routes answer from
    return diff_builds(_session(request, first), _session(request, second), None, (first.name, second.name), territory)


@router.get("/changes", response_model=BuildDiff | DateDiff, responses=ERRORS,
            summary="Ce qui a changé depuis une construction ou une date")
def get_changes(request: Request,
                since: str = Query(description="Nom d'une construction (dossier sous builds/) ou date AAAA-MM-JJ",
                                   examples=["2019-06-01"], max_length=64),
                territory: str | None = TERRITORY, b: Session = Depends(backend)):
    """Depuis une construction : dispositifs, couvertures, statuts, rôles et sources ajoutés, retirés ou
    modifiés, et par type les communes et la population gagnées ou perdues. Depuis une date : les
    dispositifs du territoire dont l'état ou les communes ont changé depuis ce jour, avec leur statut,
    leurs sources et les relais (un dispositif remplacé par un autre sur les mêmes communes)."""
    return Answer(changes_since(request, since, territory, b))


@router.get("/builds", summary="Les constructions gardées, la plus récente d'abord")
def get_builds(request: Request):
    """Les constructions qu'on peut comparer (``since`` de /v1/changes) : nom, date, et laquelle est servie."""
    svc = service_of(request)
    data_dir = svc.settings.data_dir
    live_name = svc.served_build().name if current_build(data_dir) is not None else None
    return {"items": [{"name": p.name, "created": build_info(p).get("created"), "live": p.name == live_name}
                      for p in reversed(finished_builds(data_dir))]}


def _items(diff: BuildDiff, published: str) -> list[dict]:
    items = []
    for c in diff.changes:
        lines = [f"avant : {c.before}" if c.before else "", f"après : {c.after}" if c.after else "",
                 f"{c.communes} commune(s), {c.population} habitants" if c.communes else ""]
        items.append({"id": f"{diff.after}/{c.kind}/{c.change}/{c.key}", "title": f"{c.kind} {c.change} : {c.label}",
                      "content_text": "\n".join(line for line in lines if line) or c.label,
                      "date_published": published, "tags": [c.kind, c.change]})
    for t in diff.types:
        known = f" · {len(t.became_known)} devenue(s) connue(s)" if t.became_known else ""
        items.append({"id": f"{diff.after}/type/{t.type}",
                      "title": f"{t.type} : +{len(t.gained)} / −{len(t.lost)} commune(s){known}",
                      "content_text": type_reach_text(t), "date_published": published, "tags": ["type", t.type]})
    return items


@router.get("/changes/feed", responses={**ERRORS, 200: {"content": {FEED_TYPE: {}}}},
            summary="Flux JSON Feed des changements d'un territoire, construction après construction")
def get_feed(request: Request, territory: str | None = TERRITORY):
    """Un élément par changement entre chaque construction gardée et la précédente, limité au territoire
    (par exemple departement:31) : à suivre dans un lecteur de flux."""
    data_dir = service_of(request).settings.data_dir
    builds = finished_builds(data_dir)
    if not builds:
        raise InvalidQuery("Aucune construction à comparer : lancez `maillage build`.")
    items: list[dict] = []
    for first, second in zip(builds, builds[1:]):
        diff = diff_builds(_session(request, first), _session(request, second), None, (first.name, second.name), territory)
        items = _items(diff, build_info(second).get("created") or second.name) + items
    feed = {"version": "https://jsonfeed.org/version/1.1", "language": "fr",
            "title": f"Maillage — ce qui a changé : {territory or 'France'}",
            "home_page_url": link(request, "/carte/"),
            "feed_url": link(request, f"{request.url.path}?{request.url.query}".rstrip("?")), "description": f"Changements du registre (Maillage {VERSION}).",
            "items": items}
    return JSONResponse(jsonable.plain(feed), media_type=FEED_TYPE)
