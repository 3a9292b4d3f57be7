package server_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
	"github.com/usine-extraordinaire/fairworld/world/nav"
)

var pseudoSeq atomic.Int64

// name returns a fresh valid pseudonym ("Testeur" + letters: digits are limited).
func name() string {
	// No i, l or o: the uniqueness key folds them with 1 and 0.
	const letters = "abcdefghjkmnpqrstuvwxyz"
	n := pseudoSeq.Add(1)
	s := ""
	for n > 0 {
		s = string(letters[n%int64(len(letters))]) + s
		n /= int64(len(letters))
	}
	return "Visiteur" + s
}

func dial(t *testing.T, in *servertest.Instance, opts client.Options) *client.Client {
	t.Helper()
	if opts.Pseudonym == "" && opts.ResumeToken == "" {
		opts.Pseudonym = name()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, in.URL, opts)
	if err != nil {
		t.Fatalf("dial: %v (refusals: overloaded %v, join_timeout %v; late %v s)", err,
			counter(t, in, "fair_gateway_admission_refusals_total", "reason=overloaded"),
			counter(t, in, "fair_gateway_admission_refusals_total", "reason=join_timeout"),
			counter(t, in, "fair_server_late_seconds_total", ""))
	}
	t.Cleanup(func() { _ = c.Close() })
	// The first UPDATE carries the avatar's position.
	if err := c.WaitFor(ctx, func(c *client.Client) bool { return c.Tick() > 0 }); err != nil {
		t.Fatalf("no first update: %v", err)
	}
	return c
}

// waitFor polls cond until it holds or d passes.
func waitFor(t *testing.T, c *client.Client, d time.Duration, what string, cond func(*client.Client) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	if err := c.WaitFor(ctx, cond); err != nil {
		x, y := c.Self()
		t.Fatalf("waiting for %s: %v (self at %.1f, %.1f, tick %d, %d visible, err %v)", what, err, x, y, c.Tick(), c.Visible(), c.Err())
	}
}

// fast is a configuration for tests that walk: quick avatars.
func fast(cfg *server.Config) {
	cfg.World.MaxSpeed = 20
}

func sees(id uint32) func(*client.Client) bool {
	return func(c *client.Client) bool { _, ok := c.Avatar(id); return ok }
}

func notSees(id uint32) func(*client.Client) bool {
	return func(c *client.Client) bool { _, ok := c.Avatar(id); return !ok }
}

func dist(ax, ay, bx, by float64) float64 { return math.Hypot(ax-bx, ay-by) }

// farWalkable returns a walkable point at least d metres from (x, y) that the
// grid can route to.
func farWalkable(t *testing.T, in *servertest.Instance, x, y, d float64) nav.Point {
	t.Helper()
	g := nav.NewGrid(in.Zone.Grid)
	f := nav.NewFinder(g)
	for _, h := range in.Zone.Hotspots {
		if dist(h.X, h.Y, x, y) < d || dist(h.X, h.Y, x, y) > 2*d {
			continue
		}
		p, ok := g.NearestWalkable(nav.Point{X: h.X, Y: h.Y}, 0.35, 6)
		if !ok {
			continue
		}
		if _, err := f.Path(nil, nav.Point{X: x, Y: y}, p, 0.35); err == nil {
			return p
		}
	}
	t.Fatalf("no walkable point %v m from (%.0f, %.0f)", d, x, y)
	return nav.Point{}
}

func counter(t *testing.T, in *servertest.Instance, name, label string) float64 {
	t.Helper()
	mfs, err := in.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		total := 0.0
		for _, m := range mf.GetMetric() {
			match := label == ""
			for _, lp := range m.GetLabel() {
				if strings.HasSuffix(label, "="+lp.GetValue()) && strings.HasPrefix(label, lp.GetName()+"=") {
					match = true
				}
			}
			if match {
				total += m.GetCounter().GetValue()
			}
		}
		return total
	}
	return 0
}

func closeCode(err error) protocol.CloseCode { return client.CodeOf(err) }

func describe(c *client.Client) string {
	x, y := c.Self()
	return fmt.Sprintf("id %d at (%.1f, %.1f)", c.SelfID(), x, y)
}

// gauge reads a gauge (summed over its labels) from the instance's registry.
func gauge(t *testing.T, in *servertest.Instance, name string) float64 {
	t.Helper()
	mfs, err := in.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() == name {
			for _, m := range mf.GetMetric() {
				total += m.GetGauge().GetValue()
			}
		}
	}
	return total
}
