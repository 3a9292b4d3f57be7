package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/class"
	"github.com/usine-extraordinaire/fairworld/server/progress"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
	"github.com/usine-extraordinaire/fairworld/world/content"
)

// TestClassJoinCodes: a teacher's class gets a code of 8 letters of the
// alphabet; a visitor's wrong codes get bad_code five times and the sixth
// closes the connection with 4017; a right code after five wrong ones
// still works; staff cannot join; a pupil gets a progress key.
func TestClassJoinCodes(t *testing.T) {
	t.Parallel()
	keys := newStaffKeys(t)
	in := servertest.Start(t, keys.configure)
	tc, tl := signIn(t, in, in, keys.token(t, protocol.RoleTeacher, "Mme Durand"))
	info := newClass(t, tc, tl, "4e B Jules Verne")
	if class.NormaliseCode(info.Code) != info.Code || info.Class == 0 || info.Name != "4e B Jules Verne" || info.Teacher != "Mme Durand" || info.Pupils != 0 {
		t.Fatalf("CLASS %+v", info)
	}
	// Refused names and levels.
	for _, n := range []string{"ab", "Classe de connard", "La classe 🦊", string(make([]byte, 50))} {
		req, _ := tc.CreateClass(n, "4e")
		waitError(t, tl, req, protocol.ErrBadClass)
	}
	req, _ := tc.CreateClass("4e C", "CM2")
	waitError(t, tl, req, protocol.ErrBadClass)
	// Staff do not join.
	req, _ = tc.JoinClass(info.Code)
	waitError(t, tl, req, protocol.ErrNotAllowed)

	// Five wrong codes, then the right one: joined.
	v := dial(t, in, client.Options{EventBuffer: 1024})
	vl := collect(t, v)
	wrong := "ACDEFGHJ"
	if wrong == info.Code {
		wrong = "ACDEFGHK"
	}
	for _, code := range []string{wrong, "nope", "KXWP-DMT", wrong, "AAAA AAAA"} {
		req, _ := v.JoinClass(code)
		waitError(t, vl, req, protocol.ErrBadCode)
	}
	req, _ = v.JoinClass(" " + lower(info.Code[:4]) + "-" + info.Code[4:])
	if c := waitClass(t, vl, req); c.Class != info.Class || c.Code != "" || c.Pupils != 1 {
		t.Fatalf("the pupil's CLASS %+v", c)
	}
	if !hasRole(vl, protocol.RolePupil) {
		t.Error("no ROLE 3")
	}
	key := waitEv(t, vl, 0, "a PROGRESS with the key", func(p protocol.Progress) bool { return p.Key != "" })
	if key.Key == "" {
		t.Error("no key")
	}
	// The teacher sees the pupil in MEMBERS.
	mustWait(t, 10*time.Second, "the pupil in the teacher's MEMBERS", func() bool {
		m, ok := memberOf(tl, v.SelfID())
		return ok && m.Role == protocol.RolePupil && m.Flags&protocol.MemberOnline != 0 && m.Member == 1
	})

	// Six wrong codes on another connection: 4017.
	w := dial(t, in, client.Options{EventBuffer: 1024})
	wl := collect(t, w)
	for range 5 {
		req, _ := w.JoinClass(wrong)
		waitError(t, wl, req, protocol.ErrBadCode)
	}
	_, _ = w.JoinClass(wrong)
	select {
	case <-w.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the sixth wrong code did not close the connection")
	}
	if client.CodeOf(w.Err()) != protocol.CloseTooManyCodes {
		t.Fatalf("closed with %v, want 4017", w.Err())
	}
	if n := counter(t, in, "fair_class_code_failures_total", ""); n < 11 {
		t.Errorf("fair_class_code_failures_total %v, want at least 11", n)
	}

	// A closed class's code: class_closed; reopened: it works again.
	req, _ = tc.Order(info.Class, protocol.OrderClose, 0)
	if c := waitClass(t, tl, req); !c.Closed {
		t.Fatalf("after close: %+v", c)
	}
	x := dial(t, in, client.Options{EventBuffer: 1024})
	xl := collect(t, x)
	req, _ = x.JoinClass(info.Code)
	waitError(t, xl, req, protocol.ErrClassClosed)
	req, _ = tc.Order(info.Class, protocol.OrderReopen, 0)
	waitClass(t, tl, req)
	req, _ = x.JoinClass(info.Code)
	waitClass(t, xl, req)
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// waitAnswer waits for the CLASS or ERROR answering req.
func waitAnswer(t *testing.T, l *evlog, req uint32) protocol.Event {
	t.Helper()
	var out protocol.Event
	mustWait(t, 15*time.Second, "an answer", func() bool {
		if e := find(l, 0, func(e protocol.ErrorEvent) bool { return e.Ref == req }); len(e) > 0 {
			out = e[0]
			return true
		}
		if c := find(l, 0, func(e protocol.ClassInfo) bool { return e.Req == req }); len(c) > 0 {
			out = c[0]
			return true
		}
		return false
	})
	return out
}

var _ = context.Background
var _ = server.Config{}
var _ = progress.RouteBadge
var _ = content.KindQuiz
