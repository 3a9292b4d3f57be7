package server_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
	"github.com/usine-extraordinaire/fairworld/server/staff"
)

// staffKeys is a fair's staff key pair, for one test.
type staffKeys struct {
	pub  ed25519.PublicKey
	priv ed25519.PrivateKey
}

func newStaffKeys(t *testing.T) staffKeys {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return staffKeys{pub: pub, priv: priv}
}

// configure gives the nodes the public key, quick avatars and a class
// message rate tests do not reach.
func (k staffKeys) configure(cfg *server.Config) {
	progressFast(cfg)
	cfg.Classes.StaffKey = k.pub
	cfg.Classes.RequestRate, cfg.Classes.RequestBurst = 100, 100
}

var staffSeq atomic.Int64

// token issues a token for role, with a fresh staff id.
func (k staffKeys) token(t *testing.T, role protocol.Role, name string) string {
	t.Helper()
	s := staff.Staff{ID: fmt.Sprintf("s%d-%s", staffSeq.Add(1), staff.RandomID(6)), Role: role, Name: name, Expires: time.Now().Add(time.Hour)}
	if role == protocol.RoleProfessional {
		s.Booth = "b-01"
	}
	tok, err := staff.Issue(k.priv, s, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// signIn exchanges a token for a ticket at in and dials with it.
func signIn(t *testing.T, in, at *servertest.Instance, token string) (*client.Client, *evlog) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tk, err := client.StaffTicket(ctx, nil, in.HTTP, token)
	if err != nil {
		t.Fatalf("staff ticket: %v", err)
	}
	c := dial(t, at, client.Options{StaffTicket: tk.Ticket, EventBuffer: 8192})
	return c, collect(t, c)
}

// newClass creates a class as teacher c and returns its CLASS.
func newClass(t *testing.T, c *client.Client, l *evlog, name string) protocol.ClassInfo {
	t.Helper()
	req, _ := c.CreateClass(name, "4e")
	return waitClass(t, l, req)
}

// waitClass waits for the CLASS answering req (failing on its ERROR).
func waitClass(t *testing.T, l *evlog, req uint32) protocol.ClassInfo {
	t.Helper()
	var out protocol.ClassInfo
	mustWait(t, 15*time.Second, "CLASS", func() bool {
		if e := find(l, 0, func(e protocol.ErrorEvent) bool { return e.Ref == req }); len(e) > 0 {
			t.Fatalf("request %d: %v %q", req, e[0].Code, e[0].Message)
		}
		got := find(l, 0, func(e protocol.ClassInfo) bool { return e.Req == req })
		if len(got) > 0 {
			out = got[0]
		}
		return len(got) > 0
	})
	return out
}

// pupil is a visitor in a class, with its events.
type pupil struct {
	c *client.Client
	l *evlog
}

// joinPupil dials a visitor at in and joins the class of code.
func joinPupil(t *testing.T, in *servertest.Instance, code string) pupil {
	t.Helper()
	c := dial(t, in, client.Options{EventBuffer: 8192})
	p := pupil{c: c, l: collect(t, c)}
	req, _ := c.JoinClass(code)
	waitClass(t, p.l, req)
	return p
}

// members is the class list a client holds from its MEMBERS events (full
// lists replace it, the others update lines).
func members(l *evlog) map[uint32]protocol.Member {
	out := map[uint32]protocol.Member{}
	for _, ev := range find(l, 0, func(protocol.Members) bool { return true }) {
		if ev.Full {
			clear(out)
		}
		for _, m := range ev.Members {
			if m.Flags&protocol.MemberGone != 0 {
				delete(out, m.Member)
				continue
			}
			out[m.Member] = m
		}
	}
	return out
}

// memberOf finds a member's line by avatar id.
func memberOf(l *evlog, avatar uint32) (protocol.Member, bool) {
	for _, m := range members(l) {
		if m.Avatar == avatar {
			return m, true
		}
	}
	return protocol.Member{}, false
}

// orders lists the CLASS_ORDER events a client got from from on.
func orders(l *evlog, from int, o protocol.Order, active bool) []protocol.ClassOrderEvent {
	return find(l, from, func(e protocol.ClassOrderEvent) bool { return e.Order == o && e.Active == active })
}

func hasRole(l *evlog, r protocol.Role) bool {
	return slices.ContainsFunc(find(l, 0, func(protocol.RoleEvent) bool { return true }), func(e protocol.RoleEvent) bool { return e.Role == r })
}
