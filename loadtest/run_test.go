package loadtest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/internal/redistest"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

// These tests run the tool against the real server, in-process
// (server/servertest): zone over HTTP, density plan on the real map,
// refusals and restarts as the server makes them.

func TestRunWalkersAndEcho(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	var live bytes.Buffer
	sum, err := Run(t.Context(), Config{
		URL: in.URL, N: 20, Echo: 2, Ramp: 200, Duration: 3 * time.Second,
		Density: 4, Prefix: "walk", Seed: 7, Live: &live,
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
	if n := sum.Events["error"]; n > 0 {
		t.Logf("server errors: %v", sum.Events)
	}
	if lines := strings.Count(live.String(), "\n"); lines < 2 {
		t.Errorf("%d live lines", lines)
	}
	if _, err := json.Marshal(sum); err != nil {
		t.Fatal(err)
	}
}

// Refusals count as failed attempts and the server's closes as ended
// connections, by close code: a server full for the last 2 of 10 bots, then
// restarting.
func TestRunCountsRefusalsAndDrops(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, func(c *server.Config) { c.MaxConns = 8 })
	type result struct {
		sum *Summary
		err error
	}
	done := make(chan result, 1)
	go func() {
		// One handshake at a time: the first 8 bots get in, the last 2 find
		// the server full.
		sum, err := Run(t.Context(), Config{URL: in.URL, N: 10, Idle: true, Ramp: 500, MaxDialing: 1, Duration: 2 * time.Second, Prefix: "idle", Retries: -1})
		done <- result{sum, err}
	}()
	// Every attempt answered and every refused connection gone: restart.
	waitForMetrics(t, in, "the ramp", func(m map[string]float64) bool {
		return m["fair_gateway_connection_attempts_total"] == 10 && m["fair_gateway_connections"] == 8
	})
	in.Stop()
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	sum := r.sum
	if sum.Attempts != 10 || sum.Welcomed != 8 || sum.Connected != 8 || len(sum.Failed) != 1 || sum.Failed["server_full"] != 2 ||
		len(sum.Ended) != 1 || sum.Ended["service_restart"] != 8 || sum.ConnAtEnd != 0 {
		t.Fatalf("attempts %d welcomed %d peak %d at end %d failed %v ended %v", sum.Attempts, sum.Welcomed, sum.Connected, sum.ConnAtEnd, sum.Failed, sum.Ended)
	}
}

// waitForMetrics polls the server's metrics, summed over labels, until cond
// holds (nats-server's checkFor): the run gives no hook into its ramp.
func waitForMetrics(t *testing.T, in *servertest.Instance, what string, cond func(map[string]float64) bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		mfs, err := in.Registry.Gather()
		if err != nil {
			t.Fatal(err)
		}
		m := make(map[string]float64, len(mfs))
		for _, mf := range mfs {
			for _, v := range mf.GetMetric() {
				m[mf.GetName()] += v.GetCounter().GetValue() + v.GetGauge().GetValue()
			}
		}
		if cond(m) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: metrics %v", what, m)
		}
		<-tick.C
	}
}

func TestRunNoServer(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	url := in.URL
	in.Stop()
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

// Over the admission rate, bots retry too_many_joins (after 2-10 s, as the
// protocol asks) and all get in.
func TestRunRampOverAdmission(t *testing.T) {
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

// Pairs on one node and across two nodes over a real redis-server: every
// pair measures its echo; with several URLs and metrics URLs the summary
// has the nodes' feed and Redis's figures.
func TestRunPairsAcrossNodes(t *testing.T) {
	t.Parallel()
	one := servertest.Start(t, nil)
	sum, err := Run(t.Context(), Config{URL: one.URL, Pairs: 2, Duration: 4 * time.Second, Prefix: "solo"})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Welcomed != 4 || sum.PairSamples == 0 || sum.PairP99ms <= 0 {
		t.Fatalf("one node: %+v", sum)
	}

	rs := redistest.Start(t)
	var nodes []*servertest.Instance
	for _, id := range []string{"pa", "pb"} {
		nodes = append(nodes, servertest.Start(t, servertest.Redis(t, rs.URL(), id, "lt", 600*time.Millisecond)))
	}
	for _, n := range nodes { // ready: the first heartbeat is done
		waitForMetrics(t, n, "the first heartbeat", func(m map[string]float64) bool { return m["fair_presence_ready"] == 1 })
	}
	var text bytes.Buffer
	sum, err = Run(t.Context(), Config{
		URL: nodes[0].URL + "," + nodes[1].URL, N: 4, Pairs: 2, Duration: 5 * time.Second, Prefix: "duo",
		ServerMetrics: nodes[0].Admin + "/metrics," + nodes[1].Admin + "/metrics", Redis: rs.URL(),
	})
	if err != nil {
		t.Fatal(err)
	}
	sum.WriteText(&text)
	t.Log("\n" + text.String())
	if sum.Welcomed != 8 || len(sum.Failed) != 0 || sum.PairSamples == 0 || sum.Nodes != 2 {
		t.Fatalf("two nodes: %+v", sum)
	}
	if sum.FeedPublishedPerNodeTick <= 0 || sum.FeedReceivedPerNodeTick <= 0 || sum.RedisCommandsPerSec <= 0 || sum.ClusterCPU <= sum.ServerCPU {
		t.Errorf("no feed or Redis figures: %+v", sum)
	}
	for _, n := range nodes { // the bots spread over the URLs
		waitForMetrics(t, n, "4 connection attempts", func(m map[string]float64) bool { return m["fair_gateway_connection_attempts_total"] == 4 })
	}
}
