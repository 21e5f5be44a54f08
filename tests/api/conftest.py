"""One app on the national build for every API test, started once per session."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app


@pytest.fixture(scope="session")
def client(national):
    with TestClient(create_app(national)) as c:
        yield c
