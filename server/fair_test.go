package server_test

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/internal/redistest"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

// shared holds the redis-server and the 3-master Cluster that the
// cross-node tests share (each test under its own key prefix). Tests that
// kill or pause Redis start their own.
var shared struct {
	main    redistest.Main
	once    sync.Once
	server  *redistest.Server
	cluster *redistest.Cluster
}

func TestMain(m *testing.M) {
	code := m.Run()
	shared.main.Close()
	os.Exit(code)
}

func sharedRedis() (single, cluster string) {
	shared.once.Do(func() {
		shared.server = redistest.Start(&shared.main)
		shared.cluster = redistest.StartCluster(&shared.main)
	})
	return shared.server.URL(), shared.cluster.URL()
}

// eachRedis runs f over one redis-server and over a 3-master Cluster.
func eachRedis(t *testing.T, f func(t *testing.T, url string)) {
	single, cluster := sharedRedis()
	for name, url := range map[string]string{"redis": single, "cluster": cluster} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f(t, url)
		})
	}
}

var nonWord = regexp.MustCompile(`[^a-zA-Z0-9]+`)

// prefixOf is a test's own key prefix in a shared Redis.
func prefixOf(t *testing.T) string {
	return "t" + strings.ToLower(nonWord.ReplaceAllString(t.Name(), ""))
}

// fair starts n nodes of one fair over Redis at url.
func fair(t *testing.T, url string, n int, configure func(*server.Config)) []*servertest.Instance {
	t.Helper()
	prefix := prefixOf(t)
	nodes := make([]*servertest.Instance, n)
	for i := range nodes {
		nodes[i] = servertest.Start(t, func(c *server.Config) {
			if configure != nil {
				configure(c)
			}
			servertest.Redis(t, url, fmt.Sprintf("n%d", i), prefix, 0)(c)
		})
	}
	for _, in := range nodes {
		waitReady(t, in)
	}
	return nodes
}

// waitReady waits until /readyz says ready (presence connected).
func waitReady(t *testing.T, in *servertest.Instance) {
	t.Helper()
	mustWait(t, 10*time.Second, "the node ready", func() bool { return in.Server.Ready() == nil })
}
