"""Logic shared by the Python benchmark targets (apps/django, apps/fastapi).

Everything here is framework-free and mostly pure, so the two apps do the same work and the
contract details of ../../README.md live in one place:

- params:      query-string parsing and the digit-only, first-occurrence-wins parameter rule
- primes:      the prime-counting loop (odd trial division, integers only)
- payload:     the /payload body, built and serialised in one timed step
- responses:   the bodies of /health and /compute and the error bodies
- concurrency: CONCURRENCY override, cgroup v2/v1 CPU limit, affinity cap
- startup:     PORT, the startup line
"""
