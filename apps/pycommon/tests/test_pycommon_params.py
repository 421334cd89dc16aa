import pytest

from pycommon.params import ParamError, compute_n, first_values, parse_bounded, payload_size

# (query string, expected n or None for a 400)
N_CASES = [
    ("", 10000),
    ("n=10", 10),
    ("n=2", 2),
    ("n=10000000", 10_000_000),
    ("n=0000000000000000000000010", 10),
    ("n=00002", 2),
    ("n=1", None),
    ("n=0", None),
    ("n=000", None),
    ("n=10000001", None),
    ("n=-1", None),
    ("n=+5", None),
    ("n=%2B5", None),
    ("n=1.0", None),
    ("n=10.", None),
    ("n=1e3", None),
    ("n=1E3", None),
    ("n=0x10", None),
    ("n=%2010", None),
    ("n=10%20", None),
    ("n=+10", None),  # "+" decodes to a space
    ("n=1+0", None),
    ("n= 10", None),
    ("n=", None),
    ("n", None),
    ("n=abc", None),
    ("n=1_000", None),
    ("n=%EF%BC%91%EF%BC%90", None),  # fullwidth digits: str.isdigit() is True, the contract says no
    ("n=%C2%B2", None),  # superscript two
    ("n=10%0A", None),  # a trailing newline must not slip through like `$` would let it
    ("n=%zz", None),
    ("n=%", None),
    ("n=%FF%FE", None),  # invalid UTF-8
    ("n=99999999999999999999999999", None),
    ("n=" + "9" * 40, None),
    ("n=" + "1" * 5000, None),  # beyond CPython's 4300-digit int() limit: still a clean 400
    ("n=" + "0" * 5000 + "10", 10),  # leading zeros of any length
    ("n=10&n=x", 10),  # first occurrence wins
    ("n=x&n=10", None),
    ("n=&n=10", None),
    ("n&n=10", None),
    ("N=5", 10000),  # names are case-sensitive
    ("nn=5&n=7", 7),
    ("x=1&n=12&y", 12),
    ("%6E=11", 11),  # names are percent-decoded too
    ("n=%31%32", 12),
    ("&&n=13&&", 13),
    ("n=14=15", None),  # the pair splits on the FIRST "=": value "14=15"
    ("size=5", 10000),
]


@pytest.mark.parametrize("query,expected", N_CASES, ids=[c[0][:40] or "<empty>" for c in N_CASES])
def test_compute_n(query, expected):
    if expected is None:
        with pytest.raises(ParamError) as info:
            compute_n(query)
        assert info.value.name == "n"
        assert info.value.body()["error"] == "invalid parameter n"
    else:
        assert compute_n(query) == expected


SIZE_CASES = [
    ("", 100),
    ("size=1", 1),
    ("size=100000", 100_000),
    ("size=0", None),
    ("size=100001", None),
    ("size=-3", None),
    ("size=3.5", None),
    ("size=" + "5" * 5000, None),
    ("size=7&size=8", 7),
    ("size=x&size=8", None),
    ("n=5", 100),
]


@pytest.mark.parametrize("query,expected", SIZE_CASES, ids=[c[0][:40] or "<empty>" for c in SIZE_CASES])
def test_payload_size(query, expected):
    if expected is None:
        with pytest.raises(ParamError) as info:
            payload_size(query)
        assert info.value.body() == {"error": "invalid parameter size", "detail": info.value.detail}
    else:
        assert payload_size(query) == expected


def test_first_values_decoding():
    assert first_values("a=1+2&b=%41%2b&c", ("a", "b", "c")) == {"a": "1 2", "b": "A+", "c": ""}
    assert first_values("", ("n",)) == {}
    assert first_values("n=1&n=2", ("n",)) == {"n": "1"}


def test_parse_bounded_edges():
    assert parse_bounded("n", None, 7, 2, 9) == 7
    assert parse_bounded("n", "9", 7, 2, 9) == 9
    assert parse_bounded("n", "000000009", 7, 2, 9) == 9
    with pytest.raises(ParamError):
        parse_bounded("n", "10", 7, 2, 9)
    with pytest.raises(ParamError):
        parse_bounded("n", "1", 7, 2, 9)
