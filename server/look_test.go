package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

// The look chosen in HELLO reaches the others' enter records, and survives a
// resumption (the session keeps its own look).
func TestLookReachesOthersAndSurvivesResume(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	a := dial(t, in, client.Options{Colour: 5, Shape: 3})
	b := dial(t, in, client.Options{})
	waitFor(t, b, 5*time.Second, "b to see a", sees(a.SelfID()))
	got, _ := b.Avatar(a.SelfID())
	if got.Colour != 5 || got.Shape != 3 || got.Role != protocol.RoleVisitor {
		t.Fatalf("b sees a as %+v, want colour 5, shape 3, a visitor", got)
	}

	// a drops and resumes with another look in its HELLO: the session's stays.
	token, seq := a.Welcome().ResumeToken, a.LastSeq()
	_ = a.CloseReconnect() // 4901: the session stays resumable (1000 would end it)
	waitFor(t, b, 5*time.Second, "a to leave b's view", notSees(a.SelfID()))
	a2 := dial(t, in, client.Options{ResumeToken: token, Seq: seq, Colour: 1, Shape: 1})
	waitFor(t, b, 5*time.Second, "b to see a again", sees(a2.SelfID()))
	if got, _ := b.Avatar(a2.SelfID()); got.Colour != 5 || got.Shape != 3 {
		t.Errorf("after resume b sees %+v, want the session's look 5, 3", got)
	}

	// An index outside the set is taken as the default.
	c := dial(t, in, client.Options{Colour: 200, Shape: protocol.Shapes})
	waitFor(t, b, 5*time.Second, "b to see c", sees(c.SelfID()))
	if got, _ := b.Avatar(c.SelfID()); got.Colour != 0 || got.Shape != 0 {
		t.Errorf("out-of-range look seen as %+v, want 0, 0", got)
	}
}

// With test roles on, the pseudonym prefixes give a role (and are removed);
// with them off (the default) the same HELLO never makes a professional.
func TestTestRoles(t *testing.T) {
	t.Parallel()
	on := servertest.Start(t, func(cfg *server.Config) { cfg.TestRoles = true })
	viewer := dial(t, on, client.Options{})
	pro := dial(t, on, client.Options{Pseudonym: "pro:Inès"})
	teacher := dial(t, on, client.Options{Pseudonym: "prof:Martin"})
	for _, c := range []struct {
		cl   *client.Client
		name string
		role protocol.Role
	}{{pro, "Inès", protocol.RoleProfessional}, {teacher, "Martin", protocol.RoleTeacher}} {
		if c.cl.Welcome().Pseudonym != c.name {
			t.Errorf("welcome pseudonym %q, want %q (prefix removed)", c.cl.Welcome().Pseudonym, c.name)
		}
		waitFor(t, viewer, 5*time.Second, "the viewer to see "+c.name, sees(c.cl.SelfID()))
		if got, _ := viewer.Avatar(c.cl.SelfID()); got.Role != c.role || got.Pseudonym != c.name {
			t.Errorf("seen as %+v, want %s with role %d", got, c.name, c.role)
		}
	}

	off := servertest.Start(t, nil)
	viewer = dial(t, off, client.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cl, err := client.Dial(ctx, off.URL, client.Options{Pseudonym: "pro:Inès"})
	if err != nil {
		// Refused as a pseudonym (":" is not a pseudonym character): fine, never a professional.
		if code := closeCode(err); code < protocol.ClosePseudoInvalid || code > protocol.ClosePseudoRefused {
			t.Fatalf("without test roles: %v", err)
		}
		return
	}
	defer cl.Close()
	waitFor(t, viewer, 5*time.Second, "the viewer to see the visitor", sees(cl.SelfID()))
	if got, _ := viewer.Avatar(cl.SelfID()); got.Role != protocol.RoleVisitor {
		t.Errorf("without test roles, %q joined with role %d", "pro:Inès", got.Role)
	}
}
