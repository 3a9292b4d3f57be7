// Package cluster runs a fair as real processes on one machine: a
// redis-server, N fairserver nodes and HAProxy in front of them. It is the
// harness of the fault tests (this package's tests), of `make cluster`
// (cmd/cluster) and of load tools that need a fair of several nodes.
//
//	c, err := cluster.Start(ctx, cluster.Config{Nodes: 3})
//	if err != nil { ... }
//	defer c.Stop()
//	fmt.Println(c.URL())       // the page through HAProxy
//	c.Nodes[1].Kill()          // SIGKILL one node
//	c.Redis.Pause()            // SIGSTOP Redis; Continue, Restart
//
// What Start runs, in order, each process waited for before the next:
//
//   - redis-server on a unix socket in Config.Dir, appendonly yes (the
//     documented deployment: a Redis restart loses no session), no RDB
//     snapshots; ready when it answers PING;
//   - the nodes, together, each with -redis, its own -node-id ("a", "b",
//     …), -addr and -admin-addr on free loopback ports (the kernel's
//     choice: read back from the node's "listening" log lines), JSON logs,
//     and Config.NodeArgs; ready when /readyz answers 200;
//   - HAProxy (Debian's haproxy, `-db`: one foreground process) with a
//     configuration written for the run: round robin, /ws in a backend of
//     its own so that WebSockets alternate between the nodes whatever the
//     page's other requests do, a health check of each node's /readyz on
//     its admin address (every CheckInterval, CheckFall failures to mark
//     it down, one success to bring it back), WebSocket-friendly timeouts
//     (a tunnel may idle an hour), an X-Fair-Node response header naming
//     the node that answered, a statistics page; and each node again as a
//     backup server without a check, used only when every node fails
//     /readyz (Redis away): new visitors then reach a node, which refuses
//     them with 4014 (the page says why and retries), rather than HAProxy's
//     bare 503. Ready when it sees every node UP.
//
// Every process runs in its own process group (a Ctrl-C in the terminal
// reaches only the harness, which stops the children in order) and, on
// Linux, is killed by the kernel if the harness dies first. The harness
// records every PID it started (Cluster.PIDs) and signals only those:
// Process.Kill (SIGKILL, waited for), Term (SIGTERM), Pause (SIGSTOP),
// Continue (SIGCONT), Stop (SIGTERM, then SIGKILL after a bound). Each
// process's output goes to a log file in Config.Dir (Process.LogPath,
// Tail), and to Config.Output if set. Redis.Restart and Node.Restart start
// a process again on the same socket or addresses.
//
// Cluster.Stop stops the nodes first, together (each drains and writes its
// last presence changes), then HAProxy, then Redis, and removes the
// temporary directory.
//
// Config.NoProxy leaves HAProxy out (a load tool that spreads its clients
// over Cluster.Nodes itself: a proxy would hold two sockets per client),
// Config.NoRedis starts independent single nodes. Build compiles
// ./cmd/fairserver once for callers that do not have a binary.
//
// Every exported method is safe for concurrent use.
package cluster
