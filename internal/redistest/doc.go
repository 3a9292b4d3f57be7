// Package redistest starts real redis-server processes for tests: one
// server on a unix socket in the test's temporary directory (Start), or a
// 3-master Redis Cluster on free loopback ports (StartCluster), each
// stopped in the test's Cleanup. Servers can be killed (SIGKILL), paused
// (SIGSTOP), continued (SIGCONT) and restarted, for fault tests.
//
// A missing redis-server fails the test (it is never skipped): `make test`
// installs it (scripts/test-deps.sh).
//
// A Server's methods may be called from any goroutine.
package redistest
