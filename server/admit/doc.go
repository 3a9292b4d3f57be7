// Package admit limits how many new sessions a fair takes per second. The
// limit is fair-wide: with several nodes every HELLO without a resume
// token draws from one budget kept in Redis (Redis), so that the fair
// takes the configured rate however many nodes there are; one node uses
// Memory (golang.org/x/time/rate). A refused HELLO gets 4004
// too_many_joins and retries after 2-10 s (docs/PROTOCOL.md).
//
// Both implementations are token buckets: rate tokens a second, at most
// burst saved up. Redis keeps the bucket as a GCRA "theoretical arrival
// time" in one key with an expiry (it vanishes once the bucket is full
// again), updated by one Lua script per HELLO on Redis's own clock, so the
// nodes' clocks do not matter.
package admit
