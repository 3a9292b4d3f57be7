package loadfair

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// The mix is split over the processes without losing a bot, groups stay
// whole, every process has source addresses of its own, and the probes
// have a process of their own.
func TestPlanSplitsTheMix(t *testing.T) {
	t.Parallel()
	cfg := Config{Procs: 3, Ramp: 300, Mix: Mix{Walk: 301, Stand: 1000, Group: 95, GroupSize: 30, Agora: 7, Idle: 2, Echo: 4, Probes: 3}}
	procs := plan(&cfg, cfg.Mix.Total()-7)
	if len(procs) != 4 || !procs[3].echo {
		t.Fatalf("%d processes", len(procs))
	}
	sums := map[string]int{}
	addrs := map[string]bool{}
	total := 0
	for _, p := range procs {
		for i := 0; i+1 < len(p.args); i += 2 {
			if n, err := strconv.Atoi(p.args[i+1]); err == nil && p.args[i] != "-group-size" {
				sums[p.args[i]] += n
			}
		}
		if p.args[0] == "-n" && !p.echo {
			for i := 0; i+1 < len(p.args); i += 2 {
				if p.args[i] == "-group" {
					if n, _ := strconv.Atoi(p.args[i+1]); n%30 != 0 && n%30 != 5 {
						t.Errorf("%s has %d group bots: a group was split", p.name, n)
					}
				}
			}
		}
		for _, a := range p.addrs {
			if addrs[a] {
				t.Errorf("source address %s given twice", a)
			}
			addrs[a] = true
		}
		total += p.bots
	}
	want := map[string]int{"-n": 301, "-stand": 1000, "-group": 95, "-agora": 7, "-idle-tabs": 2, "-echo": 4, "-probes": 3}
	for k, v := range want {
		if sums[k] != v {
			t.Errorf("%s: %d bots over the processes, want %d", k, sums[k], v)
		}
	}
	if total != cfg.Mix.Total() {
		t.Errorf("%d bots, want %d", total, cfg.Mix.Total())
	}
	if procsFor(100_000) != 8 || procsFor(1) != 1 || letters(0) != "a" || letters(27) != "bb" {
		t.Error("procsFor or letters")
	}
}

// The tick histogram between two scrapes: quantiles at bucket bounds and
// the share above 25.6 ms.
func TestTickWindow(t *testing.T) {
	t.Parallel()
	exposition := func(counts map[string]float64, n, sum float64) scrape {
		var b strings.Builder
		for le, c := range counts {
			b.WriteString(`fair_world_tick_duration_seconds_bucket{le="` + le + `"} ` + strconv.FormatFloat(c, 'f', -1, 64) + "\n")
		}
		b.WriteString("fair_world_tick_duration_seconds_sum " + strconv.FormatFloat(sum, 'f', -1, 64) + "\n")
		b.WriteString("fair_world_tick_duration_seconds_count " + strconv.FormatFloat(n, 'f', -1, 64) + "\n")
		b.WriteString("# HELP x y\nfair_gateway_connections 7\n")
		s := scrape{v: map[string]float64{}, ok: true, at: time.Now()}
		if err := parseText(strings.NewReader(b.String()), s.v); err != nil {
			t.Fatal(err)
		}
		return s
	}
	a := exposition(map[string]float64{"0.0016": 10, "0.0256": 10, "0.0512": 10, "+Inf": 10}, 10, 0.01)
	b := exposition(map[string]float64{"0.0016": 890, "0.0256": 1000, "0.0512": 1005, "+Inf": 1010}, 1010, 3)
	w := ticksBetween(&a, &b)
	if w.n != 1000 || w.quantile(0.5) != 0.0016 || w.quantile(0.99) != 0.0256 || w.quantile(1) != 0.0512 {
		t.Fatalf("window %+v: p50 %v p99 %v max %v", w, w.quantile(0.5), w.quantile(0.99), w.quantile(1))
	}
	if got := w.over(TickBound); got != 0.01 {
		t.Fatalf("over 25.6 ms: %v, want 0.01", got)
	}
	if b.get("fair_gateway_connections") != 7 || b.get("fair_gateway") != 0 {
		t.Fatal("get")
	}
}
