package main

import "testing"

func TestCountPrimes(t *testing.T) {
	for _, tc := range []struct{ n, want uint64 }{
		{0, 0}, {1, 0}, {2, 1}, {3, 2}, {4, 2}, {9, 4}, {10, 4}, {25, 9}, {49, 15}, {100, 25},
		{1000, 168}, {10000, 1229}, {500000, 41538},
	} {
		if got := countPrimes(tc.n); got != tc.want {
			t.Errorf("countPrimes(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
}

func BenchmarkCountPrimes500k(b *testing.B) {
	for b.Loop() {
		if countPrimes(500000) != 41538 {
			b.Fatal("wrong count")
		}
	}
}
