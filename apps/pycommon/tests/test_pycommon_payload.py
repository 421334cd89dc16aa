import json

from pycommon.payload import build_items, payload_body


def test_items_shape_and_key_order():
    items = build_items(3)
    assert items == [
        {"id": 0, "name": "item-0", "value": 0, "active": True},
        {"id": 1, "name": "item-1", "value": 42, "active": False},
        {"id": 2, "name": "item-2", "value": 84, "active": True},
    ]
    assert all(list(item) == ["id", "name", "value", "active"] for item in items)


def test_body_is_valid_json_with_keys_in_order():
    body = payload_body("django", 5)
    doc = json.loads(body)
    assert list(doc) == ["app", "item_count", "duration_ms", "items"]
    assert doc["app"] == "django" and doc["item_count"] == 5
    assert isinstance(doc["duration_ms"], float) and doc["duration_ms"] >= 0
    assert doc["items"] == build_items(5)
    assert [list(i) for i in doc["items"]] == [["id", "name", "value", "active"]] * 5
    assert body.startswith(b'{"app":"django","item_count":5,"duration_ms":')
    assert b'"items":[{"id":0,"name":"item-0","value":0,"active":true},' in body


def test_large_payload():
    doc = json.loads(payload_body("fastapi", 100_000))
    assert doc["item_count"] == 100_000 == len(doc["items"])
    assert doc["items"][-1] == {"id": 99_999, "name": "item-99999", "value": 99_999 * 42, "active": False}
