package loadtest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestScrapeServerAndFigures(t *testing.T) {
	body := "# HELP x\nprocess_cpu_seconds_total 12.5\nprocess_resident_memory_bytes 1.048576e+08\nfair_gateway_connections 1000\ngo_goroutines 7\n"
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(body)) }))
	defer ts.Close()
	a := scrapeServer(context.Background(), ts.Client(), ts.URL)
	if !a.ok || a.cpu != 12.5 || a.rss != 1<<20*100 || a.conns != 1000 {
		t.Fatalf("scraped %+v", a)
	}
	base := serverStats{ok: true, rss: 1 << 20 * 90}
	b := a
	b.at = a.at.Add(10 * time.Second)
	b.cpu = 17.5
	s := Summary{MovesPerSec: 1e6}
	s.serverFigures(base, a, b)
	if s.ServerCPU != 0.5 || s.MovesPerServerCPU != 2e6 || s.ServerRSSPerConn != 10*1024*1024/1000.0 {
		t.Errorf("figures %+v", s)
	}
	if none := scrapeServer(context.Background(), ts.Client(), ""); none.ok {
		t.Error("no URL must give no figures")
	}
	if bad := scrapeServer(context.Background(), ts.Client(), ts.URL+"/\x00"); bad.ok {
		t.Error("a bad URL must give no figures")
	}
}
