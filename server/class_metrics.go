package server

import "github.com/prometheus/client_golang/prometheus"

// classMetrics are the metrics of staff sign-in and classes.
type classMetrics struct {
	tickets     *prometheus.CounterVec // result
	codeFails   prometheus.Counter
	codeCloses  prometheus.Counter
	requests    *prometheus.CounterVec // kind, result
	orders      *prometheus.CounterVec // order
	busDrops    *prometheus.CounterVec // reason
	members     prometheus.Gauge       // lines sent in MEMBERS, last second
	liveClasses prometheus.Gauge
	beatRecords prometheus.Gauge
	revoked     prometheus.Counter
}

func newClassMetrics(reg prometheus.Registerer) (*classMetrics, error) {
	m := &classMetrics{
		tickets: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "fair", Subsystem: "staff", Name: "tickets_total",
			Help: "POST /api/staff/ticket answers, by result: ok, or the error code."}, []string{"result"}),
		codeFails: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "fair", Subsystem: "class", Name: "code_failures_total",
			Help: "CLASS_JOIN with a code that opens no class (summed over the nodes: the fair-wide count of failed tries)."}),
		codeCloses: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "fair", Subsystem: "class", Name: "code_closes_total",
			Help: "Connections closed with 4017 after their sixth wrong join code."}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "fair", Subsystem: "class", Name: "requests_total",
			Help: "Class requests, by kind and result."}, []string{"kind", "result"}),
		orders: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "fair", Subsystem: "class", Name: "orders_total",
			Help: "Teachers' orders given on this node, by order."}, []string{"order"}),
		busDrops: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "fair", Subsystem: "class", Name: "bus_drops_total",
			Help: "Class bus messages dropped, by reason: queue_full (to publish), inbox_full (received, the hub busy)."}, []string{"reason"}),
		members: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "fair", Subsystem: "class", Name: "member_lines",
			Help: "MEMBERS lines sent to this node's clients in the last second."}),
		liveClasses: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "fair", Subsystem: "class", Name: "live",
			Help: "Classes with a member connected to this node."}),
		beatRecords: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "fair", Subsystem: "class", Name: "beat_records",
			Help: "Member records received from the class bus in the last second (every node's)."}),
		revoked: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "fair", Subsystem: "staff", Name: "revoked_sessions_total",
			Help: "Staff sessions closed with 4019: their token was revoked."}),
	}
	for _, c := range []prometheus.Collector{m.tickets, m.codeFails, m.codeCloses, m.requests, m.orders, m.busDrops, m.members, m.liveClasses, m.beatRecords, m.revoked} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}
