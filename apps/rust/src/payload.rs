//! The `/payload` workload: build `size` items and serialise them to JSON.

use serde::Serialize;

/// One item of `/payload`; field order is the JSON key order (id, name, value, active).
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Item {
    /// 0-based index.
    pub id: u64,
    /// `"item-<id>"`.
    pub name: String,
    /// `id * 42`.
    pub value: u64,
    /// `id` is even.
    pub active: bool,
}

/// Builds items 0..size.
pub fn build_items(size: u64) -> Vec<Item> {
    (0..size)
        .map(|i| Item {
            id: i,
            name: format!("item-{i}"),
            value: i * 42,
            active: i % 2 == 0,
        })
        .collect()
}

/// Builds items 0..size and serialises them as a JSON array: the work `duration_ms` times.
pub fn items_json(size: u64) -> Vec<u8> {
    let items = build_items(size);
    // Serialising plain structs of integers, strings and booleans into a Vec cannot fail.
    serde_json::to_vec(&items).unwrap_or_else(|_| b"[]".to_vec())
}

/// The whole `/payload` body: `{"app","item_count","duration_ms","items"}` in that order, with the
/// already serialised `items` spliced in (so they are not serialised twice).
pub fn payload_body(app: &str, item_count: u64, duration_ms: f64, items: &[u8]) -> Vec<u8> {
    #[derive(Serialize)]
    struct Head<'a> {
        app: &'a str,
        item_count: u64,
        duration_ms: f64,
    }
    let head = serde_json::to_vec(&Head {
        app,
        item_count,
        duration_ms,
    })
    .unwrap_or_else(|_| b"{}".to_vec());
    let mut body = Vec::with_capacity(head.len() + items.len() + 16);
    // `head` is `{...}`: drop its closing brace and append `,"items":<array>}`.
    body.extend_from_slice(&head[..head.len() - 1]);
    body.extend_from_slice(b",\"items\":");
    body.extend_from_slice(items);
    body.push(b'}');
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_have_the_contract_shape_and_key_order() {
        assert_eq!(
            String::from_utf8(items_json(3)).unwrap(),
            r#"[{"id":0,"name":"item-0","value":0,"active":true},{"id":1,"name":"item-1","value":42,"active":false},{"id":2,"name":"item-2","value":84,"active":true}]"#
        );
    }

    #[test]
    fn body_splices_items_after_the_head() {
        let body = payload_body("rust", 1, 0.5, &items_json(1));
        assert_eq!(
            String::from_utf8(body).unwrap(),
            r#"{"app":"rust","item_count":1,"duration_ms":0.5,"items":[{"id":0,"name":"item-0","value":0,"active":true}]}"#
        );
    }

    #[test]
    fn largest_payload_is_valid_json_with_every_item() {
        let body = payload_body("rust", 100_000, 1.25, &items_json(100_000));
        let parsed: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let items = parsed["items"].as_array().unwrap();
        assert_eq!(items.len(), 100_000);
        assert_eq!(items[99_999]["id"], 99_999);
        assert_eq!(items[99_999]["name"], "item-99999");
        assert_eq!(items[99_999]["value"], 99_999 * 42);
        assert_eq!(items[99_999]["active"], false);
    }
}
