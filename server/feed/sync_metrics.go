package feed

import (
	"github.com/prometheus/client_golang/prometheus"
)

type syncMetrics struct {
	drops   *prometheus.CounterVec
	drop    [nDrops]prometheus.Counter // drops by reason, resolved once
	gaps    prometheus.Counter
	resyncs prometheus.Counter
	expired prometheus.Counter
	remote  prometheus.Gauge
}

func newSyncMetrics(reg prometheus.Registerer) (*syncMetrics, error) {
	m := &syncMetrics{
		drops: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "fair", Subsystem: "feed", Name: "drops_total",
			Help: "Feed records not published or not applied, by reason (publish_queue_full, malformed, version, stale, duplicate).",
		}, []string{"reason"}),
		gaps: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "fair", Subsystem: "feed", Name: "gaps_total",
			Help: "Records of other nodes missed, found by sequence gaps."}),
		resyncs: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "fair", Subsystem: "feed", Name: "resyncs_total",
			Help: "Streams (a node's records on a channel) back in sync after a gap, at a full record."}),
		expired: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "fair", Subsystem: "feed", Name: "remote_expired_total",
			Help: "Remote avatars removed because no record mentioned them for the expiry time (their node stopped, or the feed was cut)."}),
		remote: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "fair", Subsystem: "feed", Name: "remote_avatars",
			Help: "Remote avatars in this node's world, refreshed once a second."}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.drops, m.gaps, m.resyncs, m.expired, m.remote} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	for i, r := range [nDrops]string{"publish_queue_full", "malformed", "version", "stale", "duplicate"} {
		m.drop[i] = m.drops.WithLabelValues(r)
	}
	return m, nil
}

// Drop reasons, indexes of syncMetrics.drop.
const (
	dropPublishQueueFull = iota
	dropMalformed
	dropVersion
	dropStale
	dropDuplicate
	nDrops
)
