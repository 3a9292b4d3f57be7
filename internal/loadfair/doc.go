// Package loadfair runs a whole fair under load on this machine, with one
// call: a redis-server and N fairserver nodes (internal/cluster, no load
// balancer: the bots connect to the nodes directly, spread as a load
// balancer would spread them; a proxy holding both sides of 100,000
// connections would need 200,000 sockets, far past the 20,000 open files a
// process may have here), then several cmd/bots processes, each with its
// share of the mix and its own source addresses (127.0.0.2, 127.0.0.3, …:
// about 28,000 ephemeral ports per source and destination pair). It holds
// the run, samples every node's /metrics and every load process's live
// line once a second (a progress line for people), stops everything it
// started by PID, and returns a Report (JSON) with pass/fail verdicts;
// WritePlots draws the time series as PNG (gonum/plot).
//
// A separate small process runs the walking probes (echo bots and probes),
// so that the latencies it measures are not inflated by the load
// processes' own CPU use more than the machine's sharing makes them.
//
// Run is not safe to call twice at once in one directory.
package loadfair
