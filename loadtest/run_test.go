package loadtest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client/clienttest"
	"github.com/usine-extraordinaire/fairworld/protocol"
)

// These tests run the tool against the in-process stand-in server; runs
// against the real one are done by hand (see cmd/bots).

func TestRunWalkersAndEcho(t *testing.T) {
	t.Parallel()
	hs := []clienttest.Hotspot{{ID: "h-001", Title: "A", X: 100, Y: 100, Range: 6}, {ID: "h-002", Title: "B", X: 60, Y: 140, Range: 6}}
	srv := clienttest.Start(t, clienttest.Config{Hotspots: hs})
	var live bytes.Buffer
	sum, err := Run(t.Context(), Config{
		URL: srv.URL, N: 20, Echo: 2, Ramp: 200, Duration: 3 * time.Second,
		Density: 4, Prefix: "walk", Seed: 1, Live: &live,
	})
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	sum.WriteText(&text)
	t.Log("\n" + live.String() + text.String())
	if sum.Attempts != 22 || sum.Welcomed != 22 || sum.Connected != 22 || len(sum.Failed) != 0 || len(sum.Ended) != 0 {
		t.Fatalf("connections: %+v", sum)
	}
	if sum.EchoSamples == 0 || sum.EchoP50ms <= 0 || sum.EchoP99ms < sum.EchoP50ms {
		t.Errorf("no echo latency: %+v", sum)
	}
	if sum.MsgsPerClientSec <= 0 || sum.BytesPerClientSec <= 0 || sum.VisibleMean <= 0 || sum.MovesPerSec <= 0 {
		t.Errorf("nothing received: %+v", sum)
	}
	if sum.Plan == "" || sum.Events["path"] == 0 {
		t.Errorf("no plan or no GOTO paths: plan %q events %v", sum.Plan, sum.Events)
	}
	if lines := strings.Count(live.String(), "\n"); lines < 2 {
		t.Errorf("%d live lines", lines)
	}
	if _, err := json.Marshal(sum); err != nil {
		t.Fatal(err)
	}
}

func TestRunCountsRefusalsAndDrops(t *testing.T) {
	t.Parallel()
	var srv *clienttest.Server
	srv = clienttest.Start(t, clienttest.Config{
		Refuse: func(p string) (protocol.CloseCode, string) {
			if strings.HasSuffix(p, "c") || strings.HasSuffix(p, "d") { // bots 1 and 2
				return protocol.CloseServerFull, "full"
			}
			return 0, ""
		},
		Joined: func(_ string, online int) {
			if online == 8 { // everyone is in: the server restarts
				go srv.CloseAll(protocol.CloseServiceRestart, "restart")
			}
		},
	})
	sum, err := Run(t.Context(), Config{URL: srv.URL, N: 10, Idle: true, Ramp: 500, Duration: 2 * time.Second, Prefix: "idle"})
	if err != nil {
		t.Fatal(err)
	}
	// A bot whose WELCOME was still on its way fails instead of dropping.
	late := sum.Failed["service_restart"]
	if sum.Attempts != 10 || sum.Failed["server_full"] != 2 || sum.Ended["service_restart"]+late != 8 || sum.Welcomed+int64(late) != 8 {
		t.Fatalf("attempts %d failed %v ended %v welcomed %d", sum.Attempts, sum.Failed, sum.Ended, sum.Welcomed)
	}
}

func TestRunNoServer(t *testing.T) {
	t.Parallel()
	srv := clienttest.Start(t, clienttest.Config{})
	url := srv.URL
	srv.Close()
	if _, err := Run(t.Context(), Config{URL: url, N: 1, Density: 3, Duration: time.Second}); err == nil {
		t.Fatal("density without a zone was accepted")
	}
	sum, err := Run(t.Context(), Config{URL: url, N: 3, Duration: time.Second, Ramp: 100})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed["conn_refused"] != 3 {
		t.Fatalf("failed = %v", sum.Failed)
	}
}

func TestZoneURL(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"ws://127.0.0.1:8080/ws":    "http://127.0.0.1:8080/api/zone",
		"wss://fair.example/ws?x=1": "https://fair.example/api/zone",
		"ws://host/usine/ws/":       "http://host/usine/api/zone",
		"ws://host:1":               "http://host:1/api/zone",
	} {
		if got, err := ZoneURL(in); err != nil || got != want {
			t.Errorf("ZoneURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ZoneURL("ftp://x/ws"); err == nil {
		t.Error("ftp accepted")
	}
}
