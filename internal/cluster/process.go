package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Process is one child process the harness started: Redis, a node or
// HAProxy. It may be stopped and started again (Restart) with the same
// command line; each run's PID is recorded. All its methods are safe for
// concurrent use.
type Process struct {
	name string
	path string
	args []string
	env  []string
	dir  string
	log  string // the log file: the process's stdout and stderr, appended run after run
	// onLine, when set, sees every line the process writes (its own
	// goroutine per run; it must not block).
	onLine func(string)
	echo   io.Writer // copies of the lines, prefixed with the name; nil for none

	mu   sync.Mutex
	cmd  *exec.Cmd     // guarded by mu; the current run, nil before the first
	done chan struct{} // guarded by mu; closed when the current run has exited
	err  error         // guarded by mu; the current run's exit status, once done
	pids []int         // guarded by mu; every PID started, in order
}

// Name is the process's name in the cluster ("redis", "haproxy", or the
// node's id).
func (p *Process) Name() string { return p.name }

// LogPath is the file holding what the process wrote, every run appended.
func (p *Process) LogPath() string { return p.log }

// Args is the command line of the current run (without the program).
func (p *Process) Args() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.args...)
}

// PID is the current run's process id, 0 before the first run.
func (p *Process) PID() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil || p.cmd.Process == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// PIDs are every process id this Process started, the current last.
func (p *Process) PIDs() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]int(nil), p.pids...)
}

// setArgs changes the command line of the next runs.
func (p *Process) setArgs(f func([]string) []string) {
	p.mu.Lock()
	p.args = f(p.args)
	p.mu.Unlock()
}

// start runs the command once more; the previous run must have exited.
func (p *Process) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done != nil {
		select {
		case <-p.done:
		default:
			return fmt.Errorf("cluster: %s is still running (pid %d)", p.name, p.cmd.Process.Pid)
		}
	}
	f, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("cluster: %s's log: %w", p.name, err)
	}
	cmd := exec.Command(p.path, p.args...)
	cmd.Dir = p.dir
	cmd.Env = append(os.Environ(), p.env...)
	cmd.SysProcAttr = sysProcAttr()
	lw := &lineWriter{f: f, onLine: p.onLine, echo: p.echo, prefix: p.name + ": "}
	cmd.Stdout, cmd.Stderr = lw, lw
	// A child that left a descendant holding its output must not hang Wait.
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		f.Close()
		return fmt.Errorf("cluster: starting %s: %w", p.name, err)
	}
	done := make(chan struct{})
	p.cmd, p.done, p.err = cmd, done, nil
	p.pids = append(p.pids, cmd.Process.Pid)
	go func() {
		err := cmd.Wait()
		lw.flush()
		f.Close()
		p.mu.Lock()
		p.err = err
		p.mu.Unlock()
		close(done)
	}()
	return nil
}

// Exited is closed when the current run has ended (a closed channel
// before the first run).
func (p *Process) Exited() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done == nil {
		c := make(chan struct{})
		close(c)
		return c
	}
	return p.done
}

// Running reports whether the current run has not exited (a paused
// process is running).
func (p *Process) Running() bool {
	select {
	case <-p.Exited():
		return false
	default:
		return true
	}
}

// ExitErr is the current run's exit status (nil for exit 0) once it has
// exited; nil while it runs.
func (p *Process) ExitErr() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// Wait waits for the current run to exit, or for ctx.
func (p *Process) Wait(ctx context.Context) error {
	select {
	case <-p.Exited():
		return p.ExitErr()
	case <-ctx.Done():
		return fmt.Errorf("cluster: waiting for %s: %w", p.name, ctx.Err())
	}
}

// Signal sends sig to the current run. Signalling a process that has
// exited is an error (ErrNotRunning).
func (p *Process) Signal(sig syscall.Signal) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil || p.done == nil {
		return fmt.Errorf("cluster: %s: %w", p.name, ErrNotRunning)
	}
	select {
	case <-p.done:
		return fmt.Errorf("cluster: %s: %w", p.name, ErrNotRunning)
	default:
	}
	// The PID is ours until Wait has returned, which closes done after it
	// takes mu: it cannot have been reused.
	if err := p.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("cluster: signal %v to %s: %w", sig, p.name, err)
	}
	return nil
}

// ErrNotRunning is returned by Signal (and what calls it) when the
// process is not running.
var ErrNotRunning = errors.New("not running")

// Kill ends the process with SIGKILL and waits for it; killing a process
// that is not running does nothing.
func (p *Process) Kill() {
	if p.Signal(syscall.SIGKILL) == nil {
		<-p.Exited()
	}
}

// Term sends SIGTERM and returns at once (a node then drains: see
// Node.Stop and doc.go).
func (p *Process) Term() error { return p.Signal(syscall.SIGTERM) }

// Pause stops the process with SIGSTOP: its sockets stay open, it answers
// nothing.
func (p *Process) Pause() error { return p.Signal(syscall.SIGSTOP) }

// Continue resumes a paused process (SIGCONT).
func (p *Process) Continue() error { return p.Signal(syscall.SIGCONT) }

// Stop ends the process: SIGCONT (a paused process could not handle the
// next signal), SIGTERM, then SIGKILL if it has not exited within
// timeout. It returns the exit status when it exited by itself in time;
// stopping a process that is not running returns nil.
func (p *Process) Stop(timeout time.Duration) error {
	_ = p.Continue()
	if err := p.Term(); err != nil {
		return nil // not running
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-p.Exited():
		return p.ExitErr()
	case <-t.C:
		p.Kill()
		return fmt.Errorf("cluster: %s did not exit within %v of SIGTERM: killed", p.name, timeout)
	}
}

// Tail returns the last n lines of the process's log, for failure reports.
func (p *Process) Tail(n int) string {
	b, err := os.ReadFile(p.log)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// lineWriter copies a process's output to its log file and hands each
// complete line to onLine and echo. exec.Cmd calls Write from one
// goroutine per run.
type lineWriter struct {
	f      io.Writer
	onLine func(string)
	echo   io.Writer
	prefix string
	buf    []byte
}

func (w *lineWriter) Write(b []byte) (int, error) {
	if _, err := w.f.Write(b); err != nil {
		return 0, err
	}
	if w.onLine == nil && w.echo == nil {
		return len(b), nil
	}
	w.buf = append(w.buf, b...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		w.line(string(w.buf[:i]))
		w.buf = w.buf[i+1:]
	}
	if len(w.buf) > 1<<20 { // a runaway line: hand it over as it is
		w.line(string(w.buf))
		w.buf = w.buf[:0]
	}
	return len(b), nil
}

func (w *lineWriter) line(s string) {
	if w.onLine != nil {
		w.onLine(s)
	}
	if w.echo != nil {
		fmt.Fprintln(w.echo, w.prefix+s)
	}
}

func (w *lineWriter) flush() {
	if len(w.buf) > 0 {
		w.line(string(w.buf))
		w.buf = nil
	}
}
