package main

import (
	"bufio"
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
)

// The test binary doubles as the server: with FAIRSERVER_MAIN=1 it runs main.
func TestMain(m *testing.M) {
	if os.Getenv("FAIRSERVER_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	if until := os.Getenv("FAIRSERVER_BURN"); until != "" { // a CPU burner for starve_test.go
		if t, err := time.Parse(time.RFC3339Nano, until); err == nil {
			burn(t)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startProcess runs the server as a child process and returns its public address.
func startProcess(t *testing.T, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "FAIRSERVER_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			t.Log(sc.Text())
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "listening" {
				addr <- line.Addr
			}
		}
	}()
	select {
	case a := <-addr:
		return cmd, a
	case <-time.After(20 * time.Second):
		t.Fatal("the server did not say where it listens")
		return nil, ""
	}
}

func TestSIGTERMClosesClientsWith1012(t *testing.T) {
	cmd, addr := startProcess(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, "ws://"+addr+"/ws", client.Options{Pseudonym: "Aurélien"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("client not closed after SIGTERM")
	}
	if got := client.CodeOf(c.Err()); got != protocol.CloseServiceRestart {
		t.Errorf("closed with %v, want 1012 service_restart", got)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("server exited with %v after SIGTERM, want 0", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("server still running 15 s after SIGTERM")
	}
}

func TestBadFlagsAndZone(t *testing.T) {
	for _, args := range [][]string{{"-tick-rate", "500"}, {"-zone", "/nonexistent.tmx"}, {"-log-level", "loud"}, {"-addr", "256.0.0.1:1"},
		{"-node-id", "a node"}, {"-redis", "http://127.0.0.1:1"}, {"-redis", "127.0.0.1:6379"}} {
		var sb strings.Builder
		// Should anything start anyway, it stops at once.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := run(ctx, append([]string{"-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0"}, args...), func(string) string { return "" }, &sb); err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
}

// -test-roles is refused on an address others can reach, and never comes
// from the environment.
func TestTestRolesOnlyOnLoopback(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, addr := range []string{":0", "0.0.0.0:0", "[::]:0", "192.0.2.1:0"} {
		var sb strings.Builder
		err := run(ctx, []string{"-addr", addr, "-admin-addr", "127.0.0.1:0", "-test-roles"}, func(string) string { return "" }, &sb)
		if err == nil || !strings.Contains(err.Error(), "-test-roles") {
			t.Errorf("-test-roles with -addr %s: %v", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0", "[::1]:0"} {
		if !loopback(addr) {
			t.Errorf("%s is loopback", addr)
		}
	}
	// FAIR_TEST_ROLES is ignored: with a public address it must not refuse
	// because of it (it fails later, on the zone, as asked).
	env := map[string]string{"FAIR_TEST_ROLES": "true", "FAIR_ZONE": "/nonexistent.tmx"}
	var sb strings.Builder
	err := run(ctx, []string{"-addr", ":0", "-admin-addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, &sb)
	if err == nil || strings.Contains(err.Error(), "-test-roles") {
		t.Errorf("FAIR_TEST_ROLES was read: %v", err)
	}
}

func TestEnvironmentSetsFlags(t *testing.T) {
	env := map[string]string{"FAIR_ZONE": "/nonexistent-from-env.tmx"}
	var sb strings.Builder
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := run(ctx, []string{"-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, &sb)
	if err == nil || !strings.Contains(err.Error(), "nonexistent-from-env") {
		t.Errorf("FAIR_ZONE not used: %v", err)
	}
}

// A bad FAIR_* value is refused at start like the same flag on the command
// line, and the error names the variable.
func TestBadEnvironmentIsRefused(t *testing.T) {
	for _, c := range []struct{ env, val string }{
		{"FAIR_TICK_RATE", "abc"},
		{"FAIR_TICK_RATE", "500"},
		{"FAIR_TICK_RATE", "0"},
		{"FAIR_INPUT_RATE", "lots"},
		{"FAIR_RESUME_WINDOW", "soon"},
		{"FAIR_LOG_LEVEL", "loud"},
		{"FAIR_LOG_FORMAT", "xml"},
		{"FAIR_TRUSTED_PROXIES", "10.0.0.0/99"},
	} {
		var sb strings.Builder
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := run(ctx, []string{"-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0"},
			func(k string) string {
				if k == c.env {
					return c.val
				}
				return ""
			}, &sb)
		if err == nil || !strings.Contains(err.Error(), c.env) {
			t.Errorf("%s=%s: got %v, want an error naming %s", c.env, c.val, err, c.env)
		}
	}
	// The flag's bounds are the world's: 1 to 100.
	for _, v := range []string{"101", "0"} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var sb strings.Builder
		err := run(ctx, []string{"-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0", "-tick-rate", v}, func(string) string { return "" }, &sb)
		if err == nil || !strings.Contains(err.Error(), "-tick-rate") {
			t.Errorf("-tick-rate %s: got %v, want a refusal naming -tick-rate", v, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var sb strings.Builder
	if err := run(ctx, []string{"-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0"}, func(k string) string {
		if k == "FAIR_TICK_RATE" {
			return "100"
		}
		return ""
	}, &sb); err != nil {
		t.Errorf("FAIR_TICK_RATE=100 refused: %v", err)
	}
}

// burn keeps one CPU busy until the deadline (FAIRSERVER_BURN, see TestMain).
func burn(until time.Time) {
	x := 1.0
	for time.Now().Before(until) {
		for range 1 << 16 {
			x = math.Sqrt(x + 1)
		}
	}
	_ = x
}

// A contents file with problems stops the server at start, naming them;
// so do a bad -public-url and a retention under a minute.
func TestBadContentsRefused(t *testing.T) {
	dir := t.TempDir()
	bad := dir + "/contents.json"
	if err := os.WriteFile(bad, []byte(`{"version": 1, "contents": [{"hotspot": "h-001", "titel": "x"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-contents", bad}, `unknown field "titel"`},
		{[]string{"-contents", dir + "/absent.json"}, "cannot open"},
		{[]string{"-public-url", "fair.example.org"}, "-public-url"},
		{[]string{"-public-url", "https://fair.example.org/path"}, "-public-url"},
		{[]string{"-progress-retention", "10s"}, "-progress-retention"},
	} {
		var sb strings.Builder
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := run(ctx, append([]string{"-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0"}, c.args...), func(string) string { return "" }, &sb)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want an error with %q", c.args, err, c.want)
		}
	}
	// FAIR_CONTENTS is read too.
	var sb strings.Builder
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := run(ctx, []string{"-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0"}, func(k string) string {
		if k == "FAIR_CONTENTS" {
			return bad
		}
		return ""
	}, &sb)
	if err == nil || !strings.Contains(err.Error(), "FAIR_CONTENTS") {
		t.Errorf("FAIR_CONTENTS with problems: %v", err)
	}
}

// -test-reading-scale too: loopback only, in (0, 1], never from the
// environment.
func TestTestReadingScaleOnlyOnLoopback(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, args := range [][]string{
		{"-addr", ":0", "-test-reading-scale", "0.1"},
		{"-addr", "127.0.0.1:0", "-test-reading-scale", "2"},
		{"-addr", "127.0.0.1:0", "-test-reading-scale", "-1"},
	} {
		var sb strings.Builder
		err := run(ctx, append(args, "-admin-addr", "127.0.0.1:0"), func(string) string { return "" }, &sb)
		if err == nil || !strings.Contains(err.Error(), "-test-reading-scale") {
			t.Errorf("%v: %v", args, err)
		}
	}
	env := map[string]string{"FAIR_TEST_READING_SCALE": "5", "FAIR_ZONE": "/nonexistent.tmx"}
	var sb strings.Builder
	err := run(ctx, []string{"-addr", ":0", "-admin-addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, &sb)
	if err == nil || strings.Contains(err.Error(), "-test-reading-scale") {
		t.Errorf("FAIR_TEST_READING_SCALE was read: %v", err)
	}
}
