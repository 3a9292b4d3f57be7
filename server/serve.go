package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/internal/demux"
)

// Serve runs the server on the given listeners until ctx ends, then shuts
// down gracefully in the order of doc.go: /readyz fails (for DrainDelay),
// it stops accepting, closes every client with 1012 (service restart:
// reconnect and resume), spread over DrainSpread, waits for them (at most
// DrainTimeout), stops the hub and the feed, and writes the presence's
// last changes. admin may be nil (metrics and health then on public too).
// Serve may be called once.
func (s *Server) Serve(ctx context.Context, public, admin net.Listener) error {
	var bg, last sync.WaitGroup
	s.late.begin(time.Now())
	storeCtx, stopStore := context.WithCancel(context.Background())
	defer stopStore()
	last.Go(func() { s.store.Run(storeCtx) })
	last.Go(func() { s.cfg.Progress.Run(storeCtx) })
	for range s.cfg.ProgressConfig.Workers {
		bg.Go(func() { s.progressWorker(s.hubCtx) })
	}
	bg.Go(func() { s.hub.run(s.hubCtx) })
	bg.Go(func() { s.chatWorker(s.hubCtx) }) // chat_work.go
	s.runClasses(&bg)                        // class_server.go
	for range s.cfg.PathWorkers {
		bg.Go(func() { s.hub.pathWorker(s.hubCtx, s.grid) })
	}
	if s.sync != nil {
		bg.Go(func() { s.sync.Run(s.hubCtx) })
	}
	bg.Go(func() { s.late.run(s.hubCtx) })
	bg.Go(func() { s.readers.run(s.ctx) })
	for range s.writers.n {
		bg.Go(func() { s.writers.run(s.ctx, s.env) })
	}
	bg.Go(func() { s.keepalive(s.ctx) })
	bg.Go(func() { s.watchdog(s.ctx) })

	pub := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute, // idle keep-alive page connections
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	if admin == nil {
		pub.Handler = s.combinedHandler()
	}
	// Upgrades bypass net/http, which would keep ~14 KiB per idle WebSocket
	// (internal/demux); the demux also sets SendBuffer on every connection.
	dmx := demux.New(public, securityHeaders(http.HandlerFunc(s.serveWS)).ServeHTTP, demux.Config{SendBuffer: s.cfg.SendBuffer, Logger: s.log})
	bg.Go(func() { _ = dmx.Serve() }) // a failure reaches pub.Serve through HTTPListener
	errc := make(chan error, 2)
	go func() { errc <- pub.Serve(dmx.HTTPListener()) }()
	var adm *http.Server
	if admin != nil {
		adm = &http.Server{Handler: s.AdminHandler(), ReadHeaderTimeout: 10 * time.Second}
		go func() { errc <- adm.Serve(admin) }()
	}
	s.ready.Store(true)
	s.log.Info("serving", "addr", public.Addr().String(), "zone", s.cfg.Zone.ID, "max_conns", s.cfg.MaxConns,
		"tick_hz", s.cfg.World.TickRate, "feed", s.sync != nil)

	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
		s.log.Error("listener failed", "err", err)
	}
	s.drain(pub, dmx)
	s.cancel() // keepalive, watchdog, the readers and the writers end
	s.stopHub()
	bg.Wait()
	stopStore() // after the hub: its last detaches and progress are written
	last.Wait()
	if adm != nil {
		actx, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = adm.Shutdown(actx)
		cancel()
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// drain is the first part of the shutdown: /readyz fails, then the server
// stops accepting and closes its clients with 1012, spread over DrainSpread,
// and waits for them.
func (s *Server) drain(pub *http.Server, dmx *demux.Demux) {
	s.ready.Store(false)
	s.draining.Store(true)
	if d := s.cfg.DrainDelay; d > 0 {
		s.log.Info("draining: /readyz fails", "for", d)
		time.Sleep(d)
	}
	sctx, cancel := context.WithTimeout(context.Background(), time.Second)
	_ = pub.Shutdown(sctx) // stops accepting; hijacked WebSockets are ours to close
	cancel()
	_ = dmx.Close() // already closed through HTTPListener; waits for upgrades under way
	conns := s.conns.snapshot()
	s.log.Info("shutting down", "connections", len(conns), "spread", s.cfg.DrainSpread)
	var gap time.Duration
	if len(conns) > 1 {
		gap = s.cfg.DrainSpread / time.Duration(len(conns))
	}
	next := time.Now()
	for _, c := range conns {
		if wait := time.Until(next); wait > 0 {
			time.Sleep(wait)
		}
		c.close(protocol.CloseServiceRestart, "server restarting")
		next = next.Add(gap)
	}
	waited := make(chan struct{})
	go func() { s.conns.wg.Wait(); close(waited) }()
	t := time.NewTimer(s.cfg.DrainTimeout)
	defer t.Stop()
	select {
	case <-waited:
	case <-t.C:
		s.log.Warn("drain timed out", "left", s.conns.len())
	}
}
