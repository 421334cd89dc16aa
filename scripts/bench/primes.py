# Reference row of `npm run bench:apps`: the contract's prime-counting loop (apps/README.md) in bare
# CPython, timed in-process. The harness passes this file's text to `python3 -c`, with N and RUNS
# and the apps/pycommon folder as arguments, and reads one JSON line: {"n":N,"prime_count":C,"durations_ms":[...]}.
import json
import sys
import time

# The apps' own loop, imported without any web framework: the reference is the same code the
# Python apps run, so the ratio measures only framework overhead. argv[3] is apps/pycommon.
sys.path.insert(0, sys.argv[3])
from pycommon.primes import count_primes  # noqa: E402


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
