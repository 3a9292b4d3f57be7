package presence

import "github.com/prometheus/client_golang/prometheus"

// metrics are a RedisStore's collectors (namespace fair, subsystem
// presence), registered on the injected Registerer.
type metrics struct {
	commands      *prometheus.CounterVec // Redis commands sent, by operation
	errors        *prometheus.CounterVec // failed calls, by operation
	takeovers     *prometheus.CounterVec // sessions taken over by another node, by how this node learnt it
	restores      *prometheus.CounterVec // the node's sessions written again, by reason
	evictions     prometheus.Counter
	nameConflicts prometheus.Counter
	localResumes  prometheus.Counter
	pending       prometheus.Gauge
	online        prometheus.Gauge
	roundTrip     prometheus.Histogram // the heartbeat's pipeline: Redis's latency as this node sees it
}

func newMetrics(reg prometheus.Registerer, ready func() float64) (*metrics, error) {
	const ns, sub = "fair", "presence"
	vec := func(name, help, label string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: name, Help: help}, []string{label})
	}
	c := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: name, Help: help})
	}
	m := &metrics{
		commands:  vec("redis_commands_total", "Redis commands this node sent for presence (a script counts one), by operation: create, resume, alloc, pos, put, end, unlist, heartbeat, evict, script_load, leave.", "op"),
		errors:    vec("errors_total", "Failed presence calls to Redis, by operation.", "op"),
		takeovers: vec("takeovers_total", "Sessions attached here that another node resumed (their connections got 4006), by how this node learnt it: control (the other node's message) or write (a write found a later attachment).", "via"),
		restores:  vec("restores_total", "Times this node wrote all its sessions to Redis again, by reason: data_lost (Redis came back empty), evicted (another node took this one for dead).", "reason"),
		evictions: c("evictions_total", "Nodes found dead by this node, whose attached sessions it detached (resumable for the window)."),
		nameConflicts: c("name_conflicts_total",
			"Sessions written again after a data loss whose pseudonym another session had reserved meanwhile."),
		localResumes: c("local_resumes_total", "Resumes this node served from its own sessions while Redis was unreachable."),
		pending:      prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub, Name: "pending_writes", Help: "Writes waiting for Redis at the last flush."}),
		online:       prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub, Name: "online", Help: "Visitors online in the fair (all nodes), at the last heartbeat."}),
		roundTrip: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Subsystem: sub, Name: "redis_round_trip_seconds",
			Help:    "Time of the heartbeat's pipeline to Redis (one round trip, a few commands): Redis's latency as this node sees it.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16)}),
	}
	if reg == nil {
		return m, nil
	}
	readyGauge := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub, Name: "ready",
		Help: "1 while Redis answers (new sessions are accepted), 0 while new sessions are refused with 4014."},
		ready)
	for _, col := range []prometheus.Collector{m.commands, m.errors, m.takeovers, m.restores, m.evictions, m.nameConflicts,
		m.localResumes, m.pending, m.online, m.roundTrip, readyGauge} {
		if err := reg.Register(col); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *metrics) cmd(op string, n int) { m.commands.WithLabelValues(op).Add(float64(n)) }
func (m *metrics) fail(op string)       { m.errors.WithLabelValues(op).Inc() }
