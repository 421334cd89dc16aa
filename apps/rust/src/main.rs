//! Entry point: environment → concurrency → Tokio runtime → listen → serve until SIGTERM/SIGINT.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::serve::ListenerExt;
use k8s_bench_rust::app::{self, APP_NAME, AppState};
use k8s_bench_rust::{concurrency, parse_port};
use tokio::net::TcpListener;
use tokio::signal::unix::{SignalKind, signal};

/// How long in-flight requests may take to finish after SIGTERM/SIGINT.
const GRACE: Duration = Duration::from_secs(10);

/// Idle blocking-pool threads (the `/compute` threads) are kept this long, so a benchmark's
/// compute threads are created once instead of after every pause longer than Tokio's 10 s default.
const COMPUTE_THREAD_KEEP_ALIVE: Duration = Duration::from_secs(3600);

fn main() -> ExitCode {
    let started = Instant::now();
    match run(started) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{APP_NAME}: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(started: Instant) -> Result<(), String> {
    let port = parse_port(std::env::var("PORT").ok().as_deref())?;
    let concurrency = concurrency::detect()?;
    let version = app::app_version(std::env::var("APP_VERSION").ok().as_deref());

    // One async worker per CPU, as many blocking-pool threads as compute slots (the semaphore in
    // AppState already bounds them; this makes the bound structural).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(concurrency)
        .max_blocking_threads(concurrency)
        .thread_keep_alive(COMPUTE_THREAD_KEEP_ALIVE)
        .thread_name("rust-app")
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| format!("cannot start the Tokio runtime: {e}"))?;

    let result = runtime.block_on(serve(started, port, concurrency, version));
    // Nothing is left running after a graceful finish; after an expired grace period, do not wait
    // for compute loops that are still going.
    runtime.shutdown_background();
    result
}

async fn serve(
    started: Instant,
    port: u16,
    concurrency: usize,
    version: String,
) -> Result<(), String> {
    // Install the handlers before announcing readiness so an early SIGTERM is never missed.
    let mut sigterm =
        signal(SignalKind::terminate()).map_err(|e| format!("cannot handle SIGTERM: {e}"))?;
    let mut sigint =
        signal(SignalKind::interrupt()).map_err(|e| format!("cannot handle SIGINT: {e}"))?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        let name = tokio::select! {
            _ = sigterm.recv() => "SIGTERM",
            _ = sigint.recv() => "SIGINT",
        };
        eprintln!(r#"{{"event":"shutdown","app":"{APP_NAME}","signal":"{name}"}}"#);
        let _ = stop_tx.send(true);
    });

    // A SocketAddr, not a "host:port" string: no DNS lookup (which would use the blocking pool).
    let addr = SocketAddr::from(([0, 0, 0, 0], port));
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let port = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?
        .port();
    let listener = listener.tap_io(|tcp| {
        // Responses are written whole; do not let Nagle hold the last segment back.
        let _ = tcp.set_nodelay(true);
    });

    let state = Arc::new(AppState::new(concurrency, version));
    let startup_ms = started.elapsed().as_secs_f64() * 1000.0;
    {
        // The one stdout line; write errors (a closed stdout) must not stop the server.
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(
            stdout,
            r#"{{"event":"listening","app":"{APP_NAME}","port":{port},"startup_ms":{startup_ms:.3},"concurrency":{concurrency}}}"#
        );
        let _ = stdout.flush();
    }

    let mut graceful_rx = stop_rx.clone();
    let server = axum::serve(listener, app::router(state)).with_graceful_shutdown(async move {
        let _ = graceful_rx.wait_for(|stop| *stop).await;
    });
    let mut deadline_rx = stop_rx;
    let deadline = async move {
        let _ = deadline_rx.wait_for(|stop| *stop).await;
        tokio::time::sleep(GRACE).await;
    };
    tokio::select! {
        result = server => result.map_err(|e| format!("server error: {e}")),
        () = deadline => {
            eprintln!(r#"{{"event":"grace_period_expired","app":"{APP_NAME}","grace_s":{}}}"#, GRACE.as_secs());
            Ok(())
        }
    }
}
