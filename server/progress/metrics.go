package progress

import "github.com/prometheus/client_golang/prometheus"

// storeMetrics are a RedisStore's counters.
type storeMetrics struct {
	writes   prometheus.Counter
	failures prometheus.Counter
	drops    prometheus.Counter
	pending  prometheus.Gauge
}

func newStoreMetrics(reg prometheus.Registerer) (*storeMetrics, error) {
	m := &storeMetrics{
		writes: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "fair", Subsystem: "progress", Name: "writes_total",
			Help: "Progress writes (one visitor's changes of one flush) Redis applied."}),
		failures: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "fair", Subsystem: "progress", Name: "store_failures_total",
			Help: "Calls to Redis for progress that failed (the writes are sent again)."}),
		drops: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "fair", Subsystem: "progress", Name: "store_drops_total",
			Help: "Progress changes dropped because too many waited while Redis was away (MaxPending)."}),
		pending: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "fair", Subsystem: "progress", Name: "pending_changes",
			Help: "Progress changes waiting to be written to Redis."}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.writes, m.failures, m.drops, m.pending} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}
