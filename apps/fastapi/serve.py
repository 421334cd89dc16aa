"""Entry point of the FastAPI target: `python serve.py` (native and in the image).

Decides PORT (default 8080) and the worker count (CONCURRENCY, else the cgroup CPU limit, see
../pycommon/pycommon/concurrency.py), then runs uvicorn programmatically:

- 1 worker: a single uvicorn process (no supervisor, lowest memory).
- N > 1 workers: uvicorn's own multiprocess supervisor (what `uvicorn --workers N` runs): the
  parent binds the socket, spawns N workers, restarts any that dies, forwards SIGTERM.

Either way exactly one startup line is printed, once the worker(s) can serve, and SIGTERM/SIGINT
give a graceful stop (no new connections, in-flight requests finish for up to 10 s) and exit 0.
"""
import time

_T0 = time.perf_counter()  # startup_ms counts from here, the top of the entry module

import os  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402

from pycommon.concurrency import ConfigError, effective_concurrency  # noqa: E402
from pycommon.startup import emit_startup_line, listen_port  # noqa: E402

APP = "fastapi"
GRACEFUL_TIMEOUT_S = 10
WORKER_START_TIMEOUT_S = 60


def build_config(port: int, workers: int):
    import uvicorn

    return uvicorn.Config(
        "benchapi:app",
        host="0.0.0.0",
        port=port,
        workers=workers,
        loop="uvloop",  # libuv event loop (Cython): the fastest loop uvicorn supports
        http="benchproto:JSONErrorHttpToolsProtocol",  # httptools (llhttp) parser, JSON error pages
        lifespan="off",  # the app has no startup/shutdown handlers
        access_log=False,
        log_level="info",  # uvicorn logs to stderr; stdout carries only the startup line
        timeout_keep_alive=75,  # seconds an idle keep-alive connection stays open
        timeout_graceful_shutdown=GRACEFUL_TIMEOUT_S,
        timeout_worker_healthcheck=10,
    )


def run_single(config, port: int) -> int:
    from uvicorn import Server

    class AnnouncingServer(Server):
        async def startup(self, sockets=None):
            await super().startup(sockets=sockets)
            if not self.should_exit:
                emit_startup_line(APP, port, (time.perf_counter() - _T0) * 1000.0, 1)

    server = AnnouncingServer(config)
    server.run()
    return 0 if server.started else 3


def run_multi(config, port: int, workers: int) -> int:
    import logging

    from uvicorn.supervisors import Multiprocess

    logger = logging.getLogger("uvicorn.error")

    class AnnouncingMultiprocess(Multiprocess):
        announced = False
        stopped_by_signal = False

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)

            # uvicorn only queues signals and looks at the queue every 0.5 s; stop at once instead
            # (the main loop's Event.wait returns as soon as the handler sets the event).
            # (No logging in the handler: it could interrupt the main thread inside the logging lock.)
            def stop(sig, frame) -> None:
                self.stopped_by_signal = True
                self.should_exit.set()

            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, stop)

        def init_processes(self) -> None:
            super().init_processes()
            for process in self.processes:
                if not process.wait_until_ready(WORKER_START_TIMEOUT_S, self.should_exit):
                    return  # keep_subprocess_alive() sees the failed worker; no startup line
            emit_startup_line(APP, port, (time.perf_counter() - _T0) * 1000.0, workers)
            self.announced = True

        def terminate_all(self) -> None:
            # Stop accepting: close the parent's copy of the listening socket first, so that no
            # new connection queues on it while the workers drain.
            if self.stopped_by_signal:
                logger.info("Received a stop signal, stopping the workers.")
            for sock in self.sockets:
                sock.close()
            super().terminate_all()

        def join_all(self) -> None:
            # Workers finish in-flight requests for up to GRACEFUL_TIMEOUT_S; a worker still busy
            # after that (a thread still counting primes) is killed rather than waited for.
            deadline = time.monotonic() + GRACEFUL_TIMEOUT_S + 2
            for process in self.processes:
                process.process.join(max(0.0, deadline - time.monotonic()))
                if process.process.exitcode is None:
                    process.kill()
                    process.process.join()

    supervisor = AnnouncingMultiprocess(config, sockets=[config.bind_socket()])
    supervisor.run()
    # A stop signal is a clean exit even when it arrived before every worker was ready.
    return 0 if supervisor.announced or supervisor.stopped_by_signal else 3


def main() -> int:
    try:
        port = listen_port()
        workers = effective_concurrency()
    except ConfigError as err:
        sys.stderr.write(f"{APP}: startup error: {err}\n")
        return 2
    config = build_config(port, workers)
    if workers == 1:
        # uvicorn re-raises a caught SIGTERM/SIGINT with the previous handler after its graceful
        # shutdown; with the default handlers that would end the process "killed by signal"
        # (exit 143/130) instead of exit 0. Harmless handlers make that re-raise a no-op.
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: None)
        return run_single(config, port)
    return run_multi(config, port, workers)


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Exit now: after the 10 s grace period a thread may still be counting primes for a request
    # that was given up on; the interpreter would otherwise wait for it.
    os._exit(code)
