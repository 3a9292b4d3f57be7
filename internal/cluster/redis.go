package cluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is the fair's redis-server: it listens on a unix socket in the
// cluster's directory only, with appendonly yes (the documented
// deployment: a restart loses no session) and no RDB snapshots. Its
// methods are safe for concurrent use.
type Redis struct {
	*Process
	sock string
}

func newRedis(bin, dir string, echo func(*Process)) (*Redis, error) {
	data := filepath.Join(dir, "redis")
	if err := os.MkdirAll(data, 0o755); err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	sock := filepath.Join(data, "redis.sock")
	if len(sock) > 100 { // sun_path holds 108 bytes
		d, err := os.MkdirTemp("", "fairredis")
		if err != nil {
			return nil, fmt.Errorf("cluster: %w", err)
		}
		sock = filepath.Join(d, "redis.sock")
	}
	r := &Redis{sock: sock, Process: &Process{
		name: "redis", path: bin, dir: data, log: filepath.Join(dir, "redis.log"),
		args: []string{
			"--port", "0", "--unixsocket", sock, "--unixsocketperm", "700",
			"--dir", data, "--appendonly", "yes", "--save", "",
			"--daemonize", "no", "--logfile", "", "--loglevel", "notice",
		},
	}}
	echo(r.Process)
	return r, nil
}

// URL is the address the nodes are given with -redis: unix:///…/redis.sock.
func (r *Redis) URL() string { return "unix://" + r.sock }

// Socket is the path of the unix socket (redis-cli -s PATH).
func (r *Redis) Socket() string { return r.sock }

// Client returns a new go-redis client of this server (the caller closes
// it): for INFO, CLIENT KILL and the like in tests and reports.
func (r *Redis) Client() *redis.Client {
	return redis.NewClient(&redis.Options{Network: "unix", Addr: r.sock, DialTimeout: time.Second, MaxRetries: -1})
}

// run starts the server and waits until it answers PING.
func (r *Redis) run(ctx context.Context) error {
	if err := r.start(); err != nil {
		return err
	}
	c := r.Client()
	defer c.Close()
	for {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		err := c.Ping(pctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-r.Exited():
			return fmt.Errorf("cluster: redis-server exited (%v):\n%s", r.ExitErr(), r.Tail(20))
		case <-ctx.Done():
			return fmt.Errorf("cluster: redis-server not answering (%v): %w\n%s", err, ctx.Err(), r.Tail(20))
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Restart kills the server if it runs (SIGKILL: as a crash would), starts
// it again on the same socket and data directory (its append-only file is
// replayed), and waits until it answers.
func (r *Redis) Restart(ctx context.Context) error {
	r.Kill()
	return r.run(ctx)
}
