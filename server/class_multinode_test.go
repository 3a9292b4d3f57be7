package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
)

// TestClassAcrossNodes: a class of 30 pupils on two nodes, its teacher
// signed in with a ticket got from the other node: every pupil sees every
// classmate in MEMBERS wherever they are, online and where they are, a
// stranger gets none of it; the route progresses with openings and the
// teacher sees it; gather, follow and pause reach the pupils of both
// nodes; a pupil who resumes on the other node, or comes back with the
// progress key, is still in the class.
func TestClassAcrossNodes(t *testing.T) {
	t.Parallel()
	eachRedis(t, classAcrossNodes)
}

func classAcrossNodes(t *testing.T, url string) {
	keys := newStaffKeys(t)
	nodes := fair(t, url, 2, keys.configure)
	// The ticket from node 0, the HELLO on node 1: tickets are fair-wide.
	tc, tl := signIn(t, nodes[0], nodes[1], keys.token(t, protocol.RoleTeacher, "Mme Durand"))
	info := newClass(t, tc, tl, "4e B Jules Verne")

	const n = 30
	ps := make([]pupil, n)
	for i := range ps {
		ps[i] = joinPupil(t, nodes[i%2], info.Code)
	}
	stranger := dial(t, nodes[0], client.Options{EventBuffer: 4096})
	sl := collect(t, stranger)

	// Two pupils walk far apart, one on each node.
	far0, far1 := ps[0], ps[1]
	x, y := far0.c.Self()
	p0 := farWalkable(t, nodes[0], x, y, 60)
	_, _ = far0.c.Goto(p0.X, p0.Y)
	waitFor(t, far0.c, 30*time.Second, "a pupil far away", func(c *client.Client) bool { x, y := c.Self(); return dist(x, y, p0.X, p0.Y) < 1 })
	// Every pupil, on either node, holds the whole class, all online, and
	// the far pupil at its far position (beyond any view radius of the
	// others: MEMBERS, not enters).
	q0x, q0y := protocol.Quantise(p0.X), protocol.Quantise(p0.Y)
	for _, p := range ps {
		mustWait(t, 20*time.Second, "the whole class online in a pupil's MEMBERS", func() bool {
			ms := members(p.l)
			online := 0
			for _, m := range ms {
				if m.Flags&protocol.MemberOnline != 0 && m.Role == protocol.RolePupil {
					online++
				}
			}
			fm, ok := memberOf(p.l, far0.c.SelfID())
			return online == n && ok && dist(float64(fm.X), float64(fm.Y), float64(q0x), float64(q0y)) < 32
		})
	}
	if m, ok := memberOf(far1.l, tc.SelfID()); !ok || m.Role != protocol.RoleTeacher || m.Member != 0 {
		t.Errorf("the teacher's line for a pupil of node 0: %+v %v", m, ok)
	}
	if got := find(sl, 0, func(protocol.Members) bool { return true }); len(got) != 0 {
		t.Errorf("a stranger got %d MEMBERS", len(got))
	}
	if hasRole(sl, protocol.RolePupil) {
		t.Error("a stranger became a pupil")
	}
	// The teacher's view: every pupil, online.
	mustWait(t, 20*time.Second, "30 pupils in the teacher's view", func() bool {
		on := 0
		for _, m := range members(tl) {
			if m.Role == protocol.RolePupil && m.Flags&protocol.MemberOnline != 0 {
				on++
			}
		}
		return on == n
	})

	// The route, done by a pupil of node 0; the teacher (node 1) sees it.
	r := ps[2]
	rx, ry := r.c.Self()
	hs := hotspotsNear(nodes[0], rx, ry, readableContent)
	req, _ := tc.SetRoute(info.Class, "", hs[0].ID, hs[1].ID)
	waitClass(t, tl, req)
	for _, p := range []pupil{ps[2], ps[3]} {
		waitEv(t, p.l, 0, "the route's first step on both nodes", func(e protocol.NextStep) bool { return e.Total == 2 && e.Hotspot == hs[0].ID })
	}
	walkTo(t, r.c, nodes[0], hs[0])
	_, _ = r.c.OpenHotspot(hs[0].ID)
	waitEv(t, r.l, 0, "the second step", func(e protocol.NextStep) bool { return e.Steps == 1 })
	mustWait(t, 20*time.Second, "the teacher to see the step", func() bool {
		m, ok := memberOf(tl, r.c.SelfID())
		return ok && m.Steps == 1
	})
	mustWait(t, 20*time.Second, "a classmate on the other node to see it", func() bool {
		m, ok := memberOf(ps[3].l, r.c.SelfID())
		return ok && m.Steps == 1
	})

	// Gather, follow and pause, on pupils of both nodes.
	classOrders(t, nodes[1], nodes[0], tc, tl, info, []pupil{ps[4], ps[5], ps[6], ps[7]})

	// A pupil of node 0 resumes on node 1: still in the class.
	res := ps[8]
	tok, seq := res.c.Welcome().ResumeToken, res.c.LastSeq()
	_ = res.c.CloseReconnect()
	back := dial(t, nodes[1], client.Options{ResumeToken: tok, Seq: seq, EventBuffer: 4096})
	bl := collect(t, back)
	if back.SelfID() != res.c.SelfID() {
		t.Fatalf("resumed as %d, was %d", back.SelfID(), res.c.SelfID())
	}
	waitEv(t, bl, 0, "CLASS after the resume", func(e protocol.ClassInfo) bool { return e.Class == info.Class && e.Req == 0 })
	if !hasRole(bl, protocol.RolePupil) {
		t.Error("no ROLE 3 after the resume")
	}
	mustWait(t, 20*time.Second, "the resumed pupil online on node 1 for the teacher", func() bool {
		m, ok := memberOf(tl, back.SelfID())
		return ok && m.Flags&protocol.MemberOnline != 0
	})

	// Another day: the visit ends (1000), the pupil comes back with its key.
	kp := ps[9]
	key := waitEv(t, kp.l, 0, "the pupil's key", func(p protocol.Progress) bool { return p.Key != "" }).Key
	pseudo := kp.c.Welcome().Pseudonym
	number := func() uint32 { m, _ := memberOf(tl, kp.c.SelfID()); return m.Member }()
	_ = kp.c.Close()
	mustWait(t, 20*time.Second, "the teacher to see the pupil offline", func() bool {
		for _, m := range members(tl) {
			if m.Member == number {
				return m.Flags&protocol.MemberOnline == 0
			}
		}
		return false
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var again *client.Client
	mustWait(t, 15*time.Second, "the pseudonym free again", func() bool {
		c, err := client.Dial(ctx, nodes[1].URL, client.Options{Pseudonym: pseudo, ProgressKey: key, EventBuffer: 4096})
		if err != nil {
			if client.CodeOf(err) == protocol.ClosePseudoTaken {
				return false
			}
			t.Fatalf("back with the key: %v", err)
		}
		again = c
		return true
	})
	t.Cleanup(func() { _ = again.Close() })
	al := collect(t, again)
	if c := waitEv(t, al, 0, "CLASS on the return", func(e protocol.ClassInfo) bool { return e.Class == info.Class }); c.Req != 0 {
		t.Errorf("CLASS %+v", c)
	}
	mustWait(t, 20*time.Second, "the same member number online again", func() bool {
		m, ok := memberOf(tl, again.SelfID())
		return ok && m.Member == number && m.Flags&protocol.MemberOnline != 0
	})
}
