"""The real server (serve.py + benchapi under uvicorn) over real sockets: startup line, keep-alive,
HEAD, uvicorn's own error pages, long values, invalid CONCURRENCY, graceful SIGTERM."""
import json
import os
import signal
import sys
import threading
import time

import pytest

from pycommon.testing import LiveServer, run_to_exit

APP_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CMD = [sys.executable, "serve.py"]
APP = "fastapi"


@pytest.fixture(scope="module")
def server():
    with LiveServer(CMD, APP_DIR, {"CONCURRENCY": "2"}) as srv:
        yield srv


def test_startup_line(server):
    line = server.startup
    assert list(line) == ["event", "app", "port", "startup_ms", "concurrency"]
    assert line["event"] == "listening" and line["app"] == APP
    assert line["port"] == server.port and line["concurrency"] == 2
    assert isinstance(line["startup_ms"], float) and 0 < line["startup_ms"] < 30000


def test_health_reports_concurrency(server):
    status, headers, data = server.request("GET", "/health")
    assert status == 200 and headers["content-type"] == "application/json"
    assert json.loads(data)["concurrency"] == 2


def test_keep_alive(server):
    conn = server.connection()
    try:
        server.request("GET", "/health", conn)
        sock = conn.sock
        assert sock is not None  # not closed by the server after the first response
        for target in ["/compute?n=100", "/payload?size=2", "/nope", "/compute?n=x"]:
            server.request("GET", target, conn)
            assert conn.sock is sock
    finally:
        conn.close()


@pytest.mark.parametrize("target", ["/health", "/payload?size=1000", "/compute?n=x", "/nope"])
def test_head_over_the_wire(server, target):
    g_status, g_headers, g_body = server.request("GET", target)
    h_status, h_headers, h_body = server.request("HEAD", target)
    assert h_status == g_status and h_body == b""
    assert g_headers["content-length"] == str(len(g_body))
    # duration_ms differs from one request to the next, and so may the length by a few digits.
    slack = 6 if "duration_ms" in g_body.decode() else 0
    assert abs(int(h_headers["content-length"]) - len(g_body)) <= slack
    assert h_headers["content-type"] == "application/json"


def test_method_not_allowed_over_the_wire(server):
    status, headers, data = server.request("POST", "/compute")
    assert status == 405 and headers["allow"] == "GET, HEAD"
    assert json.loads(data) == {"error": "method not allowed"}


@pytest.mark.parametrize("target", ["/health/", "//health", "/HEALTH", "/health?x", "/%68ealth/"])
def test_exact_paths(server, target):
    status, headers, data = server.request("GET", target)
    if target == "/health?x":
        assert status == 200
    else:
        assert status == 404 and json.loads(data) == {"error": "not found"}


@pytest.mark.parametrize("digits", [40, 5000, 20000])
def test_long_values_are_a_clean_400(server, digits):
    status, headers, data = server.request("GET", "/compute?n=" + "9" * digits)
    assert status == 400 and headers["content-type"] == "application/json"
    assert json.loads(data)["error"] == "invalid parameter n"


@pytest.mark.parametrize("request_bytes", [b"GARBAGE\r\n\r\n", b"get /health HTTP/1.1\r\nHost: x\r\n\r\n",
                                           b"GET /health HTTP/9.9\r\nHost: x\r\n\r\n"])
def test_server_error_pages_are_json(server, request_bytes):
    answer = server.raw(request_bytes)
    head, _, data = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 4"), answer[:200]
    assert b"content-type: application/json" in head.lower()
    assert "error" in json.loads(data)


def test_invalid_concurrency_is_a_startup_error():
    result = run_to_exit(CMD, APP_DIR, {"CONCURRENCY": "lots"})
    assert result.returncode != 0
    assert "CONCURRENCY" in result.stderr and "'lots'" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("workers", ["1", "2"])  # single process, and uvicorn's supervisor
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_finishes_in_flight_request_and_exits_0(sig, workers):
    srv = LiveServer(CMD, APP_DIR, {"CONCURRENCY": workers})
    result = {}

    def call():
        result["response"] = srv.request("GET", "/compute?n=600000")

    caller = threading.Thread(target=call)
    caller.start()


    time.sleep(0.3)  # the request is in flight (about 0.6 s of counting on an idle core)
    code = srv.stop(sig)
    caller.join(15)
    status, _, data = result["response"]
    assert status == 200 and json.loads(data)["prime_count"] == 49098
    assert code == 0, srv.stderr[-2000:]
    assert len(srv.stdout_lines) == 1  # exactly one line on stdout: the startup line
