package loadtest

import (
	"bytes"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

// The tool against the real server, in-process: zone over HTTP, density
// plan on the real map, hotspots, echo latency.
func TestE2ERun(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	var live bytes.Buffer
	sum, err := Run(t.Context(), Config{
		URL: in.URL, N: 40, Echo: 2, Ramp: 100, Duration: 5 * time.Second,
		Density: 9, Prefix: "bot", Seed: 7, Live: &live,
	})
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	sum.WriteText(&text)
	t.Log("\n" + live.String() + text.String())
	if sum.Welcomed != 42 || len(sum.Failed) != 0 || len(sum.Ended) != 0 {
		t.Fatalf("connections: welcomed %d failed %v ended %v", sum.Welcomed, sum.Failed, sum.Ended)
	}
	if sum.EchoSamples == 0 || sum.EchoP99ms <= 0 {
		t.Errorf("no echo latency")
	}
	if sum.MsgsPerClientSec <= 0 || sum.VisibleMean <= 0 || sum.MovesPerSec <= 0 || sum.Events["path"] == 0 {
		t.Errorf("nothing received: %+v", sum)
	}
	if n := sum.Events["error"]; n > 0 {
		t.Logf("server errors: %v", sum.Events)
	}
}

// Over the admission rate, bots retry too_many_joins (after 2-10 s, as the
// protocol asks) and all get in.
func TestE2ERampOverAdmission(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the retries, 12 s")
	}
	t.Parallel()
	in := servertest.Start(t, func(c *server.Config) { c.JoinRate, c.JoinBurst = 10, 5 })
	sum, err := Run(t.Context(), Config{URL: in.URL, N: 20, Idle: true, Ramp: 1000, Duration: 12 * time.Second, Prefix: "idle"})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Retries == 0 || sum.Welcomed != 20 || len(sum.Failed) != 0 {
		t.Fatalf("retries %d welcomed %d failed %v", sum.Retries, sum.Welcomed, sum.Failed)
	}
}
