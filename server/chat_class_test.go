package server_test

import (
	"testing"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

// The chat with real classes and staff sign-in, no test roles: a teacher
// signed in with a token creates a class, two visitors join it with the
// code, the class channel carries their messages (a stranger gets none),
// the teacher turns it off; a moderator signed in with a token gets a
// pupil's report with its evidence and removes the message.
func TestChatInARealClass(t *testing.T) {
	t.Parallel()
	keys := newStaffKeys(t)
	in := servertest.Start(t, func(cfg *server.Config) { keys.configure(cfg) })
	tc, tl := signIn(t, in, in, keys.token(t, protocol.RoleTeacher, "Mme Durand"))
	info := newClass(t, tc, tl, "4e B Jules Verne")
	a, b := joinPupil(t, in, info.Code), joinPupil(t, in, info.Code)
	stranger := join(t, in, name())
	mc, ml := signIn(t, in, in, keys.token(t, protocol.RoleModerator, "Modération 1"))
	teacher, pa, pb, mod := member{c: tc, l: tl}, member{c: a.c, l: a.l}, member{c: b.c, l: b.l}, member{c: mc, l: ml}

	pa.c.Say(protocol.ChannelClass, "On se retrouve au quai ?")
	m := said(t, pb, pa.c, "On se retrouve au quai ?")
	said(t, teacher, pa.c, "On se retrouve au quai ?")
	if m.Role != protocol.RolePupil {
		t.Fatalf("a pupil's message has role %v", m.Role)
	}

	// A report by the other pupil reaches the moderator with the message
	// as evidence; the moderator removes it, the class is told.
	pb.c.Report(m.ID, m.AvatarID, protocol.ReportOther)
	rep := waitEv(t, mod.l, 0, "the report", func(e protocol.Report) bool { return e.MessageID == m.ID })
	if len(rep.Evidence) == 0 || rep.Evidence[len(rep.Evidence)-1].Text != m.Text {
		t.Fatalf("report evidence %+v", rep.Evidence)
	}
	req, _ := mod.c.Moderate(protocol.Moderate{Action: protocol.ModRemove, MessageID: m.ID, ReportID: rep.ID})
	waitEv(t, mod.l, 0, "MODERATED", func(e protocol.Moderated) bool { return e.Req == req })
	waitEv(t, pb.l, 0, "the removal", func(e protocol.ChatRemoved) bool { return e.ID == m.ID })

	// The teacher (by token, leading the class) turns the channel off.
	req, _ = teacher.c.ChatClass(false, false)
	waitEv(t, teacher.l, 0, "MODERATED", func(e protocol.Moderated) bool { return e.Req == req })
	waitEv(t, pa.l, 0, "the channel off", func(e protocol.ChatState) bool { return !e.ClassOn })
	req, _ = pa.c.Say(protocol.ChannelClass, "encore ?")
	waitError(t, pa.l, req, protocol.ErrChatClosed)

	if got := chatsOf(stranger.l, pa.c.SelfID()); len(got) != 0 {
		t.Fatalf("a stranger got the class's message: %+v", got)
	}
}
