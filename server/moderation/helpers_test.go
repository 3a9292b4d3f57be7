package moderation_test

import (
	"testing"

	"github.com/usine-extraordinaire/fairworld/server/moderation"
)

func newFilter(tb testing.TB, cfg moderation.Config) *moderation.Filter {
	tb.Helper()
	f, err := moderation.New(cfg)
	if err != nil {
		tb.Fatalf("New(%+v): %v", cfg, err)
	}
	return f
}
