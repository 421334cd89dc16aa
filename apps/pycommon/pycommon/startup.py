"""PORT and the startup line (apps/README.md, "Process details")."""
from __future__ import annotations

import json
import os

from .concurrency import ConfigError

DEFAULT_PORT = 8080


def listen_port(environ=os.environ) -> int:
    """PORT (1..65535), default 8080 when unset or empty; raises ConfigError naming the value."""
    value = environ.get("PORT")
    if not value:
        return DEFAULT_PORT
    if value.isascii() and value.isdigit() and len(value) <= 5 and 1 <= int(value) <= 65535:
        return int(value)
    raise ConfigError(f"invalid PORT={value!r}: must be a whole number from 1 to 65535")


def startup_line(app: str, port: int, startup_ms: float, concurrency: int) -> str:
    """The one JSON line printed to stdout once the server is listening (no trailing newline)."""
    return json.dumps(
        {
            "event": "listening",
            "app": app,
            "port": port,
            "startup_ms": round(startup_ms, 3),
            "concurrency": concurrency,
        },
        separators=(",", ":"),
    )


def emit_startup_line(app: str, port: int, startup_ms: float, concurrency: int) -> None:
    """Writes the startup line to fd 1 in one write() call, unbuffered, so that it is never
    interleaved with or held back behind other output."""
    os.write(1, (startup_line(app, port, startup_ms, concurrency) + "\n").encode("utf-8"))
