//! The `/compute` workload: count primes ≤ n by odd-only trial division.

/// Counts k in 2..=n where k == 2, or k is odd and no odd d with 3 ≤ d and d·d ≤ k divides k.
///
/// The algorithm every app runs, operation for operation: `u64` arithmetic, the bound tested as
/// `d * d <= k` (no floating square root), no sieve, no memo. `n` comes from the request at run
/// time, so nothing can be folded at compile time. For n ≤ 10,000,000, `d * d` stays far below
/// `u64::MAX`.
pub fn count_primes(n: u64) -> u64 {
    if n < 2 {
        return 0;
    }
    let mut count = 1; // k = 2
    let mut k = 3;
    while k <= n {
        let mut d = 3;
        let mut prime = true;
        while d * d <= k {
            if k % d == 0 {
                prime = false;
                break;
            }
            d += 2;
        }
        if prime {
            count += 1;
        }
        k += 2;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::count_primes;

    #[test]
    fn known_prime_counts() {
        for (n, expected) in [
            (0, 0),
            (1, 0),
            (2, 1),
            (3, 2),
            (4, 2),
            (9, 4),
            (10, 4),
            (25, 9),
            (1_000, 168),
            (10_000, 1_229),
            (500_000, 41_538),
        ] {
            assert_eq!(count_primes(n), expected, "pi({n})");
        }
    }

    #[test]
    fn squares_of_primes_are_not_prime() {
        // 9, 25, 49, 121: the `<=` in `d * d <= k` matters.
        assert_eq!(count_primes(8), count_primes(9));
        assert_eq!(count_primes(24), count_primes(25));
        assert_eq!(count_primes(48), count_primes(49));
        assert_eq!(count_primes(120), count_primes(121));
    }
}
