//go:build race

package moderation_test

// raceEnabled: the race detector makes sync.Pool drop items at random, so
// a pooled buffer is sometimes allocated again.
const raceEnabled = true
