//! The HTTP surface: routes, handlers and the JSON error responses of apps/README.md.

use std::any::Any;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use tokio::sync::Semaphore;
use tower_http::catch_panic::CatchPanicLayer;

use crate::params::{self, COMPUTE_N, PAYLOAD_SIZE, ParamError};
use crate::{payload, primes};

/// The `app` field of every response: the folder name.
pub const APP_NAME: &str = "rust";

/// What every handler shares.
#[derive(Debug)]
pub struct AppState {
    /// Effective concurrency, reported by `/health`.
    pub concurrency: usize,
    /// `"rust <rustc version>"`.
    pub runtime: String,
    /// `APP_VERSION`, or `"dev"`.
    pub version: String,
    /// One permit per CPU: at most `concurrency` `/compute` loops run at once, the rest wait in
    /// FIFO order (and are dropped without computing if their client goes away while waiting).
    pub compute_slots: Arc<Semaphore>,
}

impl AppState {
    /// State for `concurrency` CPUs, reporting `version`.
    pub fn new(concurrency: usize, version: String) -> Self {
        AppState {
            concurrency,
            runtime: format!("rust {}", env!("K8S_BENCH_RUSTC_VERSION")),
            version,
            compute_slots: Arc::new(Semaphore::new(concurrency.max(1))),
        }
    }
}

/// `APP_VERSION` from the environment; `"dev"` when unset or empty.
pub fn app_version(raw: Option<&str>) -> String {
    match raw {
        Some(v) if !v.is_empty() => v.to_owned(),
        _ => "dev".to_owned(),
    }
}

/// The whole application: three exact paths (GET and HEAD), JSON 405 and 404 everywhere else.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/health", get(health).fallback(method_not_allowed))
        .route("/compute", get(compute).fallback(method_not_allowed))
        .route("/payload", get(payload).fallback(method_not_allowed))
        .fallback(not_found)
        // A safety net only: no input can reach a panic, but if one ever did, the connection gets a
        // JSON answer and the process (built with panic = "unwind") lives on.
        .layer(CatchPanicLayer::custom(panic_response))
        .with_state(state)
}

/// A response with a JSON body and `Content-Type: application/json`.
fn json_bytes(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => json_bytes(status, body),
        Err(_) => json_bytes(
            StatusCode::INTERNAL_SERVER_ERROR,
            br#"{"error":"internal error"}"#.to_vec(),
        ),
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
}

impl IntoResponse for ParamError {
    fn into_response(self) -> Response {
        let error = format!("invalid parameter {}", self.name);
        json(
            StatusCode::BAD_REQUEST,
            &ErrorBody {
                error: &error,
                detail: Some(&self.detail),
            },
        )
    }
}

async fn not_found() -> Response {
    json(
        StatusCode::NOT_FOUND,
        &ErrorBody {
            error: "not found",
            detail: None,
        },
    )
}

async fn method_not_allowed() -> Response {
    let mut response = json(
        StatusCode::METHOD_NOT_ALLOWED,
        &ErrorBody {
            error: "method not allowed",
            detail: None,
        },
    );
    // Set here so axum keeps it (its own would be "GET,HEAD").
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    response
}

fn panic_response(_panic: Box<dyn Any + Send + 'static>) -> Response {
    internal_error()
}

fn internal_error() -> Response {
    json(
        StatusCode::INTERNAL_SERVER_ERROR,
        &ErrorBody {
            error: "internal error",
            detail: None,
        },
    )
}

fn elapsed_ms(start: Instant) -> f64 {
    // Nanoseconds / 1e6 rather than secs_f64 * 1000, which prints artifacts like 0.00011999999999999999.
    start.elapsed().as_nanos() as f64 / 1e6
}

async fn health(State(state): State<Arc<AppState>>) -> Response {
    #[derive(Serialize)]
    struct Health<'a> {
        status: &'a str,
        app: &'a str,
        runtime: &'a str,
        version: &'a str,
        concurrency: usize,
    }
    json(
        StatusCode::OK,
        &Health {
            status: "ok",
            app: APP_NAME,
            runtime: &state.runtime,
            version: &state.version,
            concurrency: state.concurrency,
        },
    )
}

/// `/compute`: the loop runs on Tokio's blocking pool, at most `concurrency` at once (see README).
async fn compute(State(state): State<Arc<AppState>>, uri: Uri) -> Response {
    #[derive(Serialize)]
    struct Compute<'a> {
        app: &'a str,
        n: u64,
        prime_count: u64,
        duration_ms: f64,
    }
    let n = match params::lookup(uri.query(), &COMPUTE_N) {
        Ok(n) => n,
        Err(err) => return err.into_response(),
    };
    // The semaphore is never closed, so acquiring only waits.
    let Ok(permit) = state.compute_slots.clone().acquire_owned().await else {
        return internal_error();
    };
    let work = tokio::task::spawn_blocking(move || {
        // Held until the loop ends, even if the client disconnects and this handler is dropped.
        let _permit = permit;
        let start = Instant::now();
        let prime_count = primes::count_primes(n);
        (prime_count, elapsed_ms(start))
    });
    match work.await {
        Ok((prime_count, duration_ms)) => json(
            StatusCode::OK,
            &Compute {
                app: APP_NAME,
                n,
                prime_count,
                duration_ms,
            },
        ),
        Err(_) => internal_error(),
    }
}

/// `/payload`: small, allocation-bound work; runs inline on the async worker.
async fn payload(uri: Uri) -> Response {
    let size = match params::lookup(uri.query(), &PAYLOAD_SIZE) {
        Ok(size) => size,
        Err(err) => return err.into_response(),
    };
    let start = Instant::now();
    let items = payload::items_json(size);
    let duration_ms = elapsed_ms(start);
    json_bytes(
        StatusCode::OK,
        payload::payload_body(APP_NAME, size, duration_ms, &items),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{Method, Request};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    fn app() -> Router {
        router(Arc::new(AppState::new(2, "test-1".to_owned())))
    }

    struct Reply {
        status: StatusCode,
        headers: axum::http::HeaderMap,
        body: Vec<u8>,
    }

    impl Reply {
        fn json(&self) -> serde_json::Value {
            serde_json::from_slice(&self.body)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
        }
    }

    async fn send(method: Method, uri: &str) -> Reply {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .body(Body::empty())
            .unwrap();
        let response = app().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    /// The top-level keys appear in this order (serde_json::Value would sort them).
    fn assert_key_order(body: &[u8], keys: &[&str]) {
        let text = std::str::from_utf8(body).unwrap();
        let positions: Vec<usize> = keys
            .iter()
            .map(|k| {
                text.find(&format!("\"{k}\":"))
                    .unwrap_or_else(|| panic!("no key {k} in {text}"))
            })
            .collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "keys out of order in {text}"
        );
        assert_eq!(text.find('{'), Some(0));
        let value: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(value.as_object().unwrap().len(), keys.len(), "{text}");
    }

    fn assert_json_type(reply: &Reply, what: &str) {
        assert_eq!(
            reply
                .headers
                .get(header::CONTENT_TYPE)
                .map(|v| v.to_str().unwrap()),
            Some("application/json"),
            "{what}"
        );
    }

    #[tokio::test]
    async fn health_reports_runtime_version_and_concurrency() {
        let reply = send(Method::GET, "/health").await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_json_type(&reply, "health");
        let body = reply.json();
        assert_eq!(body["status"], "ok");
        assert_eq!(body["app"], "rust");
        assert_eq!(body["version"], "test-1");
        assert_eq!(body["concurrency"], 2);
        let runtime = body["runtime"].as_str().unwrap();
        assert!(runtime.starts_with("rust 1."), "{runtime}");
        assert_eq!(
            String::from_utf8(reply.body).unwrap(),
            format!(
                r#"{{"status":"ok","app":"rust","runtime":"{runtime}","version":"test-1","concurrency":2}}"#
            )
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn compute_counts_primes() {
        for (uri, n, count) in [
            ("/compute", 10_000, 1_229),
            ("/compute?n=2", 2, 1),
            ("/compute?n=10", 10, 4),
            ("/compute?n=0001000", 1_000, 168),
            ("/compute?n=10&n=x", 10, 4),
            ("/compute?n=500000", 500_000, 41_538),
        ] {
            let reply = send(Method::GET, uri).await;
            assert_eq!(reply.status, StatusCode::OK, "{uri}");
            assert_json_type(&reply, uri);
            assert_key_order(&reply.body, &["app", "n", "prime_count", "duration_ms"]);
            let body = reply.json();
            assert_eq!(body["app"], "rust");
            assert_eq!(body["n"], n, "{uri}");
            assert_eq!(body["prime_count"], count, "{uri}");
            assert!(body["duration_ms"].as_f64().unwrap() >= 0.0, "{uri}");
        }
    }

    #[tokio::test]
    async fn payload_has_items_in_contract_order() {
        let reply = send(Method::GET, "/payload?size=3").await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_json_type(&reply, "payload");
        assert_key_order(&reply.body, &["app", "item_count", "duration_ms", "items"]);
        let body = reply.json();
        assert_eq!(body["item_count"], 3);
        assert_eq!(
            body["items"],
            serde_json::json!([
                {"id": 0, "name": "item-0", "value": 0, "active": true},
                {"id": 1, "name": "item-1", "value": 42, "active": false},
                {"id": 2, "name": "item-2", "value": 84, "active": true},
            ])
        );
        let text = String::from_utf8(reply.body).unwrap();
        assert!(
            text.contains(r#"{"id":1,"name":"item-1","value":42,"active":false}"#),
            "{text}"
        );

        let default = send(Method::GET, "/payload").await.json();
        assert_eq!(default["item_count"], 100);
        assert_eq!(default["items"].as_array().unwrap().len(), 100);
    }

    #[tokio::test]
    async fn rejects_bad_parameters_with_400_json() {
        for (uri, name) in [
            ("/compute?n=-1", "n"),
            ("/compute?n=1e3", "n"),
            ("/compute?n=%2010", "n"),
            ("/compute?n=", "n"),
            ("/compute?n", "n"),
            ("/compute?n=1", "n"),
            ("/compute?n=10000001", "n"),
            ("/compute?n=99999999999999999999999999", "n"),
            ("/compute?n=x&n=10", "n"),
            ("/compute?n=1.5", "n"),
            ("/payload?size=0", "size"),
            ("/payload?size=100001", "size"),
            ("/payload?size=abc", "size"),
            ("/payload?size=+1", "size"),
        ] {
            let reply = send(Method::GET, uri).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{uri}");
            assert_json_type(&reply, uri);
            let body = reply.json();
            assert_eq!(body["error"], format!("invalid parameter {name}"), "{uri}");
            assert!(body["detail"].is_string(), "{uri}");
        }
    }

    #[tokio::test]
    async fn unknown_paths_are_404_json_whatever_the_method() {
        for (method, uri) in [
            (Method::GET, "/"),
            (Method::GET, "/health/"),
            (Method::GET, "/HEALTH"),
            (Method::GET, "/healthz"),
            (Method::GET, "//health"),
            (Method::GET, "/compute/1"),
            (Method::POST, "/nope"),
            (Method::DELETE, "/health/"),
            (Method::HEAD, "/missing"),
        ] {
            let reply = send(method.clone(), uri).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method} {uri}");
            assert_json_type(&reply, uri);
            if method != Method::HEAD {
                assert_eq!(reply.body, br#"{"error":"not found"}"#, "{method} {uri}");
            }
        }
    }

    #[tokio::test]
    async fn other_methods_on_known_paths_are_405_json_with_allow() {
        for path in ["/health", "/compute", "/payload", "/compute?n=x"] {
            for method in [
                Method::POST,
                Method::PUT,
                Method::DELETE,
                Method::PATCH,
                Method::OPTIONS,
                Method::TRACE,
            ] {
                let reply = send(method.clone(), path).await;
                assert_eq!(
                    reply.status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path}"
                );
                assert_json_type(&reply, path);
                assert_eq!(
                    reply.headers.get(header::ALLOW).unwrap(),
                    "GET, HEAD",
                    "{method} {path}"
                );
                assert_eq!(
                    reply.body, br#"{"error":"method not allowed"}"#,
                    "{method} {path}"
                );
            }
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn head_mirrors_get_without_a_body() {
        for path in [
            "/health",
            "/compute?n=10",
            "/payload?size=5",
            "/compute?n=-1",
            "/nope",
        ] {
            let get = send(Method::GET, path).await;
            let head = send(Method::HEAD, path).await;
            assert_eq!(head.status, get.status, "{path}");
            assert!(head.body.is_empty(), "{path}");
            assert_json_type(&head, path);
            if !path.starts_with("/compute?n=10") && !path.starts_with("/payload") {
                // duration_ms varies between calls, so lengths match only for fixed bodies
                assert_eq!(
                    head.headers.get(header::CONTENT_LENGTH),
                    get.headers.get(header::CONTENT_LENGTH),
                    "{path}"
                );
            }
            assert!(head.headers.get(header::CONTENT_LENGTH).is_some(), "{path}");
        }
    }

    #[test]
    fn version_defaults_to_dev() {
        assert_eq!(app_version(None), "dev");
        assert_eq!(app_version(Some("")), "dev");
        assert_eq!(app_version(Some("1.2.3")), "1.2.3");
    }

    #[test]
    fn panic_safety_net_answers_json() {
        let response = panic_response(Box::new("boom"));
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE).unwrap(),
            "application/json"
        );
    }
}
