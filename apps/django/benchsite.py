"""The whole Django project in one module: settings, URLs, views and the WSGI application.

gunicorn loads ``benchsite:application`` (see gunicorn.conf.py). No database, no sessions,
no auth, no admin, no static files, no middleware: the request goes from the URL resolver
straight to a view. The contract's rules (apps/README.md) are implemented in ../pycommon.
"""
from __future__ import annotations

import functools
import secrets

from django.conf import settings

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["*"],
    # Nothing signs anything (no sessions, no CSRF, no messages); Django only insists it is set.
    SECRET_KEY=secrets.token_urlsafe(50),
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[],
    MIDDLEWARE=[],
    DATABASES={},
    TEMPLATES=[],
    APPEND_SLASH=False,  # /health/ is a 404, never a redirect
    USE_I18N=False,
    USE_TZ=True,
    DEFAULT_CHARSET="utf-8",
)

from django.core.wsgi import get_wsgi_application  # noqa: E402  (after settings.configure)
from django.http import HttpRequest, HttpResponse, JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402

from pycommon import responses  # noqa: E402
from pycommon.concurrency import effective_concurrency  # noqa: E402
from pycommon.params import ParamError, compute_n, payload_size  # noqa: E402
from pycommon.payload import payload_body  # noqa: E402

APP = "django"
# The same derivation gunicorn.conf.py uses for the worker count (a pure function of the
# environment and the cgroup files), so /health reports the number of workers.
CONCURRENCY = effective_concurrency()


def _finish(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Sets Content-Length, and drops the body of a HEAD response (same status and headers as
    GET). gunicorn would drop it too, but it logs a warning for every such response."""
    response["Content-Length"] = str(len(response.content))
    if request.method == "HEAD":
        response.content = b""
    return response


def _json(request: HttpRequest, body: dict, status: int = 200) -> HttpResponse:
    return _finish(request, JsonResponse(body, status=status))


def _method_not_allowed(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(responses.METHOD_NOT_ALLOWED, status=405)
    response["Allow"] = responses.ALLOW
    return _finish(request, response)


def _query(request: HttpRequest) -> str:
    # The raw query string: request.GET would apply Django's rules (last value wins).
    return request.META.get("QUERY_STRING", "")


def _contract_view(view):
    """GET and HEAD only (anything else is the JSON 405, with Allow), and an invalid parameter
    (pycommon's ParamError) is the JSON 400."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        if request.method not in responses.ALLOWED_METHODS:
            return _method_not_allowed(request)
        try:
            return view(request)
        except ParamError as err:
            return _json(request, err.body(), status=400)

    return wrapper


@_contract_view
def health(request: HttpRequest) -> HttpResponse:
    return _json(request, responses.health_body(APP, CONCURRENCY))


@_contract_view
def compute(request: HttpRequest) -> HttpResponse:
    n = compute_n(_query(request))
    return _json(request, responses.compute_body(APP, n))


@_contract_view
def payload(request: HttpRequest) -> HttpResponse:
    size = payload_size(_query(request))
    return _finish(request, HttpResponse(payload_body(APP, size), content_type="application/json"))


urlpatterns = [
    path("health", health),
    path("compute", compute),
    path("payload", payload),
]


# Django's own error paths answer in JSON too (DEBUG is False, so these are what it uses).
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _json(request, responses.NOT_FOUND, status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _json(request, {"error": "bad request"}, status=400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _json(request, {"error": "forbidden"}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    return _json(request, {"error": "internal server error"}, status=500)


handler400 = bad_request
handler403 = forbidden
handler404 = not_found
handler500 = server_error

application = get_wsgi_application()
