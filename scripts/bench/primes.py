# Reference row of `npm run bench:apps`: the contract's prime-counting loop (apps/README.md) in bare
# CPython, timed in-process. The harness passes this file's text to `python3 -c`, with N and RUNS
# as arguments, and reads one JSON line: {"n":N,"prime_count":C,"durations_ms":[...]}.
import json
import sys
import time


def count_primes(n):
    # The contract's loop in its fastest plain-CPython shape (the shape apps/pycommon uses): 2 is
    # counted up front, only odd k are visited, and while/else counts k when no divisor broke out.
    if n < 2:
        return 0
    count = 1
    for k in range(3, n + 1, 2):
        d = 3
        while d * d <= k:
            if k % d == 0:
                break
            d += 2
        else:
            count += 1
    return count


def main():
    n, runs = int(sys.argv[1]), int(sys.argv[2])
    durations = []
    count = 0
    for _ in range(runs):
        start = time.perf_counter_ns()
        count = count_primes(n)
        durations.append((time.perf_counter_ns() - start) / 1e6)
    print(json.dumps({"n": n, "prime_count": count, "durations_ms": durations}))


main()
