package main

import (
	"strings"
	"testing"
)

func TestCPULimit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		c     cgroupCPU
		want  int
		limit bool
	}{
		{"no files", cgroupCPU{}, 0, false},
		{"v2 max", cgroupCPU{v2Max: "max 100000"}, 0, false},
		{"v2 max newline", cgroupCPU{v2Max: "max 100000\n"}, 0, false},
		{"v2 one cpu", cgroupCPU{v2Max: "100000 100000"}, 1, true},
		{"v2 half cpu", cgroupCPU{v2Max: "50000 100000"}, 1, true},
		{"v2 1.5 cpu", cgroupCPU{v2Max: "150000 100000\n"}, 2, true},
		{"v2 2.01 cpu", cgroupCPU{v2Max: "201000 100000"}, 3, true},
		{"v2 four", cgroupCPU{v2Max: "400000 100000"}, 4, true},
		{"v2 tiny", cgroupCPU{v2Max: "1000 100000"}, 1, true},
		{"v2 other period", cgroupCPU{v2Max: "250000 50000"}, 5, true},
		{"v2 quota only", cgroupCPU{v2Max: "200000"}, 2, true},
		{"v2 garbage", cgroupCPU{v2Max: "lots 100000"}, 0, false},
		{"v2 zero period", cgroupCPU{v2Max: "100000 0"}, 0, false},
		{"v2 wins over v1", cgroupCPU{v2Max: "max 100000", v1Quota: "100000", v1Period: "100000"}, 0, false},
		{"v1 unlimited", cgroupCPU{v1Quota: "-1", v1Period: "100000"}, 0, false},
		{"v1 2.5", cgroupCPU{v1Quota: "250000\n", v1Period: "100000\n"}, 3, true},
		{"v1 missing period", cgroupCPU{v1Quota: "250000"}, 0, false},
	} {
		got, ok := cpuLimit(tc.c)
		if got != tc.want || ok != tc.limit {
			t.Errorf("%s: cpuLimit = %d, %v; want %d, %v", tc.name, got, ok, tc.want, tc.limit)
		}
	}
}

func TestDeriveConcurrency(t *testing.T) {
	for _, tc := range []struct {
		name     string
		env      string
		envSet   bool
		c        cgroupCPU
		affinity int
		want     int
		source   string
		err      bool
	}{
		{"no limit uses affinity", "", false, cgroupCPU{}, 8, 8, "affinity", false},
		{"max uses affinity", "", false, cgroupCPU{v2Max: "max 100000"}, 2, 2, "affinity", false},
		{"half cpu is 1 (Go's own default would be 2)", "", false, cgroupCPU{v2Max: "50000 100000"}, 8, 1, "cgroup", false},
		{"1.5 rounds up", "", false, cgroupCPU{v2Max: "150000 100000"}, 8, 2, "cgroup", false},
		{"capped by affinity", "", false, cgroupCPU{v2Max: "800000 100000"}, 2, 2, "cgroup", false},
		{"v1 quota", "", false, cgroupCPU{v1Quota: "300000", v1Period: "100000"}, 16, 3, "cgroup", false},
		{"override", "3", true, cgroupCPU{v2Max: "100000 100000"}, 1, 3, "CONCURRENCY", false},
		{"override leading zeros", "0004", true, cgroupCPU{}, 2, 4, "CONCURRENCY", false},
		{"empty means unset", "", true, cgroupCPU{}, 2, 2, "affinity", false},
		{"zero", "0", true, cgroupCPU{}, 2, 0, "", true},
		{"negative", "-2", true, cgroupCPU{}, 2, 0, "", true},
		{"word", "four", true, cgroupCPU{}, 2, 0, "", true},
		{"fraction", "1.5", true, cgroupCPU{}, 2, 0, "", true},
		{"space", " 2", true, cgroupCPU{}, 2, 0, "", true},
		{"huge", "99999999999999999999", true, cgroupCPU{}, 2, 0, "", true},
		{"zero affinity still 1", "", false, cgroupCPU{}, 0, 1, "affinity", false},
	} {
		got, source, err := deriveConcurrency(tc.env, tc.envSet, tc.c, tc.affinity)
		if (err != nil) != tc.err || got != tc.want || source != tc.source {
			t.Errorf("%s: deriveConcurrency = %d, %q, %v; want %d, %q, err=%v", tc.name, got, source, err, tc.want, tc.source, tc.err)
		}
		if err != nil && (!strings.Contains(err.Error(), "CONCURRENCY") || !strings.Contains(err.Error(), `"`+tc.env+`"`)) {
			t.Errorf("%s: error %q must name the variable and the value", tc.name, err)
		}
	}
}

func TestPortFromEnv(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		err  bool
	}{{"", 8080, false}, {"18081", 18081, false}, {"0", 0, false}, {"65535", 65535, false}, {"65536", 0, true}, {"http", 0, true}, {"-1", 0, true}} {
		got, err := portFromEnv(tc.in)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("portFromEnv(%q) = %d, %v", tc.in, got, err)
		}
	}
}
