"""The /payload body.

``duration_ms`` must time building AND serialising the items, yet it is itself part of the
serialised body. So the items are serialised once, inside the timed section, with the
standard library's json (what both Django's JsonResponse and Starlette's JSONResponse call),
and the small envelope is written around that text afterwards. Nothing is serialised twice.
"""
from __future__ import annotations

import json
import time

_encode = json.JSONEncoder(separators=(",", ":")).encode


def build_items(size: int) -> list[dict]:
    """The items, keys in contract order: id, name, value, active."""
    return [{"id": i, "name": f"item-{i}", "value": i * 42, "active": i % 2 == 0} for i in range(size)]


def payload_body(app: str, size: int) -> bytes:
    """The complete JSON body of /payload?size=<size> as UTF-8 bytes."""
    start = time.perf_counter_ns()
    items_json = _encode(build_items(size))
    duration_ms = round((time.perf_counter_ns() - start) / 1e6, 3)
    return (
        f'{{"app":{json.dumps(app)},"item_count":{size},"duration_ms":{duration_ms!r},"items":{items_json}}}'
    ).encode("utf-8")
