"""Bodies shared by both apps (as dicts: each framework serialises them its own way)."""
from __future__ import annotations

import os
import platform
import time

from .primes import count_primes

NOT_FOUND = {"error": "not found"}
METHOD_NOT_ALLOWED = {"error": "method not allowed"}
ALLOW = "GET, HEAD"
ALLOWED_METHODS = ("GET", "HEAD")


def runtime() -> str:
    """``"python 3.11.7"``: language and interpreter version."""
    return f"python {platform.python_version()}"


def app_version(environ=os.environ) -> str:
    """APP_VERSION, or "dev" when it is unset or empty."""
    return environ.get("APP_VERSION") or "dev"


def health_body(app: str, concurrency: int, environ=os.environ) -> dict:
    return {
        "status": "ok",
        "app": app,
        "runtime": runtime(),
        "version": app_version(environ),
        "concurrency": concurrency,
    }


def compute_body(app: str, n: int) -> dict:
    """Runs the loop for n (timing the loop alone) and returns the /compute body."""
    start = time.perf_counter_ns()
    prime_count = count_primes(n)
    duration_ms = round((time.perf_counter_ns() - start) / 1e6, 3)
    return {"app": app, "n": n, "prime_count": prime_count, "duration_ms": duration_ms}
