"""The FastAPI application: `benchapi:app`, served by uvicorn (see serve.py).

Routes are plain FastAPI path operations. Each takes the raw ``Request`` and parses the raw query
string with ../pycommon (first occurrence wins, digits only, magnitude range check), so FastAPI's
own query coercion and its 422 validation bodies never apply. FastAPI's and Starlette's error
handlers are replaced so that 404, 405 and anything unexpected answer in the contract's JSON, and
an invalid parameter (pycommon's ParamError) is the contract's 400.
"""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from pycommon import responses
from pycommon.concurrency import effective_concurrency
from pycommon.params import ParamError, compute_n, payload_size
from pycommon.payload import payload_body

APP = "fastapi"
# The same derivation serve.py uses for the worker count (a pure function of the environment and
# the cgroup files), so /health reports the number of workers.
CONCURRENCY = effective_concurrency()

app = FastAPI(
    title="k8s-bench fastapi target",
    # No /docs, /redoc, /openapi.json: every path but the three of the contract is a 404.
    openapi_url=None,
    docs_url=None,
    redoc_url=None,
    redirect_slashes=False,  # /health/ is a 404, never a 307 to /health
)


# FastAPI's @app.get does not answer HEAD (Starlette's plain Route would add it): declare both.
GET_HEAD = list(responses.ALLOWED_METHODS)


def _query(request: Request) -> str:
    # Raw bytes of the query string; latin-1 maps every byte to one character, so nothing can fail
    # here and percent-decoding (as UTF-8) is left to pycommon.
    return request.scope["query_string"].decode("latin-1")


@app.api_route("/health", methods=GET_HEAD)
async def health() -> Response:
    # Trivial and non-blocking: runs on the event loop.
    return JSONResponse(responses.health_body(APP, CONCURRENCY))


@app.api_route("/compute", methods=GET_HEAD)
def compute(request: Request) -> Response:
    # A plain `def`: FastAPI runs it in its thread pool, so the event loop stays free to accept,
    # parse and answer (/health, Kubernetes probes) while Python counts primes. The GIL still
    # runs one thread at a time; the pool buys responsiveness, not parallelism.
    # An invalid n raises ParamError: answered by param_error() below.
    n = compute_n(_query(request))
    return JSONResponse(responses.compute_body(APP, n))


@app.api_route("/payload", methods=GET_HEAD)
def payload(request: Request) -> Response:
    # Up to 100,000 items (about 6 MB of JSON): CPU work too, so also off the event loop.
    size = payload_size(_query(request))
    return Response(payload_body(APP, size), media_type="application/json")


@app.exception_handler(StarletteHTTPException)
async def http_exception(request: Request, exc: StarletteHTTPException) -> Response:
    if exc.status_code == 404:
        return JSONResponse(responses.NOT_FOUND, status_code=404)
    if exc.status_code == 405:
        # Starlette builds Allow from a set (order varies): state it exactly.
        return JSONResponse(responses.METHOD_NOT_ALLOWED, status_code=405, headers={"Allow": responses.ALLOW})
    return JSONResponse({"error": str(exc.detail).lower()}, status_code=exc.status_code, headers=exc.headers)


@app.exception_handler(ParamError)
async def param_error(request: Request, exc: ParamError) -> Response:
    # A parameter value broke the contract (raised by pycommon.params in /compute and /payload).
    return JSONResponse(exc.body(), status_code=400)


@app.exception_handler(RequestValidationError)
async def validation_error(request: Request, exc: RequestValidationError) -> Response:
    # Unreachable with the routes above (they declare no typed parameters); never FastAPI's 422.
    return JSONResponse({"error": "bad request"}, status_code=400)


@app.exception_handler(Exception)
async def unexpected_error(request: Request, exc: Exception) -> Response:
    return JSONResponse({"error": "internal server error"}, status_code=500)
