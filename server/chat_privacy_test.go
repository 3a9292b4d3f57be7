package server_test

import (
	"context"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// privacyChat is TestPrivacyKeys's chat step: a teacher's class settings,
// a class message, a report, a mute lifted, a ban, each with its audit
// entry, so that every chat key of docs/PRIVACY.md is written.
func privacyChat(p *privacyRun) {
	t := p.t
	a := member{c: p.clients["a"], l: p.logs["a"]} // in class 7 on n0
	teacher := join(t, p.nodes["n0"].Instance, "prof:"+name())
	mod := join(t, p.nodes["n1"].Instance, "mod:"+name())
	banned := join(t, p.nodes["n0"].Instance, name())
	defer func() { _ = teacher.c.Close(); _ = mod.c.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if !p.nodes["n0"].SetGroup(ctx, teacher.c.SelfID(), 7) {
		t.Fatal("SetGroup")
	}
	waitEv(t, teacher.l, 0, "the class's state", func(protocol.ChatState) bool { return true })
	req, _ := teacher.c.ChatClass(true, false)
	waitEv(t, teacher.l, 0, "MODERATED", func(e protocol.Moderated) bool { return e.Req == req })
	a.c.Say(protocol.ChannelClass, "Bonjour la classe")
	m := said(t, teacher, a.c, "Bonjour la classe")
	req, _ = teacher.c.Report(m.ID, m.AvatarID, protocol.ReportOther)
	waitEv(t, mod.l, 0, "the report", func(e protocol.Report) bool { return e.MessageID == m.ID })
	for _, id := range []uint32{a.c.SelfID(), banned.c.SelfID()} {
		waitFor(t, mod.c, 15*time.Second, "the avatar in the moderator's view", sees(id))
	}
	for _, act := range []protocol.Moderate{
		{Action: protocol.ModMute, Avatar: a.c.SelfID(), Seconds: 60},
		{Action: protocol.ModUnmute, Avatar: a.c.SelfID()},
		{Action: protocol.ModBan, Avatar: banned.c.SelfID()},
	} {
		req, _ := mod.c.Moderate(act)
		waitEv(t, mod.l, 0, "MODERATED", func(e protocol.Moderated) bool { return e.Req == req })
	}
	closedWith(t, banned.c, protocol.CloseBanned)
}
