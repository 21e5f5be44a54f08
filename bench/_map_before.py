"""The service with the map as it was before a given commit, beside today's: for bench_map.py.

``MAILLAGE_BENCH_MAP_BEFORE`` names a folder holding the old map's static files (``git archive`` of
``api/static/carte`` at the commit); they are served at ``/carte-avant/`` by the same service, with the
same API and the same Leaflet, so that both maps are timed against one server in one run."""

from __future__ import annotations

import os

from fastapi.staticfiles import StaticFiles

from api.app import create_app as _create_app
from api.carte import LEAFLET


def create_app():
    app = _create_app()
    folder = os.environ["MAILLAGE_BENCH_MAP_BEFORE"]
    # mounted before the app's own /carte: Starlette matches routes in order, and /carte would take /carte-avant
    app.router.routes.insert(0, _mount("/carte-avant/vendor/leaflet", LEAFLET))
    app.router.routes.insert(1, _mount("/carte-avant", folder))
    return app


def _mount(path: str, folder) -> object:
    from starlette.routing import Mount

    return Mount(path, app=StaticFiles(directory=folder, html=True, check_dir=False))
