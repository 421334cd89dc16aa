package main

// Go's garbage collector does not look at the container memory limit: with the default GOGC=100
// the heap may grow to twice the live heap before a collection, so a burst of large /payload
// responses can take a pod past its limit and get it OOM-killed while a collection would have
// freed enough. Go's GC guide recommends a soft memory limit in containers; we derive it as 90 %
// of the cgroup memory limit (the rest covers goroutine stacks, runtime metadata, and memory
// the runtime has not yet returned to the OS). GOGC stays at its default, so below the limit
// the collector behaves exactly as out of the box, and the runtime caps GC CPU near the limit so
// it degrades rather than thrashes. An explicit GOMEMLIMIT in the environment always wins (the
// runtime has already applied it), and with no memory limit nothing is set.

import (
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// memLimitTenths is the share of the cgroup memory limit given to GOMEMLIMIT, in tenths.
const memLimitTenths = 9

// memoryLimit parses cgroup v2 memory.max ("max" or bytes) or, failing that, v1
// memory.limit_in_bytes (a huge number means no limit). false means no limit.
func memoryLimit(v2Max, v1Limit string) (int64, bool) {
	s := strings.TrimSpace(v2Max)
	if s == "" {
		s = strings.TrimSpace(v1Limit)
	}
	if s == "" || s == "max" {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 || v >= 1<<62 { // v1 reports "no limit" as ~2^63 rounded to a page
		return 0, false
	}
	return v, true
}

// goMemLimit returns the soft limit to set, or false to leave the runtime alone.
func goMemLimit(envGOMEMLIMIT, v2Max, v1Limit string) (int64, bool) {
	if envGOMEMLIMIT != "" {
		return 0, false
	}
	limit, ok := memoryLimit(v2Max, v1Limit)
	if !ok {
		return 0, false
	}
	return limit/10*memLimitTenths + limit%10*memLimitTenths/10, true // floor(limit*0.9), no overflow
}

// applyMemoryLimit reads the cgroup files and sets the soft limit; returns the value set or -1.
func applyMemoryLimit() int64 {
	limit, ok := goMemLimit(os.Getenv("GOMEMLIMIT"),
		readSmall("/sys/fs/cgroup/memory.max"),
		readSmall("/sys/fs/cgroup/memory/memory.limit_in_bytes"))
	if !ok {
		return -1
	}
	debug.SetMemoryLimit(limit)
	return limit
}
