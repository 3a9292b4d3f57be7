package server_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

func tryDial(in *servertest.Instance, opts client.Options) (*client.Client, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return client.Dial(ctx, in.URL, opts)
}

func closeReason(err error) string {
	var ce *client.CloseError
	if errors.As(err, &ce) {
		return ce.Reason
	}
	return ""
}

// Every resume rotates the token. The token used stays valid until the
// server reads a message on the new connection (a lost WELCOME does not
// lose the avatar), then it is void.
func TestResumeRotatesTheToken(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	a := dial(t, in, client.Options{})
	t1 := a.Welcome().ResumeToken
	id := a.SelfID()
	_ = a.CloseReconnect()

	// Resume with t1: a new token. The WELCOME is "lost": this connection
	// sends nothing and drops.
	b := dial(t, in, client.Options{ResumeToken: t1})
	t2 := b.Welcome().ResumeToken
	if t2 == t1 || t2 == "" || !b.Welcome().Resumed || b.SelfID() != id {
		t.Fatalf("resume: token %q (was %q), resumed %v, id %d (was %d)", t2, t1, b.Welcome().Resumed, b.SelfID(), id)
	}
	_ = b.CloseReconnect()

	// t1 still resumes (the client never got t2), and rotates again.
	c := dial(t, in, client.Options{ResumeToken: t1})
	t3 := c.Welcome().ResumeToken
	if t3 == t1 || t3 == t2 || c.SelfID() != id {
		t.Fatalf("second resume with the old token: %q, id %d", t3, c.SelfID())
	}
	// t2 was never received: it is void now.
	if _, err := tryDial(in, client.Options{ResumeToken: t2}); closeCode(err) != protocol.CloseResumeExpired {
		t.Errorf("the unreceived token: got %v, want 4007", err)
	}
	// The new connection speaks: the server knows it got t3, t1 goes.
	seq, _ := c.Move(0, 0)
	waitFor(t, c, 5*time.Second, "the MOVE's echo", func(c *client.Client) bool { return c.Ack() >= seq })
	_, err := tryDial(in, client.Options{ResumeToken: t1})
	if closeCode(err) != protocol.CloseResumeExpired || closeReason(err) != "expired" {
		t.Errorf("the old token after a message on the new connection: got %v, want 4007 expired", err)
	}
	stillServed(t, c)
}

// The token used for a resume is valid for 10 s at most when the new
// connection says nothing.
func TestPreviousTokenExpires(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	in := servertest.Start(t, func(c *server.Config) { c.Now = clock })
	a := dial(t, in, client.Options{})
	t1 := a.Welcome().ResumeToken
	_ = a.CloseReconnect()
	b := dial(t, in, client.Options{ResumeToken: t1})
	mu.Lock()
	now = now.Add(11 * time.Second)
	mu.Unlock()
	if _, err := tryDial(in, client.Options{ResumeToken: t1}); closeCode(err) != protocol.CloseResumeExpired {
		t.Errorf("the previous token 11 s later: got %v, want 4007", err)
	}
	stillServed(t, b)
}

// Two resumes racing with one token: exactly one connection ends up with
// the session; the other is taken over (4006) or refused (4007).
func TestResumeRace(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	for round := range 5 {
		a := dial(t, in, client.Options{})
		tok := a.Welcome().ResumeToken
		_ = a.CloseReconnect()
		var wg sync.WaitGroup
		var cs [2]*client.Client
		var errs [2]error
		for i := range cs {
			wg.Go(func() { cs[i], errs[i] = tryDial(in, client.Options{ResumeToken: tok}) })
		}
		wg.Wait()
		live := 0
		for i, c := range cs {
			if errs[i] != nil {
				if code := closeCode(errs[i]); code != protocol.CloseResumeExpired && code != protocol.CloseTakenOver {
					t.Errorf("round %d: the losing resume got %v", round, errs[i])
				}
				continue
			}
			t.Cleanup(func() { _ = c.Close() })
			// The loser of a take-over is closed soon after its WELCOME.
			if waitUntil(2*time.Second, func() bool {
				select {
				case <-c.Done():
					return true
				default:
					return false
				}
			}) {
				if code := closeCode(c.Err()); code != protocol.CloseTakenOver {
					t.Errorf("round %d: a resumed connection ended with %v", round, c.Err())
				}
				continue
			}
			live++
		}
		if live != 1 {
			t.Fatalf("round %d: %d connections hold the session (errors %v)", round, live, errs)
		}
	}
}

// A close 1000 ends the visit: the token is void and the pseudonym free at
// once. Any other end keeps both for the resume window.
func TestNormalCloseEndsTheSession(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	a := dial(t, in, client.Options{Pseudonym: "Apolline"})
	tok := a.Welcome().ResumeToken
	mustWait(t, 5*time.Second, "the session", func() bool { return gauge(t, in, "fair_world_sessions") == 1 })
	_ = a.Close() // 1000
	<-a.Done()
	mustWait(t, 5*time.Second, "the session to end", func() bool { return gauge(t, in, "fair_world_sessions") == 0 })
	if _, err := tryDial(in, client.Options{ResumeToken: tok}); closeCode(err) != protocol.CloseResumeExpired {
		t.Errorf("token after a close 1000: got %v, want 4007", err)
	}
	b := dial(t, in, client.Options{Pseudonym: "Apolline"}) // free at once
	_ = b.CloseReconnect()
	<-b.Done()
	if _, err := tryDial(in, client.Options{Pseudonym: "apolline"}); closeCode(err) != protocol.ClosePseudoTaken {
		t.Errorf("pseudonym after a reconnect close: got %v, want 4011 (kept for the resume window)", err)
	}
	dial(t, in, client.Options{ResumeToken: b.Welcome().ResumeToken})
}

// 4007 says why: "restarted" for a token of an earlier run of the server
// (sessions live in memory), "expired" for any other.
func TestResumeExpiredReason(t *testing.T) {
	t.Parallel()
	before := servertest.Start(t, nil)
	tok := dial(t, before, client.Options{}).Welcome().ResumeToken
	before.Stop()
	after := servertest.Start(t, nil)
	_, err := tryDial(after, client.Options{ResumeToken: tok})
	if closeCode(err) != protocol.CloseResumeExpired || closeReason(err) != "restarted" {
		t.Errorf("a token of the previous run: got %v, want 4007 restarted", err)
	}
	for _, bad := range []string{"nope", "q3xSJ1m0GkWcO2mB0hC7Xw"} {
		_, err := tryDial(after, client.Options{ResumeToken: bad})
		if closeCode(err) != protocol.CloseResumeExpired || closeReason(err) != "expired" {
			t.Errorf("token %q: got %v, want 4007 expired", bad, err)
		}
	}
}
