// Command feedlag times the cell feed on a fair's Redis: it subscribes to
// every feed channel (PSUBSCRIBE prefix:{*) for a while and reports how
// long after the start of its tick each record reached it. A record that
// arrives more than one tick after its tick began misses the receiving
// nodes' next round (they apply the feed at the start of each round): the
// cross-node echo then costs two ticks instead of one
// (docs/PERFORMANCE.md § Several nodes; make figures-nodes runs it).
//
//	feedlag -redis unix:///path/redis.sock [-prefix fair] [-tick-rate 20] [-duration 40s] [-json]
//
// One Redis server only: sharded pub/sub on a Cluster has no patterns.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/usine-extraordinaire/fairworld/server/feed"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "feedlag:", err)
		}
		os.Exit(1)
	}
}

// Lag is the report, in milliseconds after the start of a record's tick.
type Lag struct {
	Records   int     `json:"records"`
	Malformed int     `json:"malformed"`
	P50       float64 `json:"p50_ms"`
	P90       float64 `json:"p90_ms"`
	P99       float64 `json:"p99_ms"`
	Max       float64 `json:"max_ms"`
	LaterPct  float64 `json:"later_than_one_tick_pct"`
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("feedlag", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("redis", "", "the fair's Redis: redis://host:port or unix:///path.sock (one server)")
	prefix := fs.String("prefix", "fair", "the fair's key prefix")
	rate := fs.Int("tick-rate", 20, "the nodes' ticks per second")
	dur := fs.Duration("duration", 40*time.Second, "how long to listen")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *url == "" || *rate <= 0 || *dur <= 0 {
		return fmt.Errorf("want -redis, a positive -tick-rate and -duration")
	}
	opt, err := redis.ParseURL(*url)
	if err != nil {
		return fmt.Errorf("bad -redis: %w", err)
	}
	rc := redis.NewClient(opt)
	defer rc.Close()
	end := time.Now().Add(*dur)
	ctx, cancel := context.WithDeadline(context.Background(), end)
	defer cancel()
	ps := rc.PSubscribe(ctx, *prefix+":{*")
	defer ps.Close()
	period := int64(time.Second) / int64(*rate)
	var lags []float64
	var rep Lag
	var rec feed.Record
	for {
		m, err := ps.ReceiveMessage(ctx)
		if err != nil {
			// The end of the listening time (go-redis turns the context's
			// deadline into the socket's, so it may come as an i/o timeout).
			if ctx.Err() != nil || time.Until(end) < 100*time.Millisecond {
				break
			}
			return fmt.Errorf("receive: %w", err)
		}
		at := time.Now().UnixNano()
		if rec.Decode([]byte(m.Payload)) != nil {
			rep.Malformed++
			continue
		}
		lags = append(lags, float64(at-int64(rec.Tick)*period)/1e6)
	}
	if len(lags) == 0 {
		return fmt.Errorf("no feed record in %v (is the fair running on %s?)", *dur, *url)
	}
	slices.Sort(lags)
	q := func(p float64) float64 { return lags[int(p*float64(len(lags)-1))] }
	later := 0
	for _, l := range lags {
		if l > float64(period)/1e6 {
			later++
		}
	}
	rep.Records, rep.P50, rep.P90, rep.P99, rep.Max = len(lags), q(.5), q(.9), q(.99), lags[len(lags)-1]
	rep.LaterPct = 100 * float64(later) / float64(len(lags))
	if *asJSON {
		return json.NewEncoder(stdout).Encode(rep)
	}
	_, err = fmt.Fprintf(stdout, "feed records: %d; ms after the start of their tick: p50 %.1f, p90 %.1f, p99 %.1f, max %.1f; later than one tick: %.1f %%\n",
		rep.Records, rep.P50, rep.P90, rep.P99, rep.Max, rep.LaterPct)
	return err
}
