package main

import (
	"runtime/debug"
)

// Garbage collection for a server: the directory's working set is small
// (a few hundred MiB at a million children) while a search allocates
// briskly, so collecting at Go's default (heap growth of 100%) spent about
// a tenth of the CPU of an audited search. Collecting at 400% growth, under
// a soft limit well inside the 2 GiB budget, gave 1,636 -> 1,956 searches/s
// at 1,000,000 children (docs/benchmarks.md). GOGC and GOMEMLIMIT, when
// set, win.
const (
	serverGCPercent   = 400
	serverMemoryLimit = 1536 << 20
)

// tuneServerGC applies the server's collector settings unless the
// environment sets its own, and returns what undoes them.
func (m *Main) tuneServerGC() (undo func()) {
	gc, limit := -2, int64(-2)
	if m.Getenv("GOGC") == "" {
		gc = debug.SetGCPercent(serverGCPercent)
	}
	if m.Getenv("GOMEMLIMIT") == "" {
		limit = debug.SetMemoryLimit(serverMemoryLimit)
	}
	return func() {
		if gc != -2 {
			debug.SetGCPercent(gc)
		}
		if limit != -2 {
			debug.SetMemoryLimit(limit)
		}
	}
}
