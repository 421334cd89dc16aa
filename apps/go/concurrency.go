package main

// Concurrency (apps/README.md, "Process details"): CONCURRENCY overrides; otherwise the cgroup CPU
// limit rounded UP to whole CPUs, at least 1, never more than the affinity CPU count; with no
// limit, the affinity CPU count. The parsing is a pure function of the files' contents so the
// tests can feed it sample cpu.max texts; readCgroupCPU does the I/O.
//
// The result becomes GOMAXPROCS. Go 1.25+ already derives a container-aware default, but
// differently: min(affinity CPUs, max(2, ceil(quota/period))), i.e. never below 2 when two or
// more CPUs are usable (runtime/cgroup_linux.go, adjustCgroupGOMAXPROCS), and it re-reads the
// limit periodically. A 1-CPU or 500m limit would therefore get GOMAXPROCS=2 from Go but 1 here,
// where every app must report and use the same rule. Setting it explicitly also turns off Go's
// periodic re-read, so the value reported at startup stays the value in use.

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// maxConcurrency bounds CONCURRENCY: beyond this a value is a typo, not a CPU count.
const maxConcurrency = 1024

// cgroupCPU holds the raw contents of the cgroup CPU limit files; a field is "" when the file
// could not be read.
type cgroupCPU struct {
	v2Max    string // /sys/fs/cgroup/cpu.max: "<quota> <period>" or "max <period>"
	v1Quota  string // cpu.cfs_quota_us: microseconds, -1 for no limit
	v1Period string // cpu.cfs_period_us
}

// cpuLimit returns the CPU limit rounded up to whole CPUs, and false when there is no limit or
// the files are absent or unreadable (treated as no limit). cgroup v2 wins when present.
func cpuLimit(c cgroupCPU) (int, bool) {
	if c.v2Max != "" {
		f := strings.Fields(c.v2Max)
		if len(f) < 1 || f[0] == "max" {
			return 0, false
		}
		period := "100000" // the kernel default when cpu.max holds the quota alone
		if len(f) >= 2 {
			period = f[1]
		}
		return ceilDiv(f[0], period)
	}
	if c.v1Quota != "" && c.v1Period != "" {
		return ceilDiv(strings.TrimSpace(c.v1Quota), strings.TrimSpace(c.v1Period))
	}
	return 0, false
}

// ceilDiv parses quota and period as positive integers and returns ceil(quota/period).
// A non-positive quota (v1 uses -1) or anything unparsable means no limit.
func ceilDiv(quotaS, periodS string) (int, bool) {
	quota, err1 := strconv.ParseInt(quotaS, 10, 64)
	period, err2 := strconv.ParseInt(periodS, 10, 64)
	if err1 != nil || err2 != nil || quota <= 0 || period <= 0 {
		return 0, false
	}
	n := quota / period
	if quota%period != 0 {
		n++
	}
	if n > maxConcurrency { // keeps the int conversion safe; capped by affinity anyway
		n = maxConcurrency
	}
	return int(n), true
}

// deriveConcurrency applies the rule. env/envSet are CONCURRENCY's value and presence; an empty
// value counts as unset (as Go treats an empty GOMAXPROCS). affinity is the number of CPUs the
// process may run on. source says where the value came from.
func deriveConcurrency(env string, envSet bool, c cgroupCPU, affinity int) (n int, source string, err error) {
	if envSet && env != "" {
		v, perr := parseBounded(env, 1, maxConcurrency)
		if perr != nil {
			return 0, "", fmt.Errorf("invalid CONCURRENCY value %q: must be a whole number from 1 to %d", env, maxConcurrency)
		}
		return int(v), "CONCURRENCY", nil
	}
	if affinity < 1 {
		affinity = 1
	}
	if limit, ok := cpuLimit(c); ok {
		return min(max(limit, 1), affinity), "cgroup", nil
	}
	return affinity, "affinity", nil
}

// readCgroupCPU reads the limit files. Unreadable files are left empty.
func readCgroupCPU() cgroupCPU {
	var c cgroupCPU
	c.v2Max = readSmall("/sys/fs/cgroup/cpu.max")
	if c.v2Max != "" {
		return c
	}
	for _, dir := range []string{"/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"} {
		q, p := readSmall(dir+"/cpu.cfs_quota_us"), readSmall(dir+"/cpu.cfs_period_us")
		if q != "" && p != "" {
			c.v1Quota, c.v1Period = q, p
			return c
		}
	}
	return c
}

// readSmall returns a small file's contents with surrounding space trimmed, or "" on error.
func readSmall(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
