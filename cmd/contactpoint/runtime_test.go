package main

import (
	"runtime/debug"
	"testing"
)

func TestTuneServerGC(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)

	m := &Main{Getenv: func(string) string { return "" }}
	undo := m.tuneServerGC()
	if got := debug.SetGCPercent(serverGCPercent); got != serverGCPercent {
		t.Errorf("GC percent after tuning: %d; want %d", got, serverGCPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != serverMemoryLimit {
		t.Errorf("memory limit after tuning: %d; want %d", got, serverMemoryLimit)
	}
	undo()
	if got := debug.SetGCPercent(-1); got != 100 {
		t.Errorf("GC percent after undo: %d; want 100 again", got)
	}
	debug.SetGCPercent(100)

	// The operator's GOGC wins.
	m = &Main{Getenv: func(k string) string {
		if k == "GOGC" {
			return "150"
		}
		return ""
	}}
	undo = m.tuneServerGC()
	defer undo()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC percent with GOGC set: %d; want it left at 100", got)
	}
}
