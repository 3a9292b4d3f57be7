package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/usine-extraordinaire/fairworld/world"
)

// metrics are the server's Prometheus collectors, registered on the
// Registerer the caller injects (never the global default registry).
type metrics struct {
	connections  prometheus.Gauge
	connAttempts *prometheus.CounterVec // by result
	admission    *prometheus.CounterVec // refusals by reason
	closes       *prometheus.CounterVec // by close code name
	slowCloses   prometheus.Counter
	tickDuration prometheus.Histogram
	pathDuration prometheus.Histogram
	inputs       *prometheus.CounterVec // by message type
	msgsIn       prometheus.Counter
	bytesIn      prometheus.Counter
	msgsOut      prometheus.Counter
	bytesOut     prometheus.Counter
	drops        *prometheus.CounterVec // by reason
	// positionsReplaced is drops{reason="position_replaced"}, counted per
	// push: resolved once rather than by label at every tick.
	positionsReplaced prometheus.Counter
	avatars           prometheus.Gauge
	pings             *prometheus.CounterVec // by result
	controlIn         prometheus.Counter
	lateCredit        prometheus.Counter
	ticksMerged       prometheus.Counter
	ticksSkipped      prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	const ns = "fair"
	counter := func(sub, name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: name, Help: help})
	}
	counterVec := func(sub, name, help, label string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: name, Help: help}, []string{label})
	}
	m := &metrics{
		connections:  prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: "gateway", Name: "connections", Help: "Open WebSocket connections."}),
		connAttempts: counterVec("gateway", "connection_attempts_total", "WebSocket upgrades by outcome of the handshake.", "result"),
		admission:    counterVec("gateway", "admission_refusals_total", "Connections refused by admission control, by reason (hard_limit, server_full, overloaded, join_rate, resume_rate, join_timeout, presence_unavailable).", "reason"),
		closes:       counterVec("gateway", "closes_total", "Connections closed by the server, by close code.", "code"),
		slowCloses:   counter("gateway", "slow_consumer_closes_total", "Connections closed because their socket accepted nothing in time or their backlog passed its bound."),
		tickDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Subsystem: "world", Name: "tick_duration_seconds",
			Help: "Time of one hub round: the steps owed (one, more when late), the updates and handing every connection its update.", Buckets: prometheus.ExponentialBuckets(0.0001, 2, 14)}),
		pathDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Subsystem: "world", Name: "path_duration_seconds",
			Help: "Time to compute one GOTO path.", Buckets: prometheus.ExponentialBuckets(0.00001, 2, 14)}),
		inputs:    counterVec("world", "inputs_total", "Client intents handed to the world, by type.", "type"),
		msgsIn:    counter("gateway", "messages_in_total", "WebSocket messages received."),
		bytesIn:   counter("gateway", "bytes_in_total", "WebSocket payload bytes received."),
		msgsOut:   counter("gateway", "messages_out_total", "WebSocket messages sent."),
		bytesOut:  counter("gateway", "bytes_out_total", "WebSocket payload bytes sent."),
		drops:     counterVec("gateway", "drops_total", "Things dropped on purpose, by reason.", "reason"),
		avatars:   prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: "world", Name: "avatars", Help: "Avatars in the world."}),
		pings:     counterVec("gateway", "keepalive_pings_total", "Keepalive results: ok (a pong came within the timeout), failed (closed as idle).", "result"),
		controlIn: counter("gateway", "control_frames_in_total", "Pings and pongs received from clients (counted in the input rate)."),
		lateCredit: counter("gateway", "late_credit_messages_total",
			"Messages beyond the input rate let through because the server was late when the client sent them."),
		ticksMerged: counter("world", "ticks_merged_total", "Ticks sent together with a later tick because the server was late (no UPDATE of their own)."),
		ticksSkipped: counter("world", "ticks_skipped_total",
			"Ticks never simulated: wall-clock time owed beyond the 5 s the hub catches up after a stall."),
	}
	m.positionsReplaced = m.drops.WithLabelValues("position_replaced")
	for _, c := range []prometheus.Collector{m.connections, m.connAttempts, m.admission, m.closes, m.slowCloses, m.tickDuration,
		m.pathDuration, m.inputs, m.msgsIn, m.bytesIn, m.msgsOut, m.bytesOut, m.drops, m.avatars, m.pings,
		m.controlIn, m.lateCredit, m.ticksMerged, m.ticksSkipped} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// registerWorldStats exports the world's own counters, read from the
// snapshot the hub publishes once a second.
func registerWorldStats(reg prometheus.Registerer, load func() *world.Stats) error {
	counter := func(name, help string, get func(*world.Stats) uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: "fair", Subsystem: "world", Name: name, Help: help},
			func() float64 {
				if st := load(); st != nil {
					return float64(get(st))
				}
				return 0
			})
	}
	for _, c := range []prometheus.Collector{
		counter("events_dropped_total", "Events refused because an avatar's queue (256 between two updates) was full.", func(s *world.Stats) uint64 { return s.EventsDropped }),
		counter("recomputes_total", "Visible-set recomputations.", func(s *world.Stats) uint64 { return s.Recomputes }),
		counter("enters_total", "Enter records produced for viewers.", func(s *world.Stats) uint64 { return s.Enters }),
		counter("leaves_total", "Leave records produced for viewers.", func(s *world.Stats) uint64 { return s.Leaves }),
		counter("moves_total", "Move records produced for viewers.", func(s *world.Stats) uint64 { return s.Moves }),
	} {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}
