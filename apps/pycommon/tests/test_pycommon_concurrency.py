import pytest

from pycommon.concurrency import (
    ConfigError,
    cpus_from_cfs,
    cpus_from_cpu_max,
    derive,
    effective_concurrency,
    parse_override,
)
from pycommon.startup import listen_port, startup_line


@pytest.mark.parametrize(
    "text,expected",
    [
        ("max 100000\n", None),
        ("100000 100000\n", 1),
        ("50000 100000\n", 1),  # half a CPU rounds up to 1
        ("150000 100000\n", 2),
        ("200000 100000\n", 2),
        ("200001 100000\n", 3),
        ("400000 100000\n", 4),
        ("1000 100000\n", 1),
        ("250000 50000\n", 5),
        ("", None),
        (None, None),
        ("garbage\n", None),
        ("0 100000\n", None),
        ("100000 0\n", None),
        ("-1 100000\n", None),
    ],
)
def test_cpu_max(text, expected):
    assert cpus_from_cpu_max(text) == expected


@pytest.mark.parametrize(
    "quota,period,expected",
    [("-1\n", "100000\n", None), ("50000\n", "100000\n", 1), ("300000\n", "100000\n", 3), (None, "100000", None), ("x", "1", None)],
)
def test_cfs(quota, period, expected):
    assert cpus_from_cfs(quota, period) == expected


@pytest.mark.parametrize(
    "override,cpu_max,quota,period,affinity,expected",
    [
        (None, "max 100000\n", None, None, 8, 8),  # no limit: the affinity count
        (None, "50000 100000\n", None, None, 8, 1),
        (None, "150000 100000\n", None, None, 8, 2),
        (None, "800000 100000\n", None, None, 2, 2),  # capped by the affinity mask
        (None, None, "250000\n", "100000\n", 8, 3),  # cgroup v1
        (None, None, "-1\n", "100000\n", 4, 4),
        (None, None, None, None, 6, 6),  # no cgroup files at all
        (None, None, None, None, 0, 1),  # at least 1
        ("", "150000 100000\n", None, None, 8, 2),  # empty override means unset
        ("3", "50000 100000\n", None, None, 2, 3),  # the override wins, even above the limit
        ("007", None, None, None, 2, 7),
    ],
)
def test_derive(override, cpu_max, quota, period, affinity, expected):
    assert derive(override, cpu_max, quota, period, affinity) == expected


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", " 2", "2 ", "1e3", "1025", "9" * 40, "²"])
def test_invalid_override_names_variable_and_value(value):
    with pytest.raises(ConfigError) as info:
        parse_override(value)
    assert "CONCURRENCY" in str(info.value) and repr(value) in str(info.value)


def test_effective_concurrency_reads_this_machine():
    assert effective_concurrency({}) >= 1
    assert effective_concurrency({"CONCURRENCY": "5"}) == 5
    with pytest.raises(ConfigError):
        effective_concurrency({"CONCURRENCY": "zero"})


def test_port():
    assert listen_port({}) == 8080
    assert listen_port({"PORT": ""}) == 8080
    assert listen_port({"PORT": "18082"}) == 18082
    for bad in ["0", "65536", "-1", "80a", "99999999"]:
        with pytest.raises(ConfigError, match="PORT"):
            listen_port({"PORT": bad})


def test_startup_line():
    assert startup_line("django", 8080, 123.4567, 2) == (
        '{"event":"listening","app":"django","port":8080,"startup_ms":123.457,"concurrency":2}'
    )
