package loadtest

import (
	"context"
	"math"
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
	s.serverFigures(base, a, b, 20)
	if s.ServerCPU != 0.5 || s.MovesPerServerCPU != 2e6 || s.ServerRSSPerConn != 10*1024*1024/1000.0 {
		t.Errorf("figures %+v", s)
	}
	// Several servers: summed; the feed per node and tick.
	body = "process_cpu_seconds_total 2\nprocess_resident_memory_bytes 100\nfair_gateway_connections 10\n" +
		"fair_feed_published_messages_total 400\nfair_feed_received_messages_total 800\n"
	two := scrapeServers(context.Background(), ts.Client(), []string{ts.URL, ts.URL})
	if !two.ok || two.nodes != 2 || two.cpu != 4 || two.conns != 20 || two.feedPub != 800 || two.feedRecv != 1600 {
		t.Fatalf("two servers: %+v", two)
	}
	later := two
	later.at = two.at.Add(10 * time.Second)
	later.feedPub, later.feedRecv, later.cpu = 800+2*10*20*3, 1600+2*10*20*6, 14
	later.redis = redisStats{ok: true, cpu: 1, cmds: 1000, in: 1e5, out: 2e5}
	two.redis = redisStats{ok: true}
	s = Summary{MovesPerSec: 1.1e6}
	s.serverFigures(two, two, later, 20)
	if s.Nodes != 2 || s.FeedPublishedPerNodeTick != 3 || s.FeedReceivedPerNodeTick != 6 || s.RedisCPU != 0.1 ||
		s.RedisCommandsPerSec != 100 || math.Abs(s.ClusterCPU-1.1) > 1e-9 || math.Abs(s.MovesPerClusterCPU-1e6) > 1e-3 {
		t.Errorf("cluster figures %+v", s)
	}
	if none := scrapeServer(context.Background(), ts.Client(), ""); none.ok {
		t.Error("no URL must give no figures")
	}
	if bad := scrapeServer(context.Background(), ts.Client(), ts.URL+"/\x00"); bad.ok {
		t.Error("a bad URL must give no figures")
	}
}
