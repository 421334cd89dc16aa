/*
 * Reference row of `npm run bench:apps`: the contract's prime-counting loop (apps/README.md) in C,
 * compiled with gcc -O2 and timed directly, so each app's /compute time can be read as a ratio
 * over the bare algorithm. N comes from argv, so nothing can be folded at compile time.
 *
 * usage: primes N RUNS  ->  {"n":N,"prime_count":C,"durations_ms":[...]}
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t count_primes(uint64_t n) {
  uint64_t count = 0;
  for (uint64_t k = 2; k <= n; k++) {
    if (k == 2) {
      count++;
      continue;
    }
    if (k % 2 == 0) continue;
    int prime = 1;
    for (uint64_t d = 3; d * d <= k; d += 2) {
      if (k % d == 0) {
        prime = 0;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s N RUNS\n", argv[0]);
    return 2;
  }
  uint64_t n = strtoull(argv[1], NULL, 10);
  int runs = atoi(argv[2]);
  uint64_t count = 0;
  printf("{\"n\":%llu,\"durations_ms\":[", (unsigned long long)n);
  for (int i = 0; i < runs; i++) {
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    count = count_primes(n);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
    printf("%s%.6f", i == 0 ? "" : ",", ms);
  }
  printf("],\"prime_count\":%llu}\n", (unsigned long long)count);
  return 0;
}
