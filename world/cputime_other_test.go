//go:build !linux

package world

import "time"

var start = time.Now()

// threadCPU falls back to the wall clock where the thread clock is not wired.
func threadCPU() time.Duration { return time.Since(start) }
