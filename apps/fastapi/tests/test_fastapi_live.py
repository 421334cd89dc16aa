"""The real server (serve.py + benchapi under uvicorn) over real sockets: the shared live contract
of ../pycommon/pycommon/testing.py (startup line, keep-alive, HEAD, uvicorn's own error pages, long
values, invalid CONCURRENCY, graceful SIGTERM/SIGINT) run against serve.py."""
import os
import sys

from pycommon.testing import LiveServerContract


class TestLiveServer(LiveServerContract):
    APP = "fastapi"
    APP_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    CMD = [sys.executable, "serve.py"]
    # serve.py has two worker models, both stopped gracefully: a single uvicorn process (1), and
    # uvicorn's multiprocess supervisor forwarding the signal to its workers (2).
    WORKERS = ("1", "2")
