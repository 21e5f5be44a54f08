"""The map, served by the API itself: static files, and Leaflet from the pinned npm package.

No tile server and no external network: the map draws commune outlines only (``/v1/outlines``).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from core.settings import PROJECT_ROOT

__all__ = ["mount", "STATIC", "LEAFLET"]

STATIC = Path(__file__).resolve().parent / "static" / "carte"
LEAFLET = PROJECT_ROOT / "node_modules" / "leaflet" / "dist"


def mount(app: FastAPI) -> None:
    # check_dir=False: the service starts without the npm packages; the map then lacks its library
    # (scripts/setup installs it), the API still answers.
    app.mount("/carte/vendor/leaflet", StaticFiles(directory=LEAFLET, check_dir=False), name="leaflet")
    app.mount("/carte", StaticFiles(directory=STATIC, html=True), name="carte")

    @app.get("/", include_in_schema=False)
    def home():
        return RedirectResponse("/carte/")
