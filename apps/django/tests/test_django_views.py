"""Routing and responses through Django's test Client (the real URL resolver and handlers): the
shared contract checks of ../pycommon/pycommon/testing.py, plus Django's own HEAD and error paths."""
import benchsite  # configures settings
from django.test import Client, RequestFactory

from pycommon.testing import ClientContract

client = Client()


class TestViews(ClientContract):
    APP = "django"
    CONCURRENCY = benchsite.CONCURRENCY
    # httpx (FastAPI's client) would read "//health" as a host; Django's client sends it as a path.
    NOT_FOUND_PATHS = ClientContract.NOT_FOUND_PATHS + ("//health",)

    def fetch(self, method, target):
        response = getattr(client, method.lower())(target)
        return response.status_code, {k.lower(): v for k, v in response.items()}, response.content


def test_head_body_dropped_by_the_view_itself():
    # Django's test Client strips HEAD bodies on its own; call the view directly to prove ours does.
    response = benchsite.health(RequestFactory().head("/health"))
    assert response.content == b"" and int(response["Content-Length"]) > 0


def test_error_handlers_are_json():
    request = RequestFactory().get("/x")
    for handler, status in [(benchsite.bad_request, 400), (benchsite.forbidden, 403), (benchsite.server_error, 500)]:
        response = handler(request)
        assert response.status_code == status and response["Content-Type"] == "application/json"
