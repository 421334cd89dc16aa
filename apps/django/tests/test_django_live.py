"""The real server (gunicorn.conf.py + benchsite) over real sockets: the shared live contract of
../pycommon/pycommon/testing.py (startup line, keep-alive, HEAD, gunicorn's own error pages, long
values, invalid CONCURRENCY, graceful SIGTERM/SIGINT) run against gunicorn."""
import os
import sys

from pycommon.testing import LiveServerContract


class TestLiveServer(LiveServerContract):
    APP = "django"
    APP_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    CMD = [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "-c", "gunicorn.conf.py"]
    # Graceful stop: gunicorn's master with one gthread worker process.
    WORKERS = ("1",)
