package server_test

import (
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
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
	for _, n := range []string{"ab", "Classe de connard", "La classe de c.o.n.n.a.r.d", "La classe 🦊", string(make([]byte, 50)),
		"4e B appelez 06 12 34 56 78", "3e A snap leo.2011", "5e C www.jeux.fr"} {
		req, _ := tc.CreateClass(n, "4e")
		waitError(t, tl, req, protocol.ErrBadClass)
	}
	// Ordinary names pass (the moderation package's name rules); another
	// teacher makes them, this one leads the class the pupils join.
	tc2, tl2 := signIn(t, in, in, keys.token(t, protocol.RoleTeacher, "M. Martin"))
	for _, n := range []string{"3e B de Mme Durand", "2de pro MELEC", "Tle STI2D", "Classe de 5e C - collège Jean Moulin", "CAP 1re année"} {
		if got := newClass(t, tc2, tl2, n); got.Name != n {
			t.Fatalf("class %q named %q", n, got.Name)
		}
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

// readable is a content that earns its points by reading (no quiz).
func readableContent(c *content.Content) bool {
	return c.Kind != content.KindQuiz && c.Kind != content.KindQuestionnaire
}

// TestClassRoute: the teacher's route reaches the pupil as its next step;
// openings do the steps; the whole route earns the route badge, and the
// teacher sees the steps and the done flag.
func TestClassRoute(t *testing.T) {
	t.Parallel()
	keys := newStaffKeys(t)
	in := servertest.Start(t, keys.configure)
	tc, tl := signIn(t, in, in, keys.token(t, protocol.RoleTeacher, "M. Martin"))
	info := newClass(t, tc, tl, "3e A")
	p := joinPupil(t, in, info.Code)
	x, y := p.c.Self()
	hs := hotspotsNear(in, x, y, readableContent)
	req, _ := tc.SetRoute(info.Class, "", hs[0].ID, hs[1].ID)
	got := waitClass(t, tl, req)
	if len(got.Steps) != 2 || got.Steps[0].Hotspot != hs[0].ID || got.Steps[0].X != protocol.Quantise(hs[0].X) {
		t.Fatalf("CLASS after the route: %+v", got)
	}
	first := waitEv(t, p.l, 0, "the first step", func(e protocol.NextStep) bool { return e.Total == 2 })
	if first.Steps != 0 || first.Hotspot != hs[0].ID || first.X != protocol.Quantise(hs[0].X) || first.Y != protocol.Quantise(hs[0].Y) {
		t.Fatalf("first ROUTE_STEP %+v", first)
	}
	if n := len(first.Path); n < 2 || dist(protocol.Dequantise(first.Path[n-2]), protocol.Dequantise(first.Path[n-1]), hs[0].X, hs[0].Y) > 4 {
		t.Fatalf("first ROUTE_STEP's way %v does not lead to %s at (%.1f, %.1f)", first.Path, hs[0].ID, hs[0].X, hs[0].Y)
	}
	walkTo(t, p.c, in, hs[0])
	_, _ = p.c.OpenHotspot(hs[0].ID)
	waitEv(t, p.l, 0, "the second step", func(e protocol.NextStep) bool { return e.Steps == 1 && e.Hotspot == hs[1].ID })
	walkTo(t, p.c, in, hs[1])
	_, _ = p.c.OpenHotspot(hs[1].ID)
	waitEv(t, p.l, 0, "the route done", func(e protocol.NextStep) bool { return e.Steps == 2 && e.Hotspot == "" })
	waitEv(t, p.l, 0, "the route badge", func(e protocol.BadgeEarned) bool { return e.Badge.ID == progress.RouteBadge })
	mustWait(t, 10*time.Second, "the teacher to see the route done", func() bool {
		m, ok := memberOf(tl, p.c.SelfID())
		return ok && m.Steps == 2 && m.Flags&protocol.MemberDone != 0
	})
	// A ready-made route, from CLASSES.
	req, _ = tc.ListClasses()
	cl := waitEv(t, tl, 0, "CLASSES", func(e protocol.Classes) bool { return e.Req == req })
	if len(cl.Classes) != 1 || cl.Classes[0].Code != info.Code || cl.Classes[0].Pupils != 1 || len(cl.Routes) != 4 || len(cl.Routes[0].Hotspots) != 8 {
		t.Fatalf("CLASSES %+v", cl)
	}
	req, _ = tc.SetRoute(info.Class, cl.Routes[1].ID)
	if c := waitClass(t, tl, req); c.Route != cl.Routes[1].ID || len(c.Steps) != 8 {
		t.Fatalf("ready-made route: %+v", c)
	}
	waitEv(t, p.l, 0, "the new route's first step", func(e protocol.NextStep) bool { return e.Total == 8 && e.Steps == 0 })
	for _, bad := range [][]string{{"h-nope"}, {hs[0].ID, hs[0].ID}} {
		req, _ := tc.SetRoute(info.Class, "", bad...)
		e := waitEv(t, tl, 0, "a refused route", func(e protocol.ErrorEvent) bool { return e.Ref == req })
		if e.Code != protocol.ErrUnknownHotspot && e.Code != protocol.ErrBadClass {
			t.Errorf("route %v: %v", bad, e.Code)
		}
	}
	// A pupil gives no orders.
	req, _ = p.c.Order(info.Class, protocol.OrderGather, 0)
	waitError(t, p.l, req, protocol.ErrNotAllowed)
}

// TestClassOrders: gather brings the pupils next to the teacher, follow
// walks them after the teacher until the pupil or the teacher ends it,
// pause stops them until the teacher ends it or its time is up.
func TestClassOrders(t *testing.T) {
	t.Parallel()
	keys := newStaffKeys(t)
	in := servertest.Start(t, keys.configure)
	tc, tl := signIn(t, in, in, keys.token(t, protocol.RoleTeacher, "Mme Leroy"))
	info := newClass(t, tc, tl, "5e Curie")
	ps := []pupil{joinPupil(t, in, info.Code), joinPupil(t, in, info.Code), joinPupil(t, in, info.Code)}
	classOrders(t, in, in, tc, tl, info, ps)
}

// classOrders checks gather, follow and pause on pupils ps (on any node);
// the teacher is on node at.
func classOrders(t *testing.T, at, _ *servertest.Instance, tc *client.Client, tl *evlog, info protocol.ClassInfo, ps []pupil) {
	t.Helper()
	tx, ty := tc.Self()
	far := farWalkable(t, at, tx, ty, 40)
	for _, p := range ps {
		_, _ = p.c.Goto(far.X, far.Y)
	}
	for _, p := range ps {
		waitFor(t, p.c, 30*time.Second, "the pupil far away", func(c *client.Client) bool { x, y := c.Self(); return dist(x, y, tx, ty) > 20 })
	}
	// Gather.
	froms := make([]int, len(ps))
	for i, p := range ps {
		froms[i] = p.l.len()
	}
	req, _ := tc.Order(info.Class, protocol.OrderGather, 0)
	waitEv(t, tl, 0, "the gather's answer", func(e protocol.ClassOrderEvent) bool { return e.Req == req && e.Order == protocol.OrderGather })
	for i, p := range ps {
		waitEv(t, p.l, froms[i], "the gather", func(e protocol.ClassOrderEvent) bool {
			return e.Order == protocol.OrderGather && e.Teacher == tc.SelfID()
		})
		waitFor(t, p.c, 15*time.Second, "the pupil next to the teacher", func(c *client.Client) bool { x, y := c.Self(); return dist(x, y, tx, ty) < 8 })
	}

	// Follow me: the teacher walks away, the pupils after.
	req, _ = tc.Order(info.Class, protocol.OrderFollow, 0)
	waitEv(t, tl, 0, "the follow's answer", func(e protocol.ClassOrderEvent) bool { return e.Req == req && e.Active })
	for _, p := range ps {
		waitEv(t, p.l, 0, "the follow", func(e protocol.ClassOrderEvent) bool { return e.Order == protocol.OrderFollow && e.Active })
	}
	dest := farWalkable(t, at, tx, ty, 30)
	_, _ = tc.Goto(dest.X, dest.Y)
	waitFor(t, tc, 30*time.Second, "the teacher's walk", func(c *client.Client) bool { x, y := c.Self(); return dist(x, y, dest.X, dest.Y) < 1 })
	nx, ny := tc.Self()
	for _, p := range ps {
		waitFor(t, p.c, 45*time.Second, "the pupil following", func(c *client.Client) bool { x, y := c.Self(); return dist(x, y, nx, ny) < 6 })
	}
	mustWait(t, 10*time.Second, "the followers' flags", func() bool {
		for _, p := range ps {
			if m, ok := memberOf(tl, p.c.SelfID()); !ok || m.Flags&protocol.MemberFollowing == 0 {
				return false
			}
		}
		return true
	})
	// The first pupil ends its own follow by walking.
	_, _ = ps[0].c.Move(1, 0)
	waitEv(t, ps[0].l, 0, "its follow ended", func(e protocol.ClassOrderEvent) bool { return e.Order == protocol.OrderFollow && !e.Active })
	_, _ = ps[0].c.Move(0, 0)
	mustWait(t, 10*time.Second, "the teacher to see it", func() bool {
		m, ok := memberOf(tl, ps[0].c.SelfID())
		return ok && m.Flags&protocol.MemberFollowing == 0
	})
	// The teacher ends it for the others.
	req, _ = tc.Order(info.Class, protocol.OrderEnd, 0)
	waitEv(t, tl, 0, "the end's answer", func(e protocol.ClassOrderEvent) bool {
		return e.Req == req && !e.Active && e.Order == protocol.OrderFollow
	})
	for _, p := range ps[1:] {
		waitEv(t, p.l, 0, "the follow ended", func(e protocol.ClassOrderEvent) bool { return e.Order == protocol.OrderFollow && !e.Active })
	}

	// Pause: intents refused until the teacher ends it.
	req, _ = tc.Order(info.Class, protocol.OrderPause, 120)
	if e := waitEv(t, tl, 0, "the pause's answer", func(e protocol.ClassOrderEvent) bool { return e.Req == req }); !e.Active || e.Seconds != 120 {
		t.Fatalf("pause answer %+v", e)
	}
	for _, p := range ps {
		e := waitEv(t, p.l, 0, "the pause", func(e protocol.ClassOrderEvent) bool { return e.Order == protocol.OrderPause && e.Active })
		if e.Seconds == 0 || e.Seconds > 120 {
			t.Errorf("pause of %d s", e.Seconds)
		}
		seq, _ := p.c.Move(1, 0)
		waitError(t, p.l, seq, protocol.ErrPaused)
	}
	_, _ = tc.Order(info.Class, protocol.OrderEnd, 0)
	for _, p := range ps {
		waitEv(t, p.l, 0, "the pause ended", func(e protocol.ClassOrderEvent) bool { return e.Order == protocol.OrderPause && !e.Active })
		seq, _ := p.c.Move(0, 1)
		waitFor(t, p.c, 10*time.Second, "a move after the pause", func(c *client.Client) bool { return c.Ack() == seq })
		_, _ = p.c.Move(0, 0)
	}
	// A short pause ends by itself.
	from := ps[0].l.len()
	_, _ = tc.Order(info.Class, protocol.OrderPause, 1)
	waitEv(t, ps[0].l, from, "the short pause", func(e protocol.ClassOrderEvent) bool { return e.Order == protocol.OrderPause && e.Active })
	waitEv(t, ps[0].l, from, "the short pause's end", func(e protocol.ClassOrderEvent) bool { return e.Order == protocol.OrderPause && !e.Active })
}
