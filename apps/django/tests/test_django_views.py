"""Routing and responses through Django's test Client (the real URL resolver and handlers)."""
import json

import pytest

import benchsite  # configures settings
from django.test import Client

client = Client()


def body(response):
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_health():
    r = client.get("/health")
    assert r.status_code == 200
    doc = body(r)
    assert list(doc) == ["status", "app", "runtime", "version", "concurrency"]
    assert doc["status"] == "ok" and doc["app"] == "django"
    assert doc["runtime"].startswith("python 3.")
    assert doc["version"] == "dev" or doc["version"]
    assert doc["concurrency"] == benchsite.CONCURRENCY >= 1


@pytest.mark.parametrize("n,expected", [(2, 1), (3, 2), (10, 4), (1000, 168), (10000, 1229)])
def test_compute(n, expected):
    r = client.get(f"/compute?n={n}")
    assert r.status_code == 200
    doc = body(r)
    assert list(doc) == ["app", "n", "prime_count", "duration_ms"]
    assert doc["app"] == "django" and doc["n"] == n and doc["prime_count"] == expected
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
    r = client.get("/payload?size=3")
    assert r.status_code == 200
    doc = body(r)
    assert list(doc) == ["app", "item_count", "duration_ms", "items"]
    assert doc["item_count"] == 3
    assert doc["items"][1] == {"id": 1, "name": "item-1", "value": 42, "active": False}
    assert [list(i) for i in doc["items"]] == [["id", "name", "value", "active"]] * 3
    assert len(body(client.get("/payload"))["items"]) == 100
    assert body(client.get("/payload?size=0")) == {"error": "invalid parameter size", "detail": "must be between 1 and 100000"}


@pytest.mark.parametrize("path", ["/nope", "/health/", "/HEALTH", "/compute/", "//health", "/", "/health/x"])
@pytest.mark.parametrize("method", ["get", "post", "head", "delete"])
def test_not_found(path, method):
    r = getattr(client, method)(path)
    assert r.status_code == 404
    assert r["Content-Type"] == "application/json"
    if method != "head":
        assert json.loads(r.content) == {"error": "not found"}


@pytest.mark.parametrize("path", ["/health", "/compute", "/payload"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options", "trace"])
def test_method_not_allowed(path, method):
    r = getattr(client, method)(path)
    assert r.status_code == 405
    assert r["Allow"] == "GET, HEAD"
    assert body(r) == {"error": "method not allowed"}


@pytest.mark.parametrize("path", ["/health", "/compute?n=100", "/payload?size=10", "/compute?n=x", "/nope"])
def test_head_same_status_and_headers_as_get(path):
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"] == "application/json"
    assert get["Content-Length"] == str(len(get.content))
    # duration_ms differs from one request to the next, and so may the length by a few digits.
    slack = 6 if b"duration_ms" in get.content else 0
    assert abs(int(head["Content-Length"]) - len(get.content)) <= slack


def test_head_body_dropped_by_the_view_itself():
    # Django's test Client strips HEAD bodies on its own; call the view directly to prove ours does.
    from django.test import RequestFactory

    response = benchsite.health(RequestFactory().head("/health"))
    assert response.content == b"" and int(response["Content-Length"]) > 0


def test_error_handlers_are_json():
    from django.test import RequestFactory

    request = RequestFactory().get("/x")
    for handler, status in [(benchsite.bad_request, 400), (benchsite.forbidden, 403), (benchsite.server_error, 500)]:
        response = handler(request)
        assert response.status_code == status and response["Content-Type"] == "application/json"
