"""Routing and responses through FastAPI's TestClient (the real app, routes and handlers): the
shared contract checks of ../pycommon/pycommon/testing.py, plus FastAPI's own error handling."""
from fastapi.testclient import TestClient

import benchapi
from pycommon.testing import ClientContract

client = TestClient(benchapi.app)


class TestApp(ClientContract):
    APP = "fastapi"
    CONCURRENCY = benchapi.CONCURRENCY
    # FastAPI's built-in documentation routes are switched off.
    NOT_FOUND_PATHS = ClientContract.NOT_FOUND_PATHS + ("/docs", "/redoc", "/openapi.json")

    def fetch(self, method, target):
        response = client.request(method, target, follow_redirects=False)
        return response.status_code, dict(response.headers), response.content


def test_unexpected_errors_are_json(monkeypatch):
    def boom(*_):
        raise RuntimeError("boom")

    monkeypatch.setattr(benchapi, "compute_n", boom)
    r = TestClient(benchapi.app, raise_server_exceptions=False).get("/compute?n=10")
    assert r.status_code == 500 and r.json() == {"error": "internal server error"}
