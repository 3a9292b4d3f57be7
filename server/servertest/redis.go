package servertest

import (
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/server"
)

// Redis returns a configure function for Start that makes the server a
// node of a fair over the Redis at url (presence and cell feed, as -redis
// does), named node, with keys and channels under prefix (one per test
// shares a Redis safely). heartbeatTTL zero means the default (3 s). The
// backends are closed after the server stops.
func Redis(tb testing.TB, url, node, prefix string, heartbeatTTL time.Duration) func(*server.Config) {
	return func(cfg *server.Config) {
		cfg.NodeID = node
		b, err := server.NewRedisBackends(server.RedisOptions{
			URL: url, Node: node, Prefix: prefix, ResumeWindow: cfg.ResumeWindow, HeartbeatTTL: heartbeatTTL,
			ChatRetention: cfg.Chat.Retention,
			Registerer:    cfg.Registerer, Logger: cfg.Logger.With("node", node), Now: cfg.Now,
		})
		if err != nil {
			tb.Fatalf("redis backends: %v", err)
		}
		tb.Cleanup(func() { _ = b.Close() })
		b.Configure(cfg)
	}
}
