package loadtest

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/internal/redistest"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// The whole mix against the real server: every kind connects, the probes
// check positions of the walkers near them and find nothing wrong.
func TestRunFairMix(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	sum, err := Run(t.Context(), Config{
		URL: in.URL, N: 12, Echo: 2, Stand: 10, Group: 10, GroupSize: 5, Agora: 10, IdleTabs: 4, Probes: 3,
		Ramp: 400, Duration: 8 * time.Second, Prefix: "mix", Seed: 3, ChatEvery: 2 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	sum.WriteText(&text)
	t.Log("\n" + text.String())
	if sum.Bots != 51 || sum.Welcomed != 51 || len(sum.Failed) != 0 || len(sum.Ended) != 0 {
		t.Fatalf("connections: %+v", sum)
	}
	if sum.Kinds["group"] != 10 || sum.Kinds["probe"] != 3 || sum.Kinds["agora"] != 10 {
		t.Errorf("kinds %v", sum.Kinds)
	}
	// The chat in the mix: phrases said, heard nearby, never over the chat rate.
	if sum.ChatSaid == 0 || sum.Events["chat"] == 0 || sum.Events["error_chat_rate_limited"] != 0 {
		t.Errorf("chat: %d said, %d received, %d rate-limited", sum.ChatSaid, sum.Events["chat"], sum.Events["error_chat_rate_limited"])
	}
	p := sum.Probe
	if p == nil || p.Checks == 0 {
		t.Fatalf("the probes checked nothing: %+v", p)
	}
	if p.Errors() != 0 {
		t.Errorf("the probes found errors: %+v", *p)
	}
}

func TestAgoraRect(t *testing.T) {
	t.Parallel()
	z := defaultZone(t)
	r, ok := agoraRect(z)
	if !ok || r == nil || r.W*r.H <= 0 {
		t.Fatalf("default zone: agora %v %v", r, ok)
	}
	plain := &zone.Zone{Areas: []zone.Area{
		{Kind: zone.AreaSpawn, Rect: zone.Rect{W: 100, H: 100}},
		{Kind: "port", Rect: zone.Rect{W: 10, H: 10}},
		{Kind: "energy", Rect: zone.Rect{X: 5, W: 20, H: 10}},
	}}
	if r, ok := agoraRect(plain); ok || r == nil || r.X != 5 {
		t.Fatalf("no agora: %v %v, want the largest area but the spawn", r, ok)
	}
	if r, _ := agoraRect(&zone.Zone{}); r != nil {
		t.Fatal("no area: want nil")
	}
}

func TestTrackMatch(t *testing.T) {
	t.Parallel()
	var tr track
	for tick := uint32(100); tick < 110; tick++ {
		tr.hist[tick%histLen] = histEntry{tick: tick, x: uint16(tick * 4), y: 50}
		tr.last = tick
	}
	if ok, known := tr.match(105, 105, 420, 50, probeTolerance); !ok || !known {
		t.Error("exact tick: no match")
	}
	if ok, _ := tr.match(106, 108, 420, 50, probeTolerance); ok {
		t.Error("a position two ticks older than the window matched")
	}
	if ok, _ := tr.match(103, 106, 420, 50, probeTolerance); !ok {
		t.Error("within the window: no match")
	}
	if _, known := tr.match(110, 112, 440, 50, probeTolerance); known {
		t.Error("a tick past the history is known")
	}
	// A walker that stood still has no entry in the window: its last one holds.
	if ok, _ := tr.match(109, 109, 436, 50, probeTolerance); !ok {
		t.Error("last entry")
	}
}

// Probes across two nodes over a real redis-server.
func TestProbesAcrossNodes(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	var urls []string
	for _, id := range []string{"qa", "qb"} {
		n := servertest.Start(t, servertest.Redis(t, rs.URL(), id, "pq", 600*time.Millisecond))
		waitForMetrics(t, n, "the first heartbeat", func(m map[string]float64) bool { return m["fair_presence_ready"] == 1 })
		urls = append(urls, n.URL)
	}
	sum, err := Run(t.Context(), Config{
		URL: strings.Join(urls, ","), N: 6, Echo: 4, Probes: 4, Ramp: 200, Duration: 8 * time.Second, Prefix: "cross", Seed: 5,
		Logger: slog.New(slog.NewTextHandler(tlog{t}, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	sum.WriteText(&text)
	t.Log("\n" + text.String())
	if sum.Welcomed != 14 || sum.Probe == nil || sum.Probe.Checks == 0 {
		t.Fatalf("%+v", sum)
	}
	if sum.Probe.BadPos+sum.Probe.DupEnters+sum.Probe.BadLeaves > 0 {
		t.Errorf("the probes found errors: %+v", *sum.Probe)
	}
}

type tlog struct{ t *testing.T }

func (l tlog) Write(b []byte) (int, error) { l.t.Log(strings.TrimSpace(string(b))); return len(b), nil }

// Between two records (UPDATEs the walker never got), a position is right
// when the avatar's speed allows it from both.
func TestTrackMatchGap(t *testing.T) {
	t.Parallel()
	tr := track{step: 0.25}
	tr.hist[100%histLen] = histEntry{tick: 100, x: 160, y: 160} // (10, 10) m
	tr.hist[104%histLen] = histEntry{tick: 104, x: 176, y: 160} // (11, 10) m
	tr.last = 104
	if ok, _ := tr.match(102, 102, 168, 160, probeTolerance); !ok { // (10.5, 10)
		t.Error("halfway between the records: no match")
	}
	if ok, _ := tr.match(101, 101, 176, 160, probeTolerance); ok { // (11, 10) a tick after (10, 10): too fast
		t.Error("a position farther than the speed allows matched")
	}
	if ok, _ := tr.match(102, 102, 168, 240, probeTolerance); ok { // 5 m off
		t.Error("a position off the way matched")
	}
}

// A probe fed UPDATEs by hand: a right position passes, a wrong one, a
// second enter and a leave of an avatar not in view are found.
func TestProbeFindsErrors(t *testing.T) {
	t.Parallel()
	r := &runner{cfg: Config{ViewRadius: 40, NearRadius: 20, FarEvery: 4, urls: []string{"ws://x/ws"}, Logger: slog.New(slog.DiscardHandler)},
		col: newCollector(), tracks: map[uint32]*track{}}
	tr := &track{step: 0.25}
	for tick := uint32(1000); tick <= 1010; tick++ {
		tr.record(&protocol.Update{Tick: tick, SelfX: uint16(160 + tick - 1000), SelfY: 160})
	}
	r.tracks[7] = tr
	p := newProbe(r, 0, &r.probeStats)
	p.onUpdate(&protocol.Update{Tick: 1005, SelfX: 200, SelfY: 160, Enters: []protocol.Enter{{ID: 7, X: 165, Y: 160}}})
	p.onUpdate(&protocol.Update{Tick: 1006, SelfX: 200, SelfY: 160, Enters: []protocol.Enter{{ID: 7, X: 166, Y: 160}}, Leaves: []uint32{9}})
	p.onUpdate(&protocol.Update{Tick: 1007, SelfX: 200, SelfY: 160, Moves: []protocol.MoveRec{{ID: 7, X: 900, Y: 900}}})
	p.evaluate(time.Now().Add(time.Second))
	got := r.probeStats.summary(1)
	want := ProbeSummary{Probes: 1, Checks: 3, BadPos: 1, DupEnters: 1, BadLeaves: 1}
	if got != want {
		t.Fatalf("probe found %+v, want %+v", got, want)
	}
}
