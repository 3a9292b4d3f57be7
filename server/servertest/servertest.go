// Package servertest starts the real world server in-process on loopback
// for tests: the server, the client library and the load tool test against
// it, not against a stand-in.
package servertest

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// Instance is a running server. Its fields are read-only.
type Instance struct {
	*server.Server
	URL      string // ws://127.0.0.1:port/ws
	HTTP     string // http://127.0.0.1:port
	Admin    string // http://127.0.0.1:port of /metrics, /healthz, /readyz
	Registry *prometheus.Registry
	Zone     *zone.Zone

	cancel context.CancelFunc
	done   chan error
}

var (
	zoneOnce sync.Once
	zoneVal  *zone.Zone
	zoneErr  error
)

// DefaultZone loads the embedded zone once per test binary (it is immutable).
func DefaultZone(tb testing.TB) *zone.Zone {
	zoneOnce.Do(func() { zoneVal, zoneErr = zone.Default() })
	if zoneErr != nil {
		tb.Fatalf("default zone: %v", zoneErr)
	}
	return zoneVal
}

// Start runs a server on 127.0.0.1 ports chosen by the kernel with the
// default zone, logging to tb. configure may change the configuration
// before the server is built. The server is shut down (gracefully, like on
// SIGTERM) when the test ends.
func Start(tb testing.TB, configure func(*server.Config)) *Instance {
	tb.Helper()
	reg := prometheus.NewRegistry()
	cfg := server.Config{
		Zone:       DefaultZone(tb),
		Logger:     slog.New(slog.NewTextHandler(tbWriter{tb}, &slog.HandlerOptions{Level: slog.LevelInfo})),
		Registerer: reg,
		Gatherer:   reg,
		Build:      "test",
	}
	if configure != nil {
		configure(&cfg)
	}
	srv, err := server.New(cfg)
	if err != nil {
		tb.Fatalf("server.New: %v", err)
	}
	pub, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	adm, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	in := &Instance{
		Server:   srv,
		URL:      "ws://" + pub.Addr().String() + "/ws",
		HTTP:     "http://" + pub.Addr().String(),
		Admin:    "http://" + adm.Addr().String(),
		Registry: reg,
		Zone:     cfg.Zone,
		cancel:   cancel,
		done:     make(chan error, 1),
	}
	go func() { in.done <- srv.Serve(ctx, pub, adm) }()
	tb.Cleanup(in.Stop)
	return in
}

// Stop shuts the server down and waits for it; calling it twice is safe.
func (in *Instance) Stop() {
	in.cancel()
	if err, ok := <-in.done; ok {
		close(in.done)
		if err != nil {
			panic("servertest: Serve: " + err.Error())
		}
	}
}

type tbWriter struct{ tb testing.TB }

func (w tbWriter) Write(p []byte) (int, error) {
	w.tb.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
