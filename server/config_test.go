package server_test

import (
	"strings"
	"testing"

	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
	"github.com/usine-extraordinaire/fairworld/world"
)

// The tick rate has one rule, the world's: 1 to 100.
func TestTickRateRule(t *testing.T) {
	t.Parallel()
	z := servertest.DefaultZone(t)
	for _, hz := range []int{-1, world.MaxTickRate + 1, 1000} {
		_, err := server.New(server.Config{Zone: z, World: world.Config{TickRate: hz}})
		if err == nil || !strings.Contains(err.Error(), "TickRate") {
			t.Errorf("TickRate %d: got %v, want a refusal", hz, err)
		}
	}
	for _, hz := range []int{0, world.MinTickRate, world.MaxTickRate} {
		if _, err := server.New(server.Config{Zone: z, World: world.Config{TickRate: hz}}); err != nil {
			t.Errorf("TickRate %d refused: %v", hz, err)
		}
	}
}
