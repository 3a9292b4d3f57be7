package server

import (
	"fmt"
	"sync"

	"golang.org/x/time/rate"

	"github.com/usine-extraordinaire/fairworld/server/class"
	"github.com/usine-extraordinaire/fairworld/server/staff"
)

// newClasses sets up staff sign-in and classes for New.
func (s *Server) newClasses() error {
	cc := s.cfg.Classes
	m, err := newClassMetrics(s.cfg.Registerer)
	if err != nil {
		return fmt.Errorf("server: registering metrics: %w", err)
	}
	if s.classNames, err = newClassNameChecker(); err != nil {
		return fmt.Errorf("server: class names: %w", err)
	}
	s.staff = &staffSignIn{tickets: cc.Tickets, deny: cc.Denylist, limit: rate.NewLimiter(rate.Limit(cc.TicketRate), cc.TicketBurst), m: m}
	if cc.StaffKey != nil {
		if s.staff.verifier, err = staff.NewVerifier(cc.StaffKey, cc.Denylist, s.cfg.Now); err != nil {
			return fmt.Errorf("server: %w", err)
		}
	}
	s.hub.cls = newClassHub(s.cfg.NodeID, cc.Bus, cc.WorkQueue, m, newRouteBook(s.cfg.Zone, s.cfg.Contents))
	s.hub.cls.rate, s.hub.cls.burst = cc.RequestRate, cc.RequestBurst
	return nil
}

// runClasses starts the class workers, the bus and the revocation sweep
// (Serve: they end with the hub's context).
func (s *Server) runClasses(bg *sync.WaitGroup) {
	for range s.cfg.Classes.Workers {
		bg.Go(func() { s.classWorker(s.hubCtx) })
	}
	if bus := s.cfg.Classes.Bus; bus != nil {
		bg.Go(func() {
			bus.Run(s.hubCtx, func(m class.Message) {
				if m.Node == s.cfg.NodeID {
					return
				}
				if !s.hub.trySend(classBusCmd{m: m}) {
					s.hub.cls.m.busDrops.WithLabelValues("inbox_full").Inc()
				}
			})
		})
	}
	bg.Go(func() { s.revokeSweep(s.hubCtx) })
}
