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

// chatOn: test roles (pro:, prof:, mod:) and quick avatars.
func chatOn(cfg *server.Config) {
	fast(cfg)
	cfg.TestRoles = true
}

// member is a client with its event log.
type member struct {
	c *client.Client
	l *evlog
}

func join(t *testing.T, in *servertest.Instance, pseudonym string) member {
	t.Helper()
	c := dial(t, in, client.Options{Pseudonym: pseudonym, EventBuffer: 4096})
	return member{c: c, l: collect(t, c)}
}

// inClass puts members in a class (world group) on their node.
func inClass(t *testing.T, in *servertest.Instance, group uint32, ms ...member) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, m := range ms {
		if !in.Server.SetGroup(ctx, m.c.SelfID(), group) {
			t.Fatal("SetGroup")
		}
		waitEv(t, m.l, 0, "the class's CHAT_STATE", func(protocol.ChatState) bool { return true })
	}
}

// said waits for the CHAT of text by author.
func said(t *testing.T, m member, author *client.Client, text string) protocol.ChatMessage {
	t.Helper()
	return waitEv(t, m.l, 0, "the message "+text, func(e protocol.ChatMessage) bool {
		return e.AvatarID == author.SelfID() && e.Text == text
	})
}

func chatsOf(l *evlog, author uint32) []protocol.ChatMessage {
	return find(l, 0, func(e protocol.ChatMessage) bool { return e.AvatarID == author })
}

// The class channel: free text reaches the class on this node, not a
// stranger; a pupil who joins later gets the history (past); the teacher
// turns the channel off.
func TestChatClass(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, chatOn)
	a, b, stranger := join(t, in, name()), join(t, in, name()), join(t, in, name())
	teacher := join(t, in, "prof:"+name())
	inClass(t, in, 7, a, b, teacher)
	req, _ := a.c.Say(protocol.ChannelClass, "  On se retrouve au quai ?  ")
	m := said(t, b, a.c, "On se retrouve au quai ?")
	if m.Channel != protocol.ChannelClass || m.Past || m.Pseudonym != a.c.Welcome().Pseudonym || m.ID == 0 {
		t.Fatalf("class message %+v", m)
	}
	said(t, a, a.c, "On se retrouve au quai ?") // the sender gets its own
	if e := find(a.l, 0, func(e protocol.ErrorEvent) bool { return e.Ref == req }); len(e) > 0 {
		t.Fatalf("error %+v", e)
	}

	// A late pupil gets the history.
	late := join(t, in, name())
	inClass(t, in, 7, late)
	h := waitEv(t, late.l, 0, "the history", func(e protocol.ChatMessage) bool { return e.ID == m.ID })
	if !h.Past || h.Text != m.Text {
		t.Fatalf("history %+v", h)
	}

	// The stranger, in no class, has no class channel; it got nothing.
	sreq, _ := stranger.c.Say(protocol.ChannelClass, "coucou")
	waitError(t, stranger.l, sreq, protocol.ErrChatClosed)
	if got := chatsOf(stranger.l, a.c.SelfID()); len(got) != 0 {
		t.Fatalf("a stranger got the class's message: %+v", got)
	}

	// The teacher turns the channel off: every member is told, nobody speaks.
	treq, _ := teacher.c.ChatClass(false, false)
	waitEv(t, teacher.l, 0, "MODERATED", func(e protocol.Moderated) bool { return e.Req == treq })
	waitEv(t, b.l, 0, "the channel off", func(e protocol.ChatState) bool { return !e.ClassOn })
	req, _ = b.c.Say(protocol.ChannelClass, "encore ?")
	waitError(t, b.l, req, protocol.ErrChatClosed)
	// Only a teacher sets it.
	req, _ = a.c.ChatClass(true, true)
	waitError(t, a.l, req, protocol.ErrNotStaff)
}

// Nearby: the quick phrases reach who sees the speaker; free text between
// strangers is refused, a professional's too; free text nearby among a
// class only when its teacher opened it, and then to the class only. The
// only channels are the listed ones: no private one exists.
func TestChatNearby(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, chatOn)
	pupil, pro, other := join(t, in, name()), join(t, in, "pro:"+name()), join(t, in, name())
	for _, m := range []member{pupil, pro, other} {
		for _, o := range []member{pupil, pro, other} {
			if o.c != m.c {
				waitFor(t, m.c, 15*time.Second, "the others in view", sees(o.c.SelfID()))
			}
		}
	}
	pupil.c.Quick(protocol.ChannelNearby, 1)
	q := waitEv(t, pro.l, 0, "Salut !", func(e protocol.ChatMessage) bool { return e.AvatarID == pupil.c.SelfID() })
	if q.Phrase != 1 || q.Text != "" || q.Channel != protocol.ChannelNearby {
		t.Fatalf("quick phrase %+v", q)
	}

	// A professional's free text nearby, to a pupil or anyone: refused.
	req, _ := pro.c.Say(protocol.ChannelNearby, "Bonjour, tu veux discuter ?")
	waitError(t, pro.l, req, protocol.ErrChatNotAllowed)
	req, _ = pupil.c.Say(protocol.ChannelNearby, "salut toi")
	waitError(t, pupil.l, req, protocol.ErrChatNotAllowed)
	// Every other channel: booth and agora later, nothing else, ever.
	// (Four messages: with the one above, the chat rate's bucket.)
	for _, ch := range []protocol.Channel{protocol.ChannelBooth, protocol.ChannelAgora, 9} {
		req, _ = pro.c.Say(ch, "Bonjour")
		waitError(t, pro.l, req, protocol.ErrChatUnavailable)
	}
	req, _ = pro.c.Quick(255, 1)
	waitError(t, pro.l, req, protocol.ErrChatUnavailable)
	req, _ = pupil.c.Quick(protocol.ChannelNearby, 200)
	waitError(t, pupil.l, req, protocol.ErrChatBadText)

	// The teacher opens free text nearby to the class: it reaches the
	// classmate, not the professional standing there.
	mate, teacher := join(t, in, name()), join(t, in, "prof:"+name())
	inClass(t, in, 3, pupil, mate, teacher)
	waitFor(t, mate.c, 15*time.Second, "the pupil in view", sees(pupil.c.SelfID()))
	treq, _ := teacher.c.ChatClass(true, true)
	waitEv(t, teacher.l, 0, "MODERATED", func(e protocol.Moderated) bool { return e.Req == treq })
	waitEv(t, pupil.l, 0, "free nearby", func(e protocol.ChatState) bool { return e.NearbyFree })
	pupil.c.Say(protocol.ChannelNearby, "Viens voir la turbine")
	said(t, mate, pupil.c, "Viens voir la turbine")
	// The witness: a quick phrase said after it reaches the professional.
	pupil.c.Quick(protocol.ChannelNearby, 7)
	waitEv(t, pro.l, 0, "Bravo !", func(e protocol.ChatMessage) bool { return e.Phrase == 7 })
	for _, e := range chatsOf(pro.l, pupil.c.SelfID()) {
		if e.Text != "" {
			t.Fatalf("the professional got the class's free text %+v", e)
		}
	}
	if got := chatsOf(other.l, pupil.c.SelfID()); len(got) != 2 || got[0].Text != "" || got[1].Text != "" {
		t.Fatalf("the stranger got %+v, want the two quick phrases only", got)
	}
}

// A phone number, plain, spaced or in words, an e-mail address or an
// insult is blocked with its reason and reaches nobody; ordinary messages
// (times, room numbers, « 3e B ») pass.
func TestChatFilter(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, chatOn)
	a, b, c := join(t, in, name()), join(t, in, name()), join(t, in, name())
	inClass(t, in, 9, a, b, c)
	blocked := map[string]string{
		"mon numéro 06 12 34 56 78":                                    "phone",
		"appelle le 0 6 1 2 3 4 5 6 7 8":                               "phone",
		"zéro six douze trente-quatre cinquante-six soixante-dix-huit": "phone",
		"écris à leo.martin arobase gmail point com":                   "email",
		"t'es un connard":                                              "insult",
	}
	for text, reason := range blocked { // five: the chat rate's bucket
		req, _ := a.c.Say(protocol.ChannelClass, text)
		e := waitEv(t, a.l, 0, "CHAT_BLOCKED", func(e protocol.ChatBlocked) bool { return e.Req == req })
		if e.Reason != reason || e.Hint == "" {
			t.Errorf("%q: blocked %+v, want reason %s", text, e, reason)
		}
	}
	ordinary := []string{"On se voit à 14 h 30 en salle 204 ?", "Je suis en 3e B", "@Léo t'es où ?"}
	for _, text := range ordinary {
		c.c.Say(protocol.ChannelClass, text)
		said(t, b, c.c, text)
	}
	for _, e := range chatsOf(b.l, a.c.SelfID()) {
		if _, bad := blocked[e.Text]; bad {
			t.Fatalf("a blocked text reached the class: %q", e.Text)
		}
	}
}

// A flood mutes its sender for 30 s with one ERROR chat_rate_limited; the
// hub handles the bucket's messages and nothing more; the connection stays.
func TestChatFloodMutes(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, chatOn)
	flooder, witness, other := join(t, in, name()), join(t, in, name()), join(t, in, name())
	inClass(t, in, 11, flooder, witness, other)
	hub0 := counter(t, in, "fair_world_inputs_total", "type=chat")
	start := time.Now()
	const flood = 60 // under the input rate's burst of 80: only the chat rate acts
	for i := range flood {
		if _, err := flooder.c.Quick(protocol.ChannelClass, uint8(1+i%12)); err != nil {
			t.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	// Everything the flooder sent was read: its next request is answered.
	req, _ := flooder.c.Leaderboard(protocol.ScopeFair)
	waitEv(t, flooder.l, 0, "the leaderboard", func(e protocol.Leaderboard) bool { return e.Req == req })
	hub := counter(t, in, "fair_world_inputs_total", "type=chat") - hub0
	// The witness's own message comes after all of the flooder's.
	other.c.Say(protocol.ChannelClass, "Fin")
	said(t, witness, other.c, "Fin")
	got := len(chatsOf(witness.l, flooder.c.SelfID()))
	limit := 5 + int(elapsed/time.Second) + 1
	if got < 5 || got > limit {
		t.Fatalf("the class got %d of %d flood messages, want 5 to %d", got, flood, limit)
	}
	if int(hub) != got {
		t.Fatalf("the hub handled %v chat messages, %d were delivered: the flood reached the hub", hub, got)
	}
	errs := find(flooder.l, 0, func(e protocol.ErrorEvent) bool { return e.Code == protocol.ErrChatRateLimited })
	if len(errs) != 1 {
		t.Fatalf("%d chat_rate_limited errors, want 1", len(errs))
	}
	if flooder.c.Err() != nil {
		t.Fatalf("the flooder was closed: %v", flooder.c.Err())
	}
	// Muted: a message now is dropped without an answer (the witness's
	// next message arrives, the flooder's does not).
	flooder.c.Quick(protocol.ChannelClass, 2)
	other.c.Say(protocol.ChannelClass, "Fin 2")
	said(t, witness, other.c, "Fin 2")
	if n := len(chatsOf(witness.l, flooder.c.SelfID())); n != got {
		t.Fatalf("a muted flooder spoke: %d messages, were %d", n, got)
	}
}

// A report on a message reaches the moderators with its evidence: the
// message and the 10 before it of its channel, nothing of another class;
// a moderator removes the message: the class hides it, the history drops
// it; the reporter cannot report what does not exist.
func TestChatReportAndRemove(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, chatOn)
	mod := join(t, in, "mod:"+name())
	ps := []member{join(t, in, name()), join(t, in, name()), join(t, in, name())}
	elsewhere := join(t, in, name())
	inClass(t, in, 21, ps...)
	inClass(t, in, 22, elsewhere)
	elsewhere.c.Say(protocol.ChannelClass, "Autre classe")
	said(t, elsewhere, elsewhere.c, "Autre classe")
	var last protocol.ChatMessage
	for i := range 13 {
		p := ps[i%3]
		text := "message " + string(rune('a'+i))
		p.c.Say(protocol.ChannelClass, text)
		last = said(t, ps[(i+1)%3], p.c, text)
	}
	reporter := ps[1] // 4 messages and this report: within the chat rate's bucket
	req, _ := reporter.c.Report(last.ID, last.AvatarID, protocol.ReportInsult)
	waitEv(t, reporter.l, 0, "MODERATED", func(e protocol.Moderated) bool { return e.Req == req })
	r := waitEv(t, mod.l, 0, "the report", func(e protocol.Report) bool { return e.MessageID == last.ID })
	if r.Reason != protocol.ReportInsult || r.Reporter != reporter.c.Welcome().Pseudonym || r.AvatarID != last.AvatarID {
		t.Fatalf("report %+v", r)
	}
	if len(r.Evidence) != 11 || r.Evidence[10].ID != last.ID || r.Evidence[0].Text != "message c" {
		t.Fatalf("evidence of %d messages: %+v", len(r.Evidence), r.Evidence)
	}
	for _, e := range r.Evidence {
		if e.Text == "Autre classe" {
			t.Fatal("another class's message in the evidence")
		}
	}
	// A pupil is no moderator.
	req, _ = reporter.c.Moderate(protocol.Moderate{Action: protocol.ModRemove, MessageID: last.ID})
	waitError(t, reporter.l, req, protocol.ErrNotStaff)
	req, _ = ps[2].c.Report(12345, 0, protocol.ReportOther)
	waitError(t, ps[2].l, req, protocol.ErrUnknownChat)

	// The moderator removes the message.
	req, _ = mod.c.Moderate(protocol.Moderate{Action: protocol.ModRemove, MessageID: last.ID})
	waitEv(t, mod.l, 0, "MODERATED", func(e protocol.Moderated) bool { return e.Req == req && e.Action == protocol.ModRemove })
	for _, p := range ps {
		waitEv(t, p.l, 0, "CHAT_REMOVED", func(e protocol.ChatRemoved) bool { return e.ID == last.ID })
	}
	late := join(t, in, name())
	inClass(t, in, 21, late)
	waitEv(t, late.l, 0, "the history", func(e protocol.ChatMessage) bool { return e.Past && e.Text == "message l" })
	if got := find(late.l, 0, func(e protocol.ChatMessage) bool { return e.ID == last.ID }); len(got) != 0 {
		t.Fatal("a removed message is in the history")
	}
	// A moderator who joins later gets the open report; closing it tells them.
	mod2 := join(t, in, "mod:"+name())
	waitEv(t, mod2.l, 0, "the open report", func(e protocol.Report) bool { return e.ID == r.ID })
	req, _ = mod.c.Moderate(protocol.Moderate{Action: protocol.ModCloseReport, ReportID: r.ID})
	waitEv(t, mod2.l, 0, "REPORT_CLOSED", func(e protocol.ReportClosed) bool { return e.ID == r.ID })
}

// Teachers mute the pupils of their class, not others; a muted pupil gets
// chat_muted; a moderator kicks (4021).
func TestChatTeacherMuteAndKick(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, chatOn)
	teacher, pupil, other := join(t, in, "prof:"+name()), join(t, in, name()), join(t, in, name())
	inClass(t, in, 31, teacher, pupil)
	inClass(t, in, 32, other)
	req, _ := teacher.c.Moderate(protocol.Moderate{Action: protocol.ModMute, Avatar: pupil.c.SelfID(), Seconds: 60})
	waitEv(t, teacher.l, 0, "MODERATED", func(e protocol.Moderated) bool { return e.Req == req })
	st := waitEv(t, pupil.l, 0, "muted", func(e protocol.ChatState) bool { return e.MutedUntil != 0 })
	if d := time.Until(time.Unix(int64(st.MutedUntil), 0)); d < 50*time.Second || d > 70*time.Second {
		t.Fatalf("muted for %v", d)
	}
	req, _ = pupil.c.Say(protocol.ChannelClass, "je parle")
	waitError(t, pupil.l, req, protocol.ErrChatMuted)
	req, _ = pupil.c.Quick(protocol.ChannelNearby, 1)
	waitError(t, pupil.l, req, protocol.ErrChatMuted)
	req, _ = teacher.c.Moderate(protocol.Moderate{Action: protocol.ModMute, Avatar: other.c.SelfID()})
	waitError(t, teacher.l, req, protocol.ErrNotStaff)
	req, _ = teacher.c.Moderate(protocol.Moderate{Action: protocol.ModKick, Avatar: pupil.c.SelfID()})
	waitError(t, teacher.l, req, protocol.ErrNotStaff)
	from := pupil.l.len()
	req, _ = teacher.c.Moderate(protocol.Moderate{Action: protocol.ModUnmute, Avatar: pupil.c.SelfID()})
	waitEv(t, pupil.l, from, "unmuted", func(e protocol.ChatState) bool { return e.MutedUntil == 0 })
	pupil.c.Say(protocol.ChannelClass, "merci")
	said(t, teacher, pupil.c, "merci")

	mod := join(t, in, "mod:"+name())
	req, _ = mod.c.Moderate(protocol.Moderate{Action: protocol.ModKick, Avatar: other.c.SelfID()})
	waitEv(t, mod.l, 0, "MODERATED", func(e protocol.Moderated) bool { return e.Req == req })
	select {
	case <-other.c.Done():
	case <-time.After(15 * time.Second):
		t.Fatal("the kicked visitor is still connected")
	}
	if code := closeCode(other.c.Err()); code != protocol.CloseKicked {
		t.Fatalf("kicked with %v", code)
	}
}

// A connection that never chats costs the chat nothing: no rate limiter,
// no entry on the hub (it is in no class, no moderator); one that chats
// gets its limiter at its first message.
func TestChatCostsNothingIdle(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, chatOn)
	var ms []member
	for range 20 {
		ms = append(ms, join(t, in, name()))
	}
	// Every connection has been read (its first UPDATE came after the join).
	gates := func() float64 { return counter(t, in, "fair_chat_rates_total", "") }
	if g, e := gates(), in.Server.ChatEntries(); g != 0 || e != 0 {
		t.Fatalf("idle connections made %v chat rates and %d hub entries", g, e)
	}
	ms[0].c.Quick(protocol.ChannelNearby, 1)
	waitEv(t, ms[1].l, 0, "Salut !", func(e protocol.ChatMessage) bool { return e.AvatarID == ms[0].c.SelfID() })
	if g, e := gates(), in.Server.ChatEntries(); g != 1 || e != 0 {
		t.Fatalf("after one quick phrase: %v chat rates, %d hub entries; want 1 and 0", g, e)
	}
}
