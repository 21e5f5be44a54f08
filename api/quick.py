"""A route whose query parameters are read with what FastAPI knows of them worked out once.

FastAPI reads a request's query parameters field by field, and for each works out again, on every
request, facts that depend on the declaration alone: whether its annotation is a sequence (a recursive
walk of ``list[str] | None``), whether it is a model, its aliases. On ``/v1/who-covers`` (nine
parameters) that was about 40 % of the route's time for a question asked once, more than the answer
itself (``cProfile`` of the route in-process; ``bench/bench_api.py``, decision 0112). :class:`QuickRoute`
works them out when the route is made, then per request reads each value and validates it with the
very field FastAPI made from the declaration (pydantic, the same constraints, the same errors, raised
as the same :class:`RequestValidationError`); the declaration stays the one source of the OpenAPI
description. A route it cannot read so — a body, a path parameter, a plain ``def`` endpoint, a
dependency that needs more than the request, a ``yield`` dependency — keeps FastAPI's own handler.
Dependency overrides (``app.dependency_overrides``) are not consulted: the project sets none.
``tests/api/test_quick.py`` holds both handlers to the same answers on one route, query by query.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from copy import deepcopy
from typing import Any

from fastapi import routing
from fastapi._compat import field_annotation_is_sequence
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from starlette.requests import Request
from starlette.responses import Response

__all__ = ["QuickRoute"]


class _NotQuick(Exception):
    """The route needs something only FastAPI's handler does."""


class _Query:
    """One query parameter: its field (FastAPI's), the name it is sent by, and whether it repeats."""

    __slots__ = ("field", "alias", "many", "loc", "required", "default")

    def __init__(self, field) -> None:
        self.field = field
        self.alias = field.alias
        self.many = field_annotation_is_sequence(field.field_info.annotation)
        self.loc = ("query", field.alias)
        self.required = field.field_info.is_required()
        if field.field_info.validate_default:
            raise _NotQuick("a default that is validated")
        self.default = None if self.required else field.default

    def read(self, request: Request, values: dict[str, Any], errors: list) -> None:
        query = request.query_params
        raw: Any = query.getlist(self.alias) if self.many else query.get(self.alias)
        if raw is None or (self.many and not raw):
            if self.required:
                errors.append({"type": "missing", "loc": self.loc, "msg": "Field required", "input": None})
            else:
                values[self.field.name] = deepcopy(self.default)
            return
        value, failed = self.field.validate(raw, values, loc=self.loc)
        if failed:
            errors.extend(failed)
        else:
            values[self.field.name] = value


def _reader(dependant: Dependant) -> Callable[[Request], Coroutine[Any, Any, Response]]:
    """The handler of an ``async`` endpoint taking the request, query parameters and dependencies that
    take the request alone; :class:`_NotQuick` for anything else."""
    endpoint = dependant.call
    if (endpoint is None or not inspect.iscoroutinefunction(endpoint) or dependant.path_params or dependant.header_params
            or dependant.cookie_params or dependant.body_params or dependant.response_param_name
            or dependant.background_tasks_param_name or dependant.security_scopes_param_name):
        raise _NotQuick("more than query parameters")
    needs: list[tuple[str | None, Callable]] = []
    for sub in dependant.dependencies:
        if (sub.call is None or not inspect.iscoroutinefunction(sub.call) or sub.dependencies or sub.query_params
                or sub.path_params or sub.header_params or sub.cookie_params or sub.body_params
                or sub.request_param_name is None):
            raise _NotQuick("a dependency that needs more than the request")
        needs.append((sub.name, sub.call))
    queries = [_Query(field) for field in dependant.query_params]
    request_name = dependant.request_param_name

    async def handler(request: Request) -> Response:
        values: dict[str, Any] = {}
        for name, call in needs:  # in FastAPI's order: the dependencies (the app's first), then the parameters
            got = await call(request)
            if name is not None:
                values[name] = got
        errors: list = []
        for query in queries:
            query.read(request, values, errors)
        if errors:
            raise RequestValidationError(errors)
        if request_name is not None:
            values[request_name] = request
        response = await endpoint(**values)
        if not isinstance(response, Response):
            raise TypeError(f"{endpoint.__name__} must return a Response to be a QuickRoute")
        return response

    return handler


class QuickRoute(routing.APIRoute):
    """An :class:`~fastapi.routing.APIRoute` whose handler reads query parameters from facts worked out
    when the route is made (see the module's docstring), when the route allows it."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        # A route included in a router is handled as its inclusion makes it (the app's dependencies
        # added): FastAPI says which through a context variable while it builds the handler.
        context = routing._effective_route_context_var.get()
        route = context if context is not None and context.original_route is self else self
        try:
            return _reader(route.dependant)
        except _NotQuick:
            return super().get_route_handler()
