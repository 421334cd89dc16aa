"""Test helper (standard library only): starts an app's real server as a subprocess and talks to
it over real sockets. Used by the live tests of apps/django and apps/fastapi."""
from __future__ import annotations

import http.client
import json
import os
import select
import signal
import socket
import subprocess
import time


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
