"""The API's documentation pages, served with their JavaScript from pinned npm packages (no CDN):
``/docs`` (Swagger UI, ``swagger-ui-dist``) and ``/redoc`` (ReDoc's standalone bundle, ``redoc``).

FastAPI's default pages fetch both from a CDN and render blank offline; the versions are those of
``package-lock.json``, installed by ``scripts/setup`` like Leaflet for the map (``api/carte.py``).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from core.settings import PROJECT_ROOT

__all__ = ["mount", "SWAGGER", "REDOC", "POLICY"]

SWAGGER = PROJECT_ROOT / "node_modules" / "swagger-ui-dist"
REDOC = PROJECT_ROOT / "node_modules" / "redoc" / "bundles"


#: the pages load nothing from elsewhere: ReDoc's bundle still names its maker's logo on a CDN, which the
#: browser is told not to fetch
POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
          "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'")


def _local(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = POLICY
    return page


def mount(app: FastAPI) -> None:
    # check_dir=False: without the npm packages the pages lack their scripts; the API still answers.
    app.mount("/docs/vendor/swagger-ui", StaticFiles(directory=SWAGGER, check_dir=False), name="swagger-ui")
    app.mount("/docs/vendor/redoc", StaticFiles(directory=REDOC, check_dir=False), name="redoc")

    @app.get("/docs", include_in_schema=False)
    def swagger():
        return _local(get_swagger_ui_html(
            openapi_url=app.openapi_url, title=f"{app.title} — API",
            swagger_js_url="/docs/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/docs/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/docs/vendor/swagger-ui/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},  # no badge fetched from the validator's site
        ))

    @app.get("/redoc", include_in_schema=False)
    def redoc():
        return _local(get_redoc_html(openapi_url=app.openapi_url, title=f"{app.title} — API",
                                     redoc_js_url="/docs/vendor/redoc/redoc.standalone.js",
                                     redoc_favicon_url="/docs/vendor/swagger-ui/favicon-32x32.png", with_google_fonts=False))
