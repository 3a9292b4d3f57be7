package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/internal/cluster"
)

// The command starts the cluster, describes it in one JSON line, serves
// the page through HAProxy from both nodes, and stops every process it
// started on a signal.
func TestClusterCommand(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin := filepath.Join(t.TempDir(), "fairserver")
	if err := cluster.Build(ctx, "./cmd/fairserver", bin); err != nil {
		t.Fatal(err)
	}
	out, w := io.Pipe()
	sig := make(chan os.Signal, 2)
	done := make(chan error, 1)
	go func() {
		done <- run([]string{"-nodes", "2", "-addr", "127.0.0.1:0", "-json", "-fairserver", bin, "-dir", t.TempDir(),
			"-node", "b:-build other", "--", "-heartbeat-ttl", "1s", "-drain-delay", "0", "-drain-spread", "0"},
			strings.NewReader(""), w, &lockedWriter{w: tLog{t}}, sig)
		w.Close()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("no description: %v (%v)", err, <-done)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	var d Description
	if err := json.Unmarshal([]byte(line), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Nodes) != 2 || d.Redis == nil || d.Proxy == nil || !strings.HasPrefix(d.URL, "http://127.0.0.1:") {
		t.Fatalf("description %s", line)
	}
	seen := map[string]bool{}
	for range 2 {
		resp, err := http.Get(d.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		seen[resp.Header.Get("X-Fair-Node")] = true
	}
	if !seen["a"] || !seen["b"] {
		t.Fatalf("the page came from %v, want a and b", seen)
	}
	args, _ := os.ReadFile("/proc/" + strconv.Itoa(d.Nodes[1].PID) + "/cmdline")
	if !strings.Contains(string(args), "-build\x00other") || !strings.Contains(string(args), "-heartbeat-ttl\x001s") {
		t.Errorf("node b's command line %q lacks its flags", args)
	}
	sig <- syscall.SIGINT
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("still running 30 s after SIGINT")
	}
	for _, pid := range []int{d.Redis.PID, d.Proxy.PID, d.Nodes[0].PID, d.Nodes[1].PID} {
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("pid %d still there: %v", pid, err)
		}
	}
}

// tLog sends the command's stderr to the test's log.
type tLog struct{ t *testing.T }

func (l tLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// lockedWriter makes a writer safe for the command's goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
