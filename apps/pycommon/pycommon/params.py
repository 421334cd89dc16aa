"""Query-string parsing and parameter validation (apps/README.md, "Query strings" and
"Parameter values").

The rules differ from every framework's own parsing: the FIRST occurrence of a name wins,
values must be ASCII digits only (no sign, no spaces, no decimal point, no exponent), any
number of leading zeros is allowed, and the range check compares magnitudes, so an
arbitrarily long digit string is "out of range", never an int() conversion error (CPython
refuses int() of strings longer than 4300 digits) nor an overflow.
"""
from __future__ import annotations

from urllib.parse import unquote_plus


class ParamError(ValueError):
    """A parameter value broke the contract: the response is 400 {"error": "invalid parameter <name>"}."""

    def __init__(self, name: str, detail: str) -> None:
        super().__init__(f"invalid parameter {name}: {detail}")
        self.name = name
        self.detail = detail

    def body(self) -> dict:
        return {"error": f"invalid parameter {self.name}", "detail": self.detail}


def first_values(query: str, names: tuple[str, ...]) -> dict[str, str]:
    """Returns the first value of each of ``names`` present in the raw query string.

    The string is split on "&", each pair on its first "="; names and values are
    percent-decoded with "+" meaning space; a pair without "=" has the empty value; names are
    case-sensitive; other names are ignored. Invalid UTF-8 or stray "%" never raise (they
    simply produce a value that fails the digit rule).
    """
    found: dict[str, str] = {}
    if not query:
        return found
    for pair in query.split("&"):
        raw_name, sep, raw_value = pair.partition("=")
        name = unquote_plus(raw_name) if ("%" in raw_name or "+" in raw_name) else raw_name
        if name in names and name not in found:
            found[name] = unquote_plus(raw_value) if sep else ""
            if len(found) == len(names):
                break
    return found


def parse_bounded(name: str, value: str | None, default: int, lo: int, hi: int) -> int:
    """Validates one decoded value: ``None`` (absent) gives ``default``; otherwise the value must
    be ASCII digits only and lo <= value <= hi, compared by magnitude. Raises ParamError."""
    if value is None:
        return default
    # str.isdigit() alone accepts non-ASCII digits such as "²" or "٣"; the contract is [0-9]+.
    if not value or not (value.isascii() and value.isdigit()):
        raise ParamError(name, f"must be a decimal integer between {lo} and {hi} (digits only)")
    significant = value.lstrip("0")
    if len(significant) > len(str(hi)):  # longer than the bound: out of range by magnitude
        raise ParamError(name, f"must be between {lo} and {hi}")
    number = int(significant) if significant else 0
    if number < lo or number > hi:
        raise ParamError(name, f"must be between {lo} and {hi}")
    return number


N_DEFAULT, N_MIN, N_MAX = 10_000, 2, 10_000_000
SIZE_DEFAULT, SIZE_MIN, SIZE_MAX = 100, 1, 100_000


def compute_n(query: str) -> int:
    """The validated ``n`` of a /compute query string (raises ParamError)."""
    return parse_bounded("n", first_values(query, ("n",)).get("n"), N_DEFAULT, N_MIN, N_MAX)


def payload_size(query: str) -> int:
    """The validated ``size`` of a /payload query string (raises ParamError)."""
    return parse_bounded("size", first_values(query, ("size",)).get("size"), SIZE_DEFAULT, SIZE_MIN, SIZE_MAX)
