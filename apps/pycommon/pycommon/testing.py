"""Test helpers shared by the tests of apps/django and apps/fastapi (never needed at run time: the
Dockerfiles delete this file from the images, and pytest is a dev-only requirement).

- ``LiveServer`` / ``run_to_exit``: start an app's real server as a subprocess and talk to it over
  real sockets.
- ``ClientContract`` and ``LiveServerContract``: the contract checks both apps must pass, through
  the framework's in-process test client and over the wire. Each app's tests subclass them as
  ``Test...`` classes and set the app-specific attributes (APP, how to call it, its extra cases);
  what only one framework does stays in that app's own test files.

Both apps' pytest.ini load this module with ``-p pycommon.testing`` so that pytest rewrites its
asserts (detailed failure messages, as in a test module).
"""
from __future__ import annotations

import http.client
import json
import os
import select
import signal
import socket
import subprocess
import threading
import time

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """``with LiveServer(cmd, cwd, env) as srv:`` waits for the startup line (srv.startup)."""

    def __init__(self, cmd: list[str], cwd: str, env: dict | None = None, timeout: float = 30.0):
        self.port = free_port()
        full_env = dict(os.environ, PORT=str(self.port), PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1")
        full_env.update(env or {})
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.stdout_lines: list[str] = []
        self.startup = self._wait_for_startup(timeout)

    def _wait_for_startup(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        buf = b""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                buf += chunk
                if b"\n" in buf:
                    line, _, rest = buf.partition(b"\n")
                    self._rest = rest
                    self.stdout_lines.append(line.decode())
                    return json.loads(line)
            elif self.proc.poll() is not None:
                break
        self.stop(signal.SIGKILL)
        raise AssertionError(f"no startup line; stderr: {self.proc.stderr.read().decode()[-2000:]}")

    def connection(self, timeout: float = 60.0) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method: str, target: str, conn: http.client.HTTPConnection | None = None):
        """Returns (status, headers dict with lower-case names, body bytes)."""
        own = conn is None
        conn = conn or self.connection()
        try:
            conn.request(method, target)
            response = conn.getresponse()
            data = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            if own:
                conn.close()

    def raw(self, data: bytes, timeout: float = 10.0) -> bytes:
        """Sends raw bytes, returns everything the server answers until it closes or goes quiet."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            s.sendall(data)
            out = b""
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    out += chunk
            except socket.timeout:
                pass
            return out

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        rest = getattr(self, "_rest", b"") + self.proc.stdout.read()
        self.stdout_lines += [line for line in rest.decode().splitlines() if line]
        self.stderr = self.proc.stderr.read().decode()
        return code

    def __enter__(self) -> "LiveServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop(signal.SIGKILL if exc[0] else signal.SIGTERM)


def run_to_exit(cmd: list[str], cwd: str, env: dict, timeout: float = 30.0) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    full_env.update(env)
    return subprocess.run(cmd, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout)


# ---- the contract checks shared by both apps --------------------------------------------------------
# A fetch function: (method, target) -> (status, headers dict with lower-case names, body bytes),
# the shape of LiveServer.request.

def check_head_like_get(fetch, target: str) -> None:
    """HEAD answers GET's status and headers with an empty body."""
    g_status, g_headers, g_body = fetch("GET", target)
    h_status, h_headers, h_body = fetch("HEAD", target)
    assert h_status == g_status and h_body == b""
    assert h_headers["content-type"] == g_headers["content-type"] == "application/json"
    assert g_headers["content-length"] == str(len(g_body))
    # duration_ms differs from one request to the next, and so may the length by a few digits.
    slack = 6 if b"duration_ms" in g_body else 0
    assert abs(int(h_headers["content-length"]) - len(g_body)) <= slack


class ClientContract:
    """Routing and responses through the framework's in-process test client.

    A subclass sets APP, CONCURRENCY (what the app module derived) and fetch(); it may extend
    NOT_FOUND_PATHS with paths only its client can send."""

    APP: str
    CONCURRENCY: int
    NOT_FOUND_PATHS: tuple[str, ...] = ("/nope", "/health/", "/HEALTH", "/compute/", "/", "/health/x")

    def fetch(self, method: str, target: str) -> tuple[int, dict, bytes]:
        raise NotImplementedError

    def pytest_generate_tests(self, metafunc):
        if "not_found_path" in metafunc.fixturenames:
            metafunc.parametrize("not_found_path", self.NOT_FOUND_PATHS)

    def get(self, target: str) -> tuple[int, dict]:
        """GET target: (status, JSON body); the content type must be application/json."""
        status, headers, data = self.fetch("GET", target)
        assert headers["content-type"] == "application/json"
        return status, json.loads(data)

    def test_health(self):
        status, doc = self.get("/health")
        assert status == 200
        assert list(doc) == ["status", "app", "runtime", "version", "concurrency"]
        assert doc["status"] == "ok" and doc["app"] == self.APP
        assert doc["runtime"].startswith("python 3.")
        assert doc["version"] == "dev" or doc["version"]
        assert doc["concurrency"] == self.CONCURRENCY >= 1

    @pytest.mark.parametrize("n,expected", [(2, 1), (3, 2), (10, 4), (1000, 168), (10000, 1229)])
    def test_compute(self, n, expected):
        status, doc = self.get(f"/compute?n={n}")
        assert status == 200
        assert list(doc) == ["app", "n", "prime_count", "duration_ms"]
        assert doc["app"] == self.APP and doc["n"] == n and doc["prime_count"] == expected
        assert isinstance(doc["duration_ms"], float)

    def test_compute_default_and_first_wins(self):
        assert self.get("/compute")[1]["n"] == 10000
        assert self.get("/compute?n=10&n=x")[1]["prime_count"] == 4
        assert self.get("/compute?n=0000000000000000000000010")[1]["n"] == 10

    @pytest.mark.parametrize(
        "query",
        ["n=-1", "n=1e3", "n=%2010", "n=", "n", "n=1", "n=10000001", "n=99999999999999999999999999",
         "n=x&n=10", "n=1.5", "n=+10", "n=" + "7" * 5000],
    )
    def test_compute_bad_parameter(self, query):
        status, doc = self.get("/compute?" + query)
        assert status == 400
        assert doc["error"] == "invalid parameter n"
        assert set(doc) <= {"error", "detail"}

    def test_payload(self):
        status, doc = self.get("/payload?size=3")
        assert status == 200
        assert list(doc) == ["app", "item_count", "duration_ms", "items"]
        assert doc["item_count"] == 3
        assert doc["items"][1] == {"id": 1, "name": "item-1", "value": 42, "active": False}
        assert [list(i) for i in doc["items"]] == [["id", "name", "value", "active"]] * 3
        assert len(self.get("/payload")[1]["items"]) == 100
        assert self.get("/payload?size=0") == (400, {"error": "invalid parameter size", "detail": "must be between 1 and 100000"})
        assert self.get("/payload?size=100001")[1]["error"] == "invalid parameter size"

    @pytest.mark.parametrize("method", ["GET", "POST", "HEAD", "DELETE"])
    def test_not_found(self, not_found_path, method):
        status, headers, data = self.fetch(method, not_found_path)
        assert status == 404
        assert headers["content-type"] == "application/json"
        if method != "HEAD":
            assert json.loads(data) == {"error": "not found"}

    @pytest.mark.parametrize("path", ["/health", "/compute", "/payload"])
    @pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"])
    def test_method_not_allowed(self, path, method):
        status, headers, data = self.fetch(method, path)
        assert status == 405
        assert headers["allow"] == "GET, HEAD"
        assert headers["content-type"] == "application/json"
        assert json.loads(data) == {"error": "method not allowed"}

    @pytest.mark.parametrize("path", ["/health", "/compute?n=100", "/payload?size=10", "/compute?n=x", "/nope"])
    def test_head_same_status_and_headers_as_get(self, path):
        check_head_like_get(self.fetch, path)


class LiveServerContract:
    """The real server over real sockets: startup line, keep-alive, HEAD, the server's own error
    pages, long values, invalid CONCURRENCY, graceful SIGTERM/SIGINT.

    A subclass sets APP, APP_DIR, CMD (the server command, run in APP_DIR) and WORKERS (the
    CONCURRENCY values the graceful-stop test runs with: the app's worker models)."""

    APP: str
    APP_DIR: str
    CMD: list[str]
    WORKERS: tuple[str, ...]

    def pytest_generate_tests(self, metafunc):
        if "workers" in metafunc.fixturenames:
            metafunc.parametrize("workers", self.WORKERS)

    @pytest.fixture(scope="class")
    @classmethod
    def server(cls):
        with LiveServer(cls.CMD, cls.APP_DIR, {"CONCURRENCY": "2"}) as srv:
            yield srv

    def test_startup_line(self, server):
        line = server.startup
        assert list(line) == ["event", "app", "port", "startup_ms", "concurrency"]
        assert line["event"] == "listening" and line["app"] == self.APP
        assert line["port"] == server.port and line["concurrency"] == 2
        assert isinstance(line["startup_ms"], float) and 0 < line["startup_ms"] < 30000

    def test_health_reports_concurrency(self, server):
        status, headers, data = server.request("GET", "/health")
        assert status == 200 and headers["content-type"] == "application/json"
        assert json.loads(data)["concurrency"] == 2

    def test_keep_alive(self, server):
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
    def test_head_over_the_wire(self, server, target):
        check_head_like_get(server.request, target)

    def test_method_not_allowed_over_the_wire(self, server):
        status, headers, data = server.request("POST", "/compute")
        assert status == 405 and headers["allow"] == "GET, HEAD"
        assert json.loads(data) == {"error": "method not allowed"}

    @pytest.mark.parametrize("target", ["/health/", "//health", "/HEALTH", "/health?x", "/%68ealth/"])
    def test_exact_paths(self, server, target):
        status, headers, data = server.request("GET", target)
        if target == "/health?x":
            assert status == 200
        else:
            assert status == 404 and json.loads(data) == {"error": "not found"}

    @pytest.mark.parametrize("digits", [40, 5000, 20000])
    def test_long_values_are_a_clean_400(self, server, digits):
        status, headers, data = server.request("GET", "/compute?n=" + "9" * digits)
        assert status == 400 and headers["content-type"] == "application/json"
        assert json.loads(data)["error"] == "invalid parameter n"

    @pytest.mark.parametrize("request_bytes", [b"GARBAGE\r\n\r\n", b"get /health HTTP/1.1\r\nHost: x\r\n\r\n",
                                               b"GET /health HTTP/9.9\r\nHost: x\r\n\r\n"])
    def test_server_error_pages_are_json(self, server, request_bytes):
        answer = server.raw(request_bytes)
        head, _, data = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 4"), answer[:200]
        assert b"content-type: application/json" in head.lower()
        assert "error" in json.loads(data)

    def test_invalid_concurrency_is_a_startup_error(self):
        result = run_to_exit(self.CMD, self.APP_DIR, {"CONCURRENCY": "lots"})
        assert result.returncode != 0
        assert "CONCURRENCY" in result.stderr and "'lots'" in result.stderr
        assert result.stdout == ""

    @pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
    def test_signal_finishes_in_flight_request_and_exits_0(self, sig, workers):
        srv = LiveServer(self.CMD, self.APP_DIR, {"CONCURRENCY": workers})
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
