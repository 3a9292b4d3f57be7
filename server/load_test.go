package server_test

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/internal/redistest"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/feed"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

// moveBytes measures, from the clients' side, what MOVES records cost: the
// id delta and the coordinate deltas of every record, as docs/PROTOCOL.md
// §4 encodes them.
type moveBytes struct {
	mu                 sync.Mutex
	records, idB, allB int
}

// tracker follows one client's view to size its MOVES records.
func (mb *moveBytes) tracker() func(*protocol.Update) {
	held := map[uint32][2]uint16{}
	return func(u *protocol.Update) {
		for _, id := range u.Leaves {
			delete(held, id)
		}
		for _, e := range u.Enters {
			held[e.ID] = [2]uint16{e.X, e.Y}
		}
		var prev uint32
		n, idB, allB := 0, 0, 0
		for _, m := range u.Moves {
			old := held[m.ID]
			ib := uvarintLen(uint64(m.ID - prev))
			idB += ib
			allB += ib + uvarintLen(zigzag(int64(m.X)-int64(old[0]))) + uvarintLen(zigzag(int64(m.Y)-int64(old[1])))
			prev = m.ID
			held[m.ID] = [2]uint16{m.X, m.Y}
			n++
		}
		mb.mu.Lock()
		mb.records, mb.idB, mb.allB = mb.records+n, mb.idB+idB, mb.allB+allB
		mb.mu.Unlock()
	}
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

func zigzag(n int64) uint64 { return uint64(n<<1) ^ uint64(n>>63) }

// commandStats is INFO commandstats: calls by command.
func commandStats(t *testing.T, url string) map[string]float64 {
	t.Helper()
	c, err := feed.NewRedisClient(url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	info, err := c.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for line := range strings.Lines(info) {
		name, rest, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok || !strings.HasPrefix(name, "cmdstat_") {
			continue
		}
		for kv := range strings.SplitSeq(rest, ",") {
			if v, ok := strings.CutPrefix(kv, "calls="); ok {
				out[strings.TrimPrefix(name, "cmdstat_")], _ = strconv.ParseFloat(v, 64)
			}
		}
	}
	return out
}

// Walkers on three nodes over one redis-server: the Redis commands per
// second per 1,000 connections (INFO commandstats) and the bytes of MOVES
// records, ids first. FAIRWORLD_REDISLOAD_N sets the walkers (default 60)
// and FAIRWORLD_REDISLOAD_SECONDS the measured time (default 5) for the
// figures in docs/PERFORMANCE.md.
func TestRedisLoadFigures(t *testing.T) {
	t.Parallel()
	n, _ := strconv.Atoi(os.Getenv("FAIRWORLD_REDISLOAD_N"))
	if n <= 0 {
		n = 60
	}
	secs, _ := strconv.Atoi(os.Getenv("FAIRWORLD_REDISLOAD_SECONDS"))
	if secs <= 0 {
		secs = 5
	}
	srv := redistest.Start(t)
	nodes := fair(t, srv.URL(), 3, nil)
	var mb moveBytes
	clients := make([]*client.Client, n)
	for i := range clients {
		clients[i] = dial(t, nodes[i%3], client.Options{EventBuffer: -1, OnUpdate: mb.tracker()})
	}
	// Everyone walks, changing direction every second.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(i), 7))
			tk := time.NewTicker(time.Second)
			defer tk.Stop()
			for {
				a := r.Float64() * 6.283
				_, _ = c.Move(0.6*math.Cos(a), 0.6*math.Sin(a))
				select {
				case <-stop:
					return
				case <-tk.C:
				}
			}
		})
	}
	time.Sleep(2 * time.Second) // warm-up: subscriptions, first positions
	mb.mu.Lock()
	mb.records, mb.idB, mb.allB = 0, 0, 0
	mb.mu.Unlock()
	pres0 := counterSum(t, nodes, "fair_presence_redis_commands_total")
	before := commandStats(t, srv.URL())
	start := time.Now()
	time.Sleep(time.Duration(secs) * time.Second)
	after := commandStats(t, srv.URL())
	el := time.Since(start).Seconds()
	pres := counterSum(t, nodes, "fair_presence_redis_commands_total") - pres0
	close(stop)
	wg.Wait()

	total := 0.0
	var parts []string
	for cmd, v := range after {
		if d := v - before[cmd]; d > 0 {
			total += d
			parts = append(parts, cmd+"="+strconv.FormatFloat(d/el, 'f', 1, 64)+"/s")
		}
	}
	per1000 := func(x float64) float64 { return x / el / float64(n) * 1000 }
	mb.mu.Lock()
	recs, idB, allB := mb.records, mb.idB, mb.allB
	mb.mu.Unlock()
	t.Logf("%d walkers on 3 nodes, %.1f s: Redis %.0f commands/s (%s), %.0f per 1,000 connections; presence %.0f commands/s, %.0f per 1,000 connections",
		n, el, total/el, strings.Join(parts, " "), per1000(total), pres/el, per1000(pres))
	if recs == 0 {
		t.Fatal("no MOVES records")
	}
	t.Logf("MOVES: %d records, %.2f bytes of id delta and %.2f bytes in all per avatar update", recs, float64(idB)/float64(recs), float64(allB)/float64(recs))
	// Presence costs at most a position write per session per second
	// (staggered, only when moved) plus each node's heartbeat: bound it by
	// 1.5 per connection per second plus 30 per node.
	if pres > (1.5*float64(n)+30*3)*el {
		t.Errorf("presence sent %.0f commands in %.1f s for %d connections", pres, el, n)
	}
	if float64(allB)/float64(recs) > 5 {
		t.Errorf("%.2f bytes per avatar update, over 5", float64(allB)/float64(recs))
	}
}

func counterSum(t *testing.T, nodes []*servertest.Instance, name string) float64 {
	total := 0.0
	for _, in := range nodes {
		total += counter(t, in, name, "")
	}
	return total
}
