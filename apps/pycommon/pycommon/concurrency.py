"""Effective concurrency (apps/README.md, "Concurrency").

``CONCURRENCY`` (a positive integer) overrides; otherwise the container's CPU limit from cgroup
v2 ``/sys/fs/cgroup/cpu.max`` or cgroup v1 ``cpu.cfs_quota_us``/``cpu.cfs_period_us``, rounded UP
to whole CPUs, at least 1, and never more than the CPUs this process may run on (its affinity
mask); with no limit, the affinity CPU count. ``derive`` is a pure function of the file contents.
"""
from __future__ import annotations

import os

CGROUP_V2_CPU_MAX = "/sys/fs/cgroup/cpu.max"
CGROUP_V1_DIRS = ("/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct")
MAX_OVERRIDE = 1024  # a sanity bound: CONCURRENCY=100000 would fork 100000 processes


class ConfigError(ValueError):
    """An invalid environment setting: a startup error (message names the variable and value)."""


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _digits(text: str) -> int | None:
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= 19:
        return int(text)
    return None


def cpus_from_cpu_max(text: str | None) -> int | None:
    """Whole CPUs allowed by a cgroup v2 ``cpu.max`` ("<quota> <period>" or "max <period>"), rounded
    up; None when unlimited, absent or unreadable."""
    if not text:
        return None
    fields = text.split()
    if len(fields) not in (1, 2) or fields[0] == "max":
        return None
    quota = _digits(fields[0])
    period = _digits(fields[1]) if len(fields) == 2 else 100_000  # the kernel's default period
    if not quota or not period:
        return None
    return max(1, _ceil_div(quota, period))


def cpus_from_cfs(quota_text: str | None, period_text: str | None) -> int | None:
    """Whole CPUs allowed by cgroup v1 ``cpu.cfs_quota_us`` / ``cpu.cfs_period_us`` (quota -1 means
    unlimited), rounded up; None when unlimited, absent or unreadable."""
    if not quota_text or not period_text:
        return None
    quota = _digits(quota_text)  # "-1" (no limit) is not digits
    period = _digits(period_text)
    if not quota or not period:
        return None
    return max(1, _ceil_div(quota, period))


def parse_override(value: str) -> int:
    """Validates a CONCURRENCY value; raises ConfigError naming the variable and the value."""
    number = _digits(value) if value == value.strip() else None
    if number is None or not 1 <= number <= MAX_OVERRIDE:
        raise ConfigError(
            f"invalid CONCURRENCY={value!r}: must be a whole number from 1 to {MAX_OVERRIDE}"
        )
    return number


def derive(
    override: str | None,
    cpu_max: str | None,
    cfs_quota: str | None,
    cfs_period: str | None,
    affinity: int,
) -> int:
    """Pure derivation: the override if given (None or "" means unset), else the cgroup v2 limit,
    else the cgroup v1 limit, capped by the affinity CPU count; at least 1."""
    if override:
        return parse_override(override)
    available = max(1, affinity)
    limit = cpus_from_cpu_max(cpu_max)
    if limit is None:
        limit = cpus_from_cfs(cfs_quota, cfs_period)
    if limit is None:
        return available
    return max(1, min(limit, available))


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def affinity_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def effective_concurrency(environ=os.environ) -> int:
    """Reads CONCURRENCY and the cgroup files of this process and derives the concurrency."""
    cpu_max = _read(CGROUP_V2_CPU_MAX)
    quota = period = None
    if cpu_max is None:
        for directory in CGROUP_V1_DIRS:
            quota = _read(os.path.join(directory, "cpu.cfs_quota_us"))
            period = _read(os.path.join(directory, "cpu.cfs_period_us"))
            if quota is not None:
                break
    return derive(environ.get("CONCURRENCY"), cpu_max, quota, period, affinity_count())
