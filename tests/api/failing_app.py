"""The real app plus one route that fails as a bug would: what a client gets from an internal error,
and whether its connection is still usable after it (uvicorn ``--factory failing_app:create``)."""

from __future__ import annotations

from api.app import create_app

__all__ = ["create"]


def create():
    app = create_app()

    @app.get("/v1/test/failure", include_in_schema=False)
    def failure():
        raise RuntimeError("une erreur de programmation")

    return app
