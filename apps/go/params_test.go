package main

import (
	"strings"
	"testing"
)

func TestFormDecode(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"abc", "abc"},
		{"a+b", "a b"},
		{"%20", " "},
		{"%2B", "+"},
		{"%2b", "+"},
		{"%6e", "n"},
		{"%zz", "%zz"},
		{"%", "%"},
		{"%4", "%4"},
		{"10%", "10%"},
		{"%%31", "%1"},
		{"%3%31", "%31"},
		{"%E2%82%AC", "€"},
	} {
		if got := formDecode(tc.in); got != tc.want {
			t.Errorf("formDecode(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLookupFirst(t *testing.T) {
	for _, tc := range []struct {
		query, value string
		found        bool
	}{
		{"", "", false},
		{"x=1", "", false},
		{"n=10", "10", true},
		{"n=10&n=x", "10", true},
		{"n=x&n=10", "x", true},
		{"n", "", true},
		{"n&n=5", "", true},
		{"n=", "", true},
		{"n==5", "=5", true},
		{"&&n=7&", "7", true},
		{"N=5", "", false},
		{"%6e=5", "5", true},
		{"n+=5", "", false},
		{"x=%zz&n=10", "10", true},
		{"n%zz=1&n=2", "2", true},
		{"n=%zz", "%zz", true},
		{"n=%2010", " 10", true},
		{"n=1+0", "1 0", true},
		{"n=10;x=1", "10;x=1", true},
		{"nn=1&n=3", "3", true},
	} {
		v, found := lookupFirst(tc.query, "n")
		if v != tc.value || found != tc.found {
			t.Errorf("lookupFirst(%q) = %q, %v; want %q, %v", tc.query, v, found, tc.value, tc.found)
		}
	}
}

func TestParseBounded(t *testing.T) {
	const lo, hi = 2, 10_000_000
	for _, tc := range []struct {
		in   string
		want uint64
		err  error
	}{
		{"10", 10, nil},
		{"2", 2, nil},
		{"10000000", 10_000_000, nil},
		{"0000000000000000000000010", 10, nil},
		{"00000000000000000000000000000000000000010000000", 10_000_000, nil},
		{"1", 0, errOutOfRange},
		{"0", 0, errOutOfRange},
		{"000", 0, errOutOfRange},
		{"10000001", 0, errOutOfRange},
		{"99999999999999999999999999", 0, errOutOfRange},
		{"18446744073709551615", 0, errOutOfRange}, // max uint64
		{"18446744073709551616", 0, errOutOfRange}, // max uint64 + 1
		{strings.Repeat("9", 40), 0, errOutOfRange},
		{"4" + strings.Repeat("0", 39), 0, errOutOfRange},
		{"", 0, errNotDigits},
		{"-1", 0, errNotDigits},
		{"+10", 0, errNotDigits},
		{"10.0", 0, errNotDigits},
		{"1e3", 0, errNotDigits},
		{"0x10", 0, errNotDigits},
		{" 10", 0, errNotDigits},
		{"10 ", 0, errNotDigits},
		{"1 0", 0, errNotDigits},
		{"%zz", 0, errNotDigits},
		{"١٠", 0, errNotDigits}, // Arabic-Indic digits are not [0-9]
		{"１０", 0, errNotDigits}, // fullwidth digits
	} {
		got, err := parseBounded(tc.in, lo, hi)
		if got != tc.want || err != tc.err {
			t.Errorf("parseBounded(%q) = %d, %v; want %d, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestQueryParam(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  uint64
		ok    bool
	}{
		{"", 10000, true},
		{"size=5", 10000, true},
		{"n=1000", 1000, true},
		{"n=10&n=x", 10, true},
		{"n=x&n=10", 0, false},
		{"x=%zz&n=10", 10, true},
		{"n=%2010", 0, false},
		{"n=", 0, false},
		{"n", 0, false},
		{"n=-1", 0, false},
		{"n=1e3", 0, false},
		{"n=%31%30", 10, true},
		{"n=99999999999999999999999999", 0, false},
	} {
		got, err := queryParam(tc.query, "n", 10000, 2, 10_000_000)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("queryParam(%q) = %d, %v; want %d, ok=%v", tc.query, got, err, tc.want, tc.ok)
		}
	}
}

// FuzzQueryParam: no input panics, and an accepted value is in range and is what its first
// occurrence says. `go test ./...` runs the seed corpus; `go test -fuzz=FuzzQueryParam` explores.
func FuzzQueryParam(f *testing.F) {
	for _, s := range []string{"", "n=10", "n=10&n=x", "n=x&n=10", "x=%zz&n=10", "n=%2010", "n=%", "n=0000000000000000000000010",
		"n=99999999999999999999999999", "n=1e3", "n", "&&&", "n=+5", "%6e=%31%30", "n=10000000", "n=10000001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		v, err := queryParam(q, "n", 10000, 2, 10_000_000)
		if err != nil {
			if err != errNotDigits && err != errOutOfRange {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if v < 2 || v > 10_000_000 {
			t.Fatalf("queryParam(%q) = %d, out of range", q, v)
		}
		if raw, found := lookupFirst(q, "n"); found {
			trimmed := strings.TrimLeft(raw, "0")
			if trimmed == "" || strings.Trim(trimmed, "0123456789") != "" {
				t.Fatalf("queryParam(%q) accepted %q", q, raw)
			}
		} else if v != 10000 {
			t.Fatalf("queryParam(%q) = %d without n, want the default", q, v)
		}
	})
}
