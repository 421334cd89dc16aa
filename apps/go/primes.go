package main

// countPrimes counts k in 2..n where k == 2, or k is odd and no odd d with 3 <= d and d*d <= k
// divides k: the one algorithm every app runs. uint64 throughout, integer arithmetic only (no
// floating-point square root: the bound is the product d*d, which cannot overflow for
// n <= 10,000,000), nothing cached between calls, n comes from the request.
func countPrimes(n uint64) uint64 {
	var count uint64
	for k := uint64(2); k <= n; k++ {
		if k == 2 {
			count++
			continue
		}
		if k%2 == 0 {
			continue
		}
		prime := true
		for d := uint64(3); d*d <= k; d += 2 {
			if k%d == 0 {
				prime = false
				break
			}
		}
		if prime {
			count++
		}
	}
	return count
}
