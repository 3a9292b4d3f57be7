package ops

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/internal/cluster"
	"github.com/usine-extraordinaire/fairworld/internal/loadfair"
)

func TestRulesCheck(t *testing.T) {
	t.Parallel()
	out, err := exec.Command(promtool(t), "check", "rules", "prometheus/alerts.yml").CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// TestAlertUnits fires the alerts that synthetic series can check
// (prometheus/alerts_test.yml: the class join code guessing alert).
func TestAlertUnits(t *testing.T) {
	t.Parallel()
	out, err := exec.Command(promtool(t), "test", "rules", "prometheus/alerts_test.yml").CombinedOutput()
	if err != nil {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// The dashboard's queries and the alerts' selectors against three real
// nodes under load, scraped by a real Prometheus; then a forced feed gap
// and a killed node fire their alerts.
func TestDashboardAndAlertsAgainstRealNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("a real fair under load (about 2 minutes)")
	}
	t.Parallel()
	prom := binary(t, "prometheus")
	queries := dashboardQueries(t)
	selectors := alertSelectors(t)
	t.Logf("%d dashboard queries, %d alert selectors", len(queries), len(selectors))

	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	var checked bool
	rep, err := loadfair.Run(ctx, loadfair.Config{
		Name: "ops", Dir: dir, Nodes: 3, Ramp: 200, Hold: 80 * time.Second, Retries: 8,
		Mix: loadfair.Mix{Walk: 100, Stand: 250, Group: 60, GroupSize: 20, Agora: 100, Idle: 40, Echo: 4, Probes: 2},
		// A low join rate, so that refusals (4004) have series too.
		NodeArgs: []string{"-join-rate", "40", "-join-burst", "20"},
		OnReady: func(ctx context.Context, c *cluster.Cluster) {
			checked = true
			watch(ctx, t, prom, filepath.Join(dir, "prometheus"), c, queries, selectors)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !checked {
		t.Fatal("the cluster never got ready")
	}
	t.Logf("load: %d of %d bots welcomed, %.0f msgs/s out", rep.Welcomed, rep.Bots, rep.MsgsOutPerSec)
}

// watch runs Prometheus over the cluster and makes the checks.
func watch(ctx context.Context, t *testing.T, prom, dir string, c *cluster.Cluster, queries, selectors []string) {
	p, err := startPrometheus(ctx, t, prom, dir, c)
	if err != nil {
		t.Error(err)
		return
	}
	defer p.stop()

	// Every node scraped, and the bots in.
	if !waitFor(ctx, t, 90*time.Second, "the bots connected and 3 nodes up", func() bool {
		v, ok := p.scalar(ctx, `sum(up{job="fair"})`)
		n, ok2 := p.scalar(ctx, `sum(fair_gateway_connections{job="fair"})`)
		return ok && ok2 && v == 3 && n >= 400
	}) {
		return
	}
	// Every query answers with series: some need a few scrapes (rates) or
	// an event (a refusal, a drop); poll until all do.
	empty := map[string]bool{}
	for _, q := range append(append([]string(nil), queries...), selectors...) {
		empty[q] = true
	}
	deadline := time.Now().Add(60 * time.Second)
	for len(empty) > 0 && time.Now().Before(deadline) {
		for q := range empty {
			if n, err := p.series(ctx, q); err != nil {
				t.Errorf("query %s: %v", q, err)
				delete(empty, q)
			} else if n > 0 {
				delete(empty, q)
			}
		}
		if len(empty) > 0 {
			time.Sleep(2 * time.Second)
		}
	}
	for q := range empty {
		t.Errorf("no series for %s", q)
	}

	// A forced gap: Redis drops the nodes' subscriptions, the records
	// published meanwhile never reach them.
	rc := c.Redis.Client()
	defer rc.Close()
	gaps := func() float64 { v, _ := p.scalar(ctx, `sum(fair_feed_gaps_total{job="fair"})`); return v }
	g0 := gaps()
	if !waitFor(ctx, t, 60*time.Second, "a feed gap", func() bool {
		for range 5 {
			_ = rc.Do(ctx, "CLIENT", "KILL", "TYPE", "pubsub").Err()
			time.Sleep(30 * time.Millisecond)
		}
		return gaps() > g0
	}) {
		return
	}
	p.waitAlert(ctx, t, "FairFeedGaps", "")

	// A node killed.
	victim := c.Nodes[len(c.Nodes)-1]
	victim.Kill()
	p.waitAlert(ctx, t, "FairNodeDown", victim.AdminAddr())
}

type prometheus struct {
	cmd  *exec.Cmd
	base string
	done chan struct{}
}

func startPrometheus(ctx context.Context, t *testing.T, bin, dir string, c *cluster.Cluster) (*prometheus, error) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	// The rules as shipped, with every "for" shortened so the test does not
	// wait minutes.
	rules, err := os.ReadFile("prometheus/alerts.yml")
	if err != nil {
		return nil, err
	}
	short := regexp.MustCompile(`(?m)^(\s+for:)\s*\S+$`).ReplaceAllString(string(rules), "${1} 1s")
	if err := os.WriteFile(filepath.Join(dir, "alerts.yml"), []byte(short), 0o644); err != nil {
		return nil, err
	}
	var targets []string
	for _, n := range c.Nodes {
		targets = append(targets, fmt.Sprintf("%q", n.AdminAddr()))
	}
	conf := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [alerts.yml]
scrape_configs:
  - job_name: fair
    scrape_timeout: 900ms
    static_configs:
      - targets: [%s]
`, strings.Join(targets, ", "))
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(conf), 0o644); err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(dir, "prometheus.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--config.file", filepath.Join(dir, "prometheus.yml"), "--storage.tsdb.path", filepath.Join(dir, "data"),
		"--web.listen-address", addr, "--log.level", "warn")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlives the test
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &prometheus{cmd: cmd, base: "http://" + addr, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); logf.Close(); close(p.done) }()
	if !waitFor(ctx, t, 30*time.Second, "prometheus ready", func() bool {
		resp, err := http.Get(p.base + "/-/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}) {
		p.stop()
		return nil, fmt.Errorf("prometheus not ready; its log: %s", filepath.Join(dir, "prometheus.log"))
	}
	return p, nil
}

// stop ends the Prometheus this test started, by its PID.
func (p *prometheus) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

type apiResult struct {
	Status string `json:"status"`
	Error  string `json:"error"`
	Data   struct {
		ResultType string `json:"resultType"`
		Result     []struct {
			Metric map[string]string `json:"metric"`
			Value  [2]any            `json:"value"`
		} `json:"result"`
		Alerts []struct {
			Labels map[string]string `json:"labels"`
			State  string            `json:"state"`
		} `json:"alerts"`
	} `json:"data"`
}

func (p *prometheus) get(ctx context.Context, path string) (*apiResult, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.base+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var r apiResult
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, err
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("%s", r.Error)
	}
	return &r, nil
}

// series is how many series query returns now.
func (p *prometheus) series(ctx context.Context, query string) (int, error) {
	r, err := p.get(ctx, "/api/v1/query?query="+url.QueryEscape(query))
	if err != nil {
		return 0, err
	}
	return len(r.Data.Result), nil
}

func (p *prometheus) scalar(ctx context.Context, query string) (float64, bool) {
	r, err := p.get(ctx, "/api/v1/query?query="+url.QueryEscape(query))
	if err != nil || len(r.Data.Result) == 0 {
		return 0, false
	}
	s, _ := r.Data.Result[0].Value[1].(string)
	var v float64
	_, err = fmt.Sscan(s, &v)
	return v, err == nil
}

// waitAlert waits until the alert fires (for that instance, if given).
func (p *prometheus) waitAlert(ctx context.Context, t *testing.T, name, instance string) {
	t.Helper()
	waitFor(ctx, t, 60*time.Second, name+" firing", func() bool {
		r, err := p.get(ctx, "/api/v1/alerts")
		if err != nil {
			return false
		}
		for _, a := range r.Data.Alerts {
			if a.Labels["alertname"] == name && a.State == "firing" && (instance == "" || a.Labels["instance"] == instance) {
				t.Logf("%s fired: %v", name, a.Labels)
				return true
			}
		}
		return false
	})
}

// dashboardQueries are the dashboard's queries with its variables
// substituted as Grafana would for "All" nodes.
func dashboardQueries(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("grafana/fair.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
		Templating struct {
			List []struct {
				Name     string `json:"name"`
				AllValue string `json:"allValue"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"$__rate_interval": "15s", "${datasource}": "", "$__interval": "5s"}
	for _, v := range d.Templating.List {
		if v.AllValue != "" {
			vars["$"+v.Name] = v.AllValue
		}
	}
	var out []string
	for _, p := range d.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			q := tg.Expr
			for k, v := range vars {
				q = strings.ReplaceAll(q, k, v)
			}
			if strings.Contains(q, "$") {
				t.Errorf("panel %q: a variable left in %s", p.Title, q)
			}
			out = append(out, q)
		}
	}
	return out
}

// alertSelectors are the metric selectors inside the alerts' expressions
// (every one is written name{labels} in alerts.yml).
func alertSelectors(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("prometheus/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	exprs := regexp.MustCompile(`(?m)^\s+expr:\s*(.+)$`).FindAllStringSubmatch(string(b), -1)
	sel := regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*\{[^}]*\}`)
	var out []string
	for _, e := range exprs {
		s := sel.FindAllString(e[1], -1)
		if len(s) == 0 {
			t.Errorf("alert expression without a selector: %s", e[1])
		}
		out = append(out, s...)
	}
	if len(exprs) < 5 {
		t.Errorf("%d alert expressions, want 5", len(exprs))
	}
	return out
}

// waitFor polls cond until it holds (true) or d has passed (an error on t,
// false). It may run on any goroutine: it never calls t.Fatal.
func waitFor(ctx context.Context, t *testing.T, d time.Duration, what string, cond func() bool) bool {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) || ctx.Err() != nil {
			t.Errorf("timed out waiting for %s", what)
			return false
		}
		time.Sleep(500 * time.Millisecond)
	}
	return true
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func promtool(t *testing.T) string { return binary(t, "promtool") }

func binary(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found (scripts/test-deps.sh installs Debian's prometheus): %v", name, err)
	}
	return p
}
