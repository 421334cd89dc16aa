package main

import "testing"

func TestGoMemLimit(t *testing.T) {
	for _, tc := range []struct {
		name        string
		env, v2, v1 string
		want        int64
		set         bool
	}{
		{"no limit", "", "", "", 0, false},
		{"v2 max", "", "max", "", 0, false},
		{"v2 256Mi", "", "268435456", "", 241591910, true},
		{"v1 unlimited", "", "", "9223372036854771712", 0, false},
		{"v1 512Mi", "", "", "536870912", 483183820, true},
		{"env wins", "100MiB", "268435456", "", 0, false},
		{"garbage", "", "lots", "", 0, false},
	} {
		got, ok := goMemLimit(tc.env, tc.v2, tc.v1)
		if got != tc.want || ok != tc.set {
			t.Errorf("%s: goMemLimit = %d, %v; want %d, %v", tc.name, got, ok, tc.want, tc.set)
		}
	}
}
