"""Routing and responses through FastAPI's TestClient (the real app, routes and handlers)."""
import pytest
from fastapi.testclient import TestClient

import benchapi

client = TestClient(benchapi.app)


def body(response):
    assert response.headers["content-type"] == "application/json"
    return response.json()


def test_health():
    r = client.get("/health")
    assert r.status_code == 200
    doc = body(r)
    assert list(doc) == ["status", "app", "runtime", "version", "concurrency"]
    assert doc["status"] == "ok" and doc["app"] == "fastapi"
    assert doc["runtime"].startswith("python 3.")
    assert doc["concurrency"] == benchapi.CONCURRENCY >= 1


@pytest.mark.parametrize("n,expected", [(2, 1), (3, 2), (10, 4), (1000, 168), (10000, 1229)])
def test_compute(n, expected):
    doc = body(client.get(f"/compute?n={n}"))
    assert list(doc) == ["app", "n", "prime_count", "duration_ms"]
    assert doc["app"] == "fastapi" and doc["n"] == n and doc["prime_count"] == expected
    assert isinstance(doc["duration_ms"], float)


def test_compute_default_and_first_wins():
    assert body(client.get("/compute"))["n"] == 10000
    assert body(client.get("/compute?n=10&n=x"))["prime_count"] == 4
    assert body(client.get("/compute?n=0000000000000000000000010"))["n"] == 10


@pytest.mark.parametrize(
    "query",
    ["n=-1", "n=1e3", "n=%2010", "n=", "n", "n=1", "n=10000001", "n=99999999999999999999999999",
     "n=x&n=10", "n=1.5", "n=+10", "n=" + "7" * 5000],
)
def test_compute_bad_parameter(query):
    r = client.get("/compute?" + query)
    assert r.status_code == 400
    doc = body(r)
    assert doc["error"] == "invalid parameter n"
    assert set(doc) <= {"error", "detail"}


def test_payload():
    doc = body(client.get("/payload?size=3"))
    assert list(doc) == ["app", "item_count", "duration_ms", "items"]
    assert doc["item_count"] == 3
    assert doc["items"][1] == {"id": 1, "name": "item-1", "value": 42, "active": False}
    assert [list(i) for i in doc["items"]] == [["id", "name", "value", "active"]] * 3
    assert len(body(client.get("/payload"))["items"]) == 100
    assert body(client.get("/payload?size=100001"))["error"] == "invalid parameter size"


@pytest.mark.parametrize("path", ["/nope", "/health/", "/HEALTH", "/compute/", "/", "/health/x",
                                  "/docs", "/redoc", "/openapi.json"])
@pytest.mark.parametrize("method", ["GET", "POST", "HEAD", "DELETE"])
def test_not_found(path, method):
    r = client.request(method, path, follow_redirects=False)
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/json"
    if method != "HEAD":
        assert r.json() == {"error": "not found"}


@pytest.mark.parametrize("path", ["/health", "/compute", "/payload"])
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"])
def test_method_not_allowed(path, method):
    r = client.request(method, path)
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD"
    assert body(r) == {"error": "method not allowed"}


@pytest.mark.parametrize("path", ["/health", "/compute?n=100", "/payload?size=10", "/compute?n=x", "/nope"])
def test_head_same_status_and_headers_as_get(path):
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code
    assert head.headers["content-type"] == get.headers["content-type"] == "application/json"
    assert get.headers["content-length"] == str(len(get.content))
    # duration_ms differs from one request to the next, and so may the length by a few digits.
    slack = 6 if b"duration_ms" in get.content else 0
    assert abs(int(head.headers["content-length"]) - len(get.content)) <= slack


def test_unexpected_errors_are_json(monkeypatch):
    def boom(*_):
        raise RuntimeError("boom")

    monkeypatch.setattr(benchapi, "compute_n", boom)
    r = TestClient(benchapi.app, raise_server_exceptions=False).get("/compute?n=10")
    assert r.status_code == 500 and r.json() == {"error": "internal server error"}
