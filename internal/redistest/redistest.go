package redistest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// TB is what the package needs of a test: a testing.TB, or a Main for
// servers shared by a package's tests (TestMain).
type TB interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Errorf(format string, args ...any)
	TempDir() string
	Cleanup(func())
}

// Options change how a server starts.
type Options struct {
	AppendOnly bool // appendonly yes (with its file in the test's directory)
}

// Server is one redis-server process.
type Server struct {
	t    TB
	bin  string
	dir  string
	args []string
	url  string
	addr string // host:port, or the socket path

	mu  sync.Mutex
	cmd *exec.Cmd // guarded by mu; nil while killed
}

// binary returns redis-server's path or fails the test.
func binary(t TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found (%v): run `make test`, which installs it (scripts/test-deps.sh)", name, err)
	}
	return p
}

// Start runs a redis-server listening only on a unix socket in
// t.TempDir(), and stops it at the end of the test.
func Start(t TB, opts ...Options) *Server {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "redis.sock")
	if len(sock) > 100 { // sun_path is 108 bytes
		d, err := os.MkdirTemp("", "redis")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.RemoveAll(d) })
		dir, sock = d, filepath.Join(d, "redis.sock")
	}
	s := &Server{
		t: t, bin: binary(t, "redis-server"), dir: dir, addr: sock, url: "unix://" + sock,
		args: append(baseArgs(dir, o), "--port", "0", "--unixsocket", sock, "--unixsocketperm", "700"),
	}
	s.start()
	t.Cleanup(s.Kill)
	return s
}

func baseArgs(dir string, o Options) []string {
	aof := "no"
	if o.AppendOnly {
		aof = "yes"
	}
	return []string{
		"--dir", dir, "--save", "", "--appendonly", aof, "--daemonize", "no",
		"--logfile", filepath.Join(dir, "redis.log"), "--loglevel", "notice",
	}
}

// URL is the server's address as the feed takes it (unix:///…/redis.sock,
// or redis://127.0.0.1:port for a cluster node).
func (s *Server) URL() string { return s.url }

// Addr is the socket path or host:port.
func (s *Server) Addr() string { return s.addr }

// Dir is the server's working directory (its log is redis.log there).
func (s *Server) Dir() string { return s.dir }

func (s *Server) start() {
	s.t.Helper()
	cmd := exec.Command(s.bin, s.args...)
	cmd.Dir = s.dir
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("redis-server: %v", err)
	}
	s.mu.Lock()
	s.cmd = cmd
	s.mu.Unlock()
	if err := s.waitReady(10 * time.Second); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
		s.Kill()
		s.t.Fatalf("redis-server at %s not ready: %v\n%s", s.addr, err, log)
	}
}

func (s *Server) client() *redis.Client {
	opt := &redis.Options{Addr: s.addr, Network: "tcp", DialTimeout: time.Second, MaxRetries: -1}
	if strings.HasPrefix(s.url, "unix://") {
		opt.Network = "unix"
	}
	return redis.NewClient(opt)
}

func (s *Server) waitReady(d time.Duration) error {
	c := s.client()
	defer c.Close()
	deadline := time.Now().Add(d)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Kill ends the server with SIGKILL (paused or not) and waits for it.
// Killing a killed server does nothing.
func (s *Server) Kill() {
	s.mu.Lock()
	cmd := s.cmd
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
}

// Pause stops the server with SIGSTOP: connections stay open, nothing is
// answered.
func (s *Server) Pause() { s.signal(syscall.SIGSTOP) }

// Continue resumes a paused server (SIGCONT).
func (s *Server) Continue() { s.signal(syscall.SIGCONT) }

func (s *Server) signal(sig syscall.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		s.t.Errorf("signal %v to a killed redis-server", sig)
		return
	}
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Errorf("signal %v: %v", sig, err)
	}
}

// Restart starts the server again, with the same address and directory,
// after Kill.
func (s *Server) Restart() {
	s.t.Helper()
	s.Kill()
	s.start()
}

// Cluster is a 3-master Redis Cluster on loopback ports.
type Cluster struct {
	Nodes []*Server
}

// URL is the cluster's address for the feed: redis+cluster://h1:p1,h2:p2,h3:p3.
func (c *Cluster) URL() string {
	addrs := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		addrs[i] = n.addr
	}
	return "redis+cluster://" + strings.Join(addrs, ",")
}

// StartCluster runs three redis-server --cluster-enabled yes on free
// loopback ports (each with port+10000 free too, for the cluster bus),
// creates the cluster with redis-cli and waits until it is ok.
func StartCluster(t TB, opts ...Options) *Cluster {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	bin := binary(t, "redis-server")
	cli := binary(t, "redis-cli")
	c := &Cluster{}
	ports := freePorts(t, 3)
	for _, p := range ports {
		dir := t.TempDir()
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(p))
		s := &Server{
			t: t, bin: bin, dir: dir, addr: addr, url: "redis://" + addr,
			args: append(baseArgs(dir, o), "--port", strconv.Itoa(p), "--bind", "127.0.0.1",
				"--cluster-enabled", "yes", "--cluster-config-file", filepath.Join(dir, "nodes.conf"),
				"--cluster-node-timeout", "2000"),
		}
		s.start()
		t.Cleanup(s.Kill)
		c.Nodes = append(c.Nodes, s)
	}
	args := []string{"--cluster", "create"}
	for _, n := range c.Nodes {
		args = append(args, n.addr)
	}
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	deadline := time.Now().Add(30 * time.Second)
	for _, n := range c.Nodes {
		cl := n.client()
		for {
			info, err := cl.ClusterInfo(ctx).Result()
			if err == nil && strings.Contains(info, "cluster_state:ok") {
				break
			}
			if time.Now().After(deadline) {
				cl.Close()
				t.Fatalf("cluster not ok at %s: %v %s", n.addr, err, info)
			}
			time.Sleep(50 * time.Millisecond)
		}
		cl.Close()
	}
	return c
}

// freePorts finds n ports p in [20000, 50000) with p and p+10000 free on
// 127.0.0.1. Another process could take one before the server binds it;
// the ports are random, so that is unlikely.
func freePorts(t TB, n int) []int {
	t.Helper()
	var ports []int
	for range 1000 {
		p := 20000 + rand.IntN(30000)
		if !free(p) || !free(p+10000) {
			continue
		}
		dup := false
		for _, q := range ports {
			dup = dup || q == p || q == p+10000 || q+10000 == p
		}
		if !dup {
			ports = append(ports, p)
		}
		if len(ports) == n {
			return ports
		}
	}
	t.Fatal("no free port pairs")
	return nil
}

func free(p int) bool {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}
