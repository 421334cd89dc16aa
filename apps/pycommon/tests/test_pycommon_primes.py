import pytest

from pycommon.primes import count_primes


@pytest.mark.parametrize(
    "n,expected",
    [(0, 0), (1, 0), (2, 1), (3, 2), (4, 2), (9, 4), (10, 4), (25, 9), (49, 15), (1000, 168), (10000, 1229)],
)
def test_known_counts(n, expected):
    assert count_primes(n) == expected


def test_pi_500000():
    assert count_primes(500_000) == 41538


def test_matches_a_sieve_for_small_n():
    limit = 3000
    sieve = bytearray([1]) * (limit + 1)
    sieve[0] = sieve[1] = 0
    for i in range(2, limit + 1):
        if sieve[i]:
            sieve[i * i :: i] = bytearray(len(sieve[i * i :: i]))
    running = 0
    for n in range(limit + 1):
        running += sieve[n]
        if n % 97 == 0 or n < 50:
            assert count_primes(n) == running, n
