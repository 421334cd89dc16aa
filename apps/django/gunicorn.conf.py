"""gunicorn configuration of the Django target: `gunicorn -c gunicorn.conf.py`.

Everything is decided here, in Python, so the container needs no shell: PORT (default 8080),
the worker count (CONCURRENCY, else the cgroup CPU limit, see ../pycommon/pycommon/concurrency.py),
the worker model, graceful shutdown and the startup line. See README.md for the reasons.
"""
import time

_T0 = time.perf_counter()  # startup_ms counts from here: the first code of ours gunicorn runs

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

import gunicorn.util  # noqa: E402

from pycommon.concurrency import ConfigError, effective_concurrency  # noqa: E402
from pycommon.startup import emit_startup_line, listen_port  # noqa: E402

try:
    _PORT = listen_port()
    _WORKERS = effective_concurrency()
except ConfigError as _err:
    sys.stderr.write(f"django: startup error: {_err}\n")
    sys.exit(2)

wsgi_app = "benchsite:application"
bind = [f"0.0.0.0:{_PORT}"]

# One process per CPU of the limit: under the GIL, processes are what run Python in parallel.
workers = _WORKERS
# gthread, not sync: the sync worker closes the connection after every response (no HTTP
# keep-alive, which the contract requires). gthread keeps idle keep-alive connections in a
# poller and runs requests on a small thread pool. For CPU-bound Python the threads add no
# throughput (one thread holds the GIL at a time); they keep /health answering while a long
# /compute runs and overlap socket writes of large /payload bodies.
worker_class = "gthread"
threads = 2
keepalive = 75  # seconds an idle keep-alive connection stays open (longer than common LB idle timeouts)
# Import Django once in the master and fork the workers from it: copy-on-write sharing, fast
# worker (re)starts, and an import error stops startup instead of looping worker restarts.
preload_app = True

graceful_timeout = 10  # SIGTERM/SIGINT: stop accepting, finish in-flight requests for up to 10 s
timeout = 30  # the gthread main loop keeps heartbeating while a thread computes, so long /compute is fine

# Read-only root filesystem: heartbeat files on tmpfs, no control socket ($HOME/.gunicorn/),
# no pid file, no access log. Python writes no bytecode (PYTHONDONTWRITEBYTECODE=1).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
control_socket_disable = True
accesslog = None
errorlog = "-"
loglevel = "info"

# The contract's parameter rule compares digit strings by magnitude, however long: accept
# request lines up to gunicorn's 1 MiB "unlimited" cap so that such values reach the app and get
# its JSON 400 instead of gunicorn's 414 page.
limit_request_line = 0


def _write_json_error(sock, status_int, reason, mesg):
    """gunicorn's own error responses (malformed requests it rejects before Django sees them) in
    JSON instead of its HTML page. Replaces gunicorn.util.write_error, which the workers call."""
    body = json.dumps({"error": reason.lower(), "detail": mesg}).encode("utf-8")
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode("latin-1")
    gunicorn.util.write_nonblock(sock, head + body)


gunicorn.util.write_error = _write_json_error


def when_ready(server):
    """Runs once in the master after the listening socket is bound (the app is already imported:
    preload_app). Prints the single startup line for the whole server."""
    emit_startup_line("django", _PORT, (time.perf_counter() - _T0) * 1000.0, server.cfg.workers)
