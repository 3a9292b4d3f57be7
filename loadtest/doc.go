// Package loadtest drives many simulated visitors ("bots") against a world
// server from one process, and measures what they receive: connections and
// refusals by close code, messages and bytes per client per second, visible
// avatars, avatar moves per second, and input-to-echo latency (from sending
// an intent with seq N to reading an UPDATE whose ack is at least N).
//
// cmd/bots holds the flags; Run does the work and returns a Summary.
//
// Bots walk like visitors: a MOVE in a random direction for a few seconds,
// then a GOTO to a random hotspot or booth of the zone (fetched from
// /api/zone), opening hotspots they stand next to and closing them later.
// With Config.Density, bots are placed in groups of Density+1 that walk
// inside one box each (see Plan), so that each sees about Density others.
//
// One process handles up to about 15,000 bots: each holds one socket and the
// machine's open-file limit is 20,000 per process; each costs the process
// about 55 kB (measured: 110 MB resident for 2,000 walking bots). Run several processes
// (different -prefix each) for more. Loopback offers about 28,000 ephemeral
// ports per source/destination address pair: spread connections over
// several source addresses (Config.LocalAddrs, e.g. 127.0.0.2,127.0.0.3).
//
// The bots' own CPU load inflates the latencies they measure: for clean
// latency figures, run a separate small process with only -echo bots
// alongside the one that makes the load.
//
// Several nodes of one fair: Config.URL lists them (bots spread over them
// in turn), Config.ServerMetrics lists their /metrics (summed), and
// Config.Redis adds Redis's own figures and the whole cluster's CPU per
// avatar update. Config.Pairs times the echo of one bot's intent on
// another bot connected to the next node: the cross-node path (the cell
// feed through Redis) against the same pair on one node.
package loadtest
