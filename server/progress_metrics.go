package server

import "github.com/prometheus/client_golang/prometheus"

// progressMetrics count what the hub decides about points.
type progressMetrics struct {
	readings *prometheus.CounterVec // result: granted, closed
	answers  *prometheus.CounterVec // right: true, false
	refusals *prometheus.CounterVec // code: too_fast, not_open, ...
	keys     prometheus.Counter
	badges   prometheus.Counter
	notices  prometheus.Counter
	jobs     *prometheus.CounterVec // kind, result
}

func newProgressMetrics(reg prometheus.Registerer) (*progressMetrics, error) {
	m := &progressMetrics{
		readings: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "fair", Subsystem: "progress", Name: "readings_total",
			Help: "Reading clocks that ended: granted (the points were earned), closed (the content was closed or the avatar walked away), replaced (another content was opened meanwhile), gone (the visitor left)."}, []string{"result"}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "fair", Subsystem: "progress", Name: "answers_total",
			Help: "Quiz answers checked, right or not."}, []string{"right"}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "fair", Subsystem: "progress", Name: "refusals_total",
			Help: "Openings, answers and requests refused, by error code."}, []string{"code"}),
		keys: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "fair", Subsystem: "progress", Name: "keys_total",
			Help: "Progress keys made (a visitor's first points)."}),
		badges: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "fair", Subsystem: "progress", Name: "badges_total",
			Help: "Badges earned."}),
		notices: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "fair", Subsystem: "progress", Name: "notices_total",
			Help: "Badge notices delivered to the visitors around a winner."}),
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "fair", Subsystem: "progress", Name: "jobs_total",
			Help: "Requests the progress workers answered (leaderboard, share, unshare, erase, key), by result."}, []string{"kind", "result"}),
	}
	for _, c := range []prometheus.Collector{m.readings, m.answers, m.refusals, m.keys, m.badges, m.notices, m.jobs} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}
