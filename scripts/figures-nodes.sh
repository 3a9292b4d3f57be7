#!/usr/bin/env bash
# The figures of docs/PERFORMANCE.md § Several nodes, both configurations in
# one run so that their ratio is fair on a shared machine (make figures-nodes):
#
#   1. one node without Redis (cmd/cluster -nodes 1 -no-redis -no-proxy);
#   2. three nodes over one redis-server (appendonly yes, unix socket), no
#      HAProxy: the bots spread over the nodes themselves (bot i on node
#      i mod 3), so two thirds of what each bot sees is on other nodes.
#
# In each: N walking bots in groups of about 50 (cmd/bots -density 50) and,
# in a bots process of its own, PAIRS pairs (-pairs): a walker's MOVE timed
# on a watcher of the next node (on the same node in the first run). A CPU
# profile of node a is taken during the measurement window and, with three
# nodes, cmd/feedlag times the feed's records on Redis meanwhile. The load
# average is recorded before and after each configuration.
#
# Environment (defaults in brackets): OUT [/tmp/fairworld-figures-nodes]
# N [2000] PAIRS [21] WARMUP [75s] DURATION [135s] (in seconds) PROFILE [20]
# seconds, ROUNDS [1]: each round runs both configurations again, one after
# the other (on a shared machine, compare the rounds' load averages).
# Everything it starts is stopped at its end (or on Ctrl-C): the nodes,
# Redis and the bots are its own children.
set -euo pipefail

cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/fairworld-figures-nodes}
N=${N:-2000}
PAIRS=${PAIRS:-21}
WARMUP=${WARMUP:-75s}
DURATION=${DURATION:-135s}
PROFILE=${PROFILE:-20}
ROUNDS=${ROUNDS:-1}
GO=${GO:-go}

command -v jq >/dev/null || { echo "figures-nodes: needs jq (apt-get install jq)" >&2; exit 1; }
rm -rf "$OUT"
mkdir -p "$OUT/bin"
echo "building into $OUT/bin"
$GO build -o "$OUT/bin/fairserver" ./cmd/fairserver
$GO build -o "$OUT/bin/cluster" ./cmd/cluster
$GO build -o "$OUT/bin/bots" ./cmd/bots
$GO build -o "$OUT/bin/feedlag" ./cmd/feedlag

# At the end, only this script's children still running (jobs -p: never a
# PID that ended and may have been reused).
cleanup() {
	local p
	for p in $(jobs -p); do kill -INT "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

secs() { local d=$1; d=${d%s}; echo "$d"; }

# run LABEL NODES [cluster flags...]
run() {
	local label=$1 nodes=$2
	shift 2
	local d="$OUT/$label"
	mkdir -p "$d"
	echo "== $label: $nodes node(s), $(uptime)" | tee "$d/uptime.txt"
	# The cluster runs until its stdin closes: the fifo's writer is this
	# script, so it also stops if the script dies.
	mkfifo "$d/stdin"
	"$OUT/bin/cluster" -nodes "$nodes" -no-proxy -json -stop-on-stdin-eof -fairserver "$OUT/bin/fairserver" \
		-dir "$d/cluster" "$@" <"$d/stdin" >"$d/cluster.json" 2>"$d/cluster.err" &
	local cpid=$!
	exec 9>"$d/stdin"
	local i
	for i in $(seq 1 120); do
		[ -s "$d/cluster.json" ] && break
		kill -0 "$cpid" 2>/dev/null || { cat "$d/cluster.err" >&2; return 1; }
		sleep 0.5 &
		wait $!
	done
	[ -s "$d/cluster.json" ] || { echo "figures-nodes: the cluster did not start" >&2; cat "$d/cluster.err" >&2; return 1; }
	local urls mets redis admin
	urls=$(jq -r '[.nodes[].ws] | join(",")' "$d/cluster.json")
	mets=$(jq -r '[.nodes[].metrics] | join(",")' "$d/cluster.json")
	redis=$(jq -r '.redis.url // ""' "$d/cluster.json")
	admin=$(jq -r '.nodes[0].admin' "$d/cluster.json")

	"$OUT/bin/bots" -url "$urls" -n 0 -pairs "$PAIRS" -prefix pair -ramp 50 -warmup "$WARMUP" -duration "$DURATION" \
		-q -json -seed 2 >"$d/pairs.json" 2>"$d/pairs.err" &
	local p2=$!
	"$OUT/bin/bots" -url "$urls" -n "$N" -density 50 -ramp 150 -warmup "$WARMUP" -duration "$DURATION" -q -json -seed 1 \
		-server-metrics "$mets" ${redis:+-redis "$redis"} >"$d/bots.json" 2>"$d/bots.err" &
	local p1=$!
	# The profile: in the middle of the measurement window.
	local w d0
	w=$(secs "$WARMUP")
	d0=$(secs "$DURATION")
	sleep $(((w + d0) / 2 - PROFILE / 2)) &
	wait $! # (a wait, unlike a foreground sleep, is cut short by Ctrl-C)
	if [ -n "$redis" ]; then # how late the feed's records reach a subscriber
		"$OUT/bin/feedlag" -redis "$redis" -duration "${PROFILE}s" >"$d/feedlag.txt" 2>&1 &
	fi
	curl -sf "http://$admin/debug/pprof/profile?seconds=$PROFILE" -o "$d/cpu-a.pprof" || echo "figures-nodes: no profile" >&2
	wait "$p1"
	wait "$p2"
	echo "   end: $(uptime)" | tee -a "$d/uptime.txt"
	exec 9>&- # the cluster stops (the nodes drain: nobody is left)
	wait "$cpid" || true
}

# summary ROUND: one line per figure, both configurations side by side.
summary() {
	local s=$OUT/single-$1 t=$OUT/three-$1
	echo "### round $1"
	echo
	echo '```'
	cat "$s/uptime.txt" "$t/uptime.txt"
	echo '```'
	echo
	jq -n --slurpfile sb "$s/bots.json" --slurpfile sp "$s/pairs.json" --slurpfile tb "$t/bots.json" --slurpfile tp "$t/pairs.json" -r '
	def f(x): if x == null then "-" else (x * 100 | round / 100 | tostring) end;
	def per_update(b): (b.cluster_cpu_s_per_s // b.server_cpu_s_per_s) / b.moves_per_s * 1e6;
	$sb[0] as $sb | $sp[0] as $sp | $tb[0] as $tb | $tp[0] as $tp |
	"| figure | one node | three nodes over Redis |",
	"|---|---|---|",
	"| bots welcomed / at end | \($sb.welcomed) / \($sb.connected_at_end) | \($tb.welcomed) / \($tb.connected_at_end) |",
	"| visible avatars per bot (mean) | \(f($sb.visible_mean)) | \(f($tb.visible_mean)) |",
	"| avatar updates delivered per second | \(f($sb.moves_per_s)) | \(f($tb.moves_per_s)) |",
	"| bytes per avatar update (all bytes received / updates) | \(f($sb.bytes_per_client_s / $sb.moves_per_client_s)) | \(f($tb.bytes_per_client_s / $tb.moves_per_client_s)) |",
	"| pair echo p50 / p99 / max, ms (\($sp.pair_samples) and \($tp.pair_samples) samples) | \(f($sp.pair_p50_ms)) / \(f($sp.pair_p99_ms)) / \(f($sp.pair_max_ms)) | \(f($tp.pair_p50_ms)) / \(f($tp.pair_p99_ms)) / \(f($tp.pair_max_ms)) |",
	"| pair echo p99 difference, ms (target ≤ one tick + 10 = 60) | | \(f($tp.pair_p99_ms - $sp.pair_p99_ms)) |",
	"| own-intent echo p50 / p99, ms (the walking bots) | \(f($sb.echo_p50_ms)) / \(f($sb.echo_p99_ms)) | \(f($tb.echo_p50_ms)) / \(f($tb.echo_p99_ms)) |",
	"| CPU s/s: nodes | \(f($sb.server_cpu_s_per_s)) | \(f($tb.server_cpu_s_per_s)) |",
	"| CPU s/s: Redis | | \(f($tb.redis_cpu_s_per_s)) |",
	"| CPU µs per avatar update delivered (nodes + Redis) | \(f(per_update($sb))) | \(f(per_update($tb))) |",
	"| ratio (target ≤ 1.5) | | \(f(per_update($tb) / per_update($sb))) |",
	"| Redis commands/s (per 1,000 connections) | | \(f($tb.redis_commands_per_s)) (\(f($tb.redis_commands_per_s / ($tb.connected_at_end + $tp.connected_at_end) * 1000))) |",
	"| Redis bytes/s in / out | | \(f($tb.redis_in_bytes_per_s)) / \(f($tb.redis_out_bytes_per_s)) |",
	"| feed messages per node and tick: published / received | | \(f($tb.feed_published_per_node_tick)) / \(f($tb.feed_received_per_node_tick)) |",
	"| nodes RSS | \($sb.server_rss_bytes / 1048576 | floor) MiB | \($tb.server_rss_bytes / 1048576 | floor) MiB |",
	"",
	(if $sb.welcomed < $sb.bots or $tb.welcomed < $tb.bots or $sp.welcomed < $sp.bots or $tp.welcomed < $tp.bots
	 then "**not comparable**: not every bot was welcomed (failed: \($sb.failed) and \($tb.failed)): the machine was too busy" else empty end)
'
	echo
	[ -s "$t/feedlag.txt" ] && echo "three nodes, cmd/feedlag: $(cat "$t/feedlag.txt")" && echo
	local l
	for l in "$s" "$t"; do
		[ -s "$l/cpu-a.pprof" ] || continue
		echo "node a of $(basename "$l"): go tool pprof -top $OUT/bin/fairserver $l/cpu-a.pprof"
		echo '```'
		$GO tool pprof -top -nodecount 20 "$OUT/bin/fairserver" "$l/cpu-a.pprof" 2>/dev/null | sed -n '4,27p'
		echo '```'
	done
}

for r in $(seq 1 "$ROUNDS"); do
	run "single-$r" 1 -no-redis
	run "three-$r" 3
	summary "$r" | tee -a "$OUT/summary.md"
done
echo "figures-nodes: everything in $OUT (summary.md, each run's JSON summaries and logs)"
