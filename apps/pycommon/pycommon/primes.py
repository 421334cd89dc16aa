"""The /compute loop, identical in every app of the benchmark (apps/README.md)."""
from __future__ import annotations


def count_primes(n: int) -> int:
    """Counts k in 2..n where k == 2, or k is odd and no odd d with 3 <= d and d*d <= k divides k.

    Plain Python ints, integer arithmetic only: no math.isqrt, no float, no sieve, no caching.
    """
    if n < 2:
        return 0
    count = 1  # k == 2
    for k in range(3, n + 1, 2):
        d = 3
        while d * d <= k:
            if k % d == 0:
                break
            d += 2
        else:
            count += 1
    return count
