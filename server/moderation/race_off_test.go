//go:build !race

package moderation_test

const raceEnabled = false
