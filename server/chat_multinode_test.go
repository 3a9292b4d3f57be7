package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/feed"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

// refused dials and expects the close code (a pseudonym just freed on
// another node may be taken a moment longer: 4011 is retried).
func refused(t *testing.T, in *servertest.Instance, opts client.Options, want protocol.CloseCode) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got, err := dialCode(in, opts)
		if got == want {
			return
		}
		if got != protocol.ClosePseudoTaken || time.Now().After(deadline) {
			t.Fatalf("%s: closed with %v (%v), want %v", opts.Pseudonym, got, err, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// dialCode dials and returns the close code that ends the connection (0
// when it stays connected for 10 s).
func dialCode(in *servertest.Instance, opts client.Options) (protocol.CloseCode, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, in.URL, opts)
	if err == nil {
		// The join may be answered before the refusal: the close follows.
		select {
		case <-c.Done():
			err = c.Err()
		case <-ctx.Done():
			_ = c.Close()
			return 0, nil
		}
	}
	return closeCode(err), err
}

func closedWith(t *testing.T, c *client.Client, want protocol.CloseCode) {
	t.Helper()
	select {
	case <-c.Done():
	case <-time.After(15 * time.Second):
		t.Fatalf("still connected, want %v", want)
	}
	if got := closeCode(c.Err()); got != want {
		t.Fatalf("closed with %v (%v), want %v", got, c.Err(), want)
	}
}

// Chat across nodes, over one Redis and a Cluster: a class on two nodes
// talks; a quick phrase reaches the viewers of another node; a report on
// one node reaches a moderator on the other with its evidence; a mute
// asked on one node holds on every node, across a reconnection; a ban
// closes the visitor on the other node and holds at every later HELLO on
// any node.
func TestChatAcrossNodes(t *testing.T) {
	t.Parallel()
	eachRedis(t, func(t *testing.T, url string) {
		nodes := fair(t, url, 2, chatOn)
		mod := join(t, nodes[0], "mod:"+name())
		a := join(t, nodes[0], name())
		b := join(t, nodes[1], name())
		inClass(t, nodes[0], 5, a)
		inClass(t, nodes[1], 5, b)
		a.c.Say(protocol.ChannelClass, "Tu es où ?")
		m := said(t, b, a.c, "Tu es où ?")
		b.c.Say(protocol.ChannelClass, "Devant la grue")
		said(t, a, b.c, "Devant la grue")

		// Nearby across nodes: b sees a (the spawn area), a's phrase reaches b.
		waitFor(t, b.c, 15*time.Second, "a in view on the other node", sees(a.c.SelfID()))
		a.c.Quick(protocol.ChannelNearby, 3)
		waitEv(t, b.l, 0, "« On y va ensemble ? »", func(e protocol.ChatMessage) bool {
			return e.AvatarID == a.c.SelfID() && e.Phrase == 3 && e.Channel == protocol.ChannelNearby
		})

		// b (node 1) reports a's message; the moderator (node 0) gets it.
		req, _ := b.c.Report(m.ID, m.AvatarID, protocol.ReportContact)
		waitEv(t, b.l, 0, "MODERATED", func(e protocol.Moderated) bool { return e.Req == req })
		r := waitEv(t, mod.l, 0, "the report", func(e protocol.Report) bool { return e.MessageID == m.ID })
		if r.Pseudonym != a.c.Welcome().Pseudonym || len(r.Evidence) == 0 || r.Evidence[len(r.Evidence)-1].Text != "Tu es où ?" {
			t.Fatalf("report %+v", r)
		}

		// The moderator (node 0) mutes b (node 1).
		waitFor(t, mod.c, 15*time.Second, "b in the moderator's view", sees(b.c.SelfID()))
		req, _ = mod.c.Moderate(protocol.Moderate{Action: protocol.ModMute, Avatar: b.c.SelfID(), Seconds: 600})
		waitEv(t, mod.l, 0, "MODERATED", func(e protocol.Moderated) bool { return e.Req == req && e.Action == protocol.ModMute })
		waitEv(t, b.l, 0, "muted", func(e protocol.ChatState) bool { return e.MutedUntil != 0 })
		req, _ = b.c.Say(protocol.ChannelClass, "je parle encore")
		waitError(t, b.l, req, protocol.ErrChatMuted)
		// b comes back on node 0 with the same pseudonym: still muted.
		who := b.c.Welcome().Pseudonym
		_ = b.c.Close()
		var b2 member
		mustWait(t, 10*time.Second, "the pseudonym free again", func() bool {
			c, err := client.Dial(context.Background(), nodes[0].URL, client.Options{Pseudonym: who, EventBuffer: 4096})
			if err != nil {
				return false
			}
			t.Cleanup(func() { _ = c.Close() })
			b2 = member{c: c, l: collect(t, c)}
			return true
		})
		inClass(t, nodes[0], 5, b2)
		waitEv(t, b2.l, 0, "still muted", func(e protocol.ChatState) bool { return e.MutedUntil != 0 })
		req, _ = b2.c.Say(protocol.ChannelClass, "et ici ?")
		waitError(t, b2.l, req, protocol.ErrChatMuted)

		// A ban of c (node 1) from node 0.
		c := join(t, nodes[1], name())
		cw := c.c.Welcome()
		waitFor(t, mod.c, 15*time.Second, "c in the moderator's view", sees(c.c.SelfID()))
		req, _ = mod.c.Moderate(protocol.Moderate{Action: protocol.ModBan, Avatar: c.c.SelfID()})
		waitEv(t, mod.l, 0, "MODERATED", func(e protocol.Moderated) bool { return e.Req == req && e.Action == protocol.ModBan })
		closedWith(t, c.c, protocol.CloseBanned)
		for _, in := range nodes {
			refused(t, in, client.Options{Pseudonym: cw.Pseudonym}, protocol.CloseBanned)
		}
		// The session ended: its token opens nothing.
		refused(t, nodes[0], client.Options{Pseudonym: cw.Pseudonym, ResumeToken: cw.ResumeToken}, protocol.CloseResumeExpired)
		// Every action is in the audit log, pseudonymous.
		rc, err := feed.NewRedisClient(url)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		log, err := rc.LRange(context.Background(), prefixOf(t)+":chat:audit", 0, -1).Result()
		if err != nil {
			t.Fatal(err)
		}
		var mute, ban bool
		for _, e := range log {
			mute = mute || strings.Contains(e, `"action":2`) && strings.Contains(e, `"target":"`+who+`"`)
			ban = ban || strings.Contains(e, `"action":5`) && strings.Contains(e, `"target":"`+cw.Pseudonym+`"`)
		}
		if !mute || !ban {
			t.Fatalf("audit log %q: mute %v, ban %v", log, mute, ban)
		}
	})
}

// A class message expires after the retention: the Redis key goes, a
// pupil who joins later gets no history. ERASE removes a pupil's messages
// from the class history and from every node's memory.
func TestChatRetentionAndErasure(t *testing.T) {
	t.Parallel()
	single, _ := sharedRedis()
	nodes := fair(t, single, 2, func(cfg *server.Config) {
		chatOn(cfg)
		cfg.Chat.Retention = 2 * time.Second
	})
	rc, err := feed.NewRedisClient(single)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	prefix := prefixOf(t)
	ctx := context.Background()
	key := prefix + ":chat:class:41"

	a := join(t, nodes[0], name())
	b := join(t, nodes[1], name())
	inClass(t, nodes[0], 41, a)
	inClass(t, nodes[1], 41, b)
	a.c.Say(protocol.ChannelClass, "Rendez-vous au phare")
	said(t, b, a.c, "Rendez-vous au phare")
	mustWait(t, 10*time.Second, "the class history in Redis", func() bool { return rc.Exists(ctx, key).Val() == 1 })
	mustWait(t, 15*time.Second, "the history to expire", func() bool { return rc.Exists(ctx, key).Val() == 0 })
	late := join(t, nodes[1], name())
	inClass(t, nodes[1], 41, late)
	// The witness: a message said now is the first the late pupil gets.
	b.c.Say(protocol.ChannelClass, "Je suis là")
	said(t, late, b.c, "Je suis là")
	if got := find(late.l, 0, func(e protocol.ChatMessage) bool { return e.Past }); len(got) != 0 {
		t.Fatalf("an expired message in the history: %+v", got)
	}
}

func TestChatErasure(t *testing.T) {
	t.Parallel()
	single, _ := sharedRedis()
	nodes := fair(t, single, 2, chatOn)
	rc, err := feed.NewRedisClient(single)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	prefix := prefixOf(t)
	ctx := context.Background()

	a := join(t, nodes[0], name())
	b := join(t, nodes[1], name())
	c := join(t, nodes[0], name())
	inClass(t, nodes[0], 42, a, c)
	inClass(t, nodes[1], 42, b)
	const secret = "Mon chat s'appelle Zorglub"
	a.c.Say(protocol.ChannelClass, secret)
	m := said(t, b, a.c, secret)
	b.c.Say(protocol.ChannelClass, "Trop bien")
	said(t, a, b.c, "Trop bien")
	mustWait(t, 10*time.Second, "both messages in Redis", func() bool {
		return rc.ZCard(ctx, prefix+":chat:class:42").Val() == 2
	})
	pseudo := a.c.Welcome().Pseudonym
	a.c.Erase()
	closedWith(t, a.c, protocol.CloseErased)
	// (The session's presence record goes a moment later, by its writer.)
	mustWait(t, 10*time.Second, "nothing of the pupil in Redis", func() bool {
		return leftover(t, rc, prefix, []string{"Zorglub", pseudo}, "-") == ""
	})
	if n := rc.ZCard(ctx, prefix+":chat:class:42").Val(); n != 1 {
		t.Fatalf("the class history holds %d messages, want b's only", n)
	}
	// Node 1 forgot it too: it cannot be reported any more. (The witness:
	// node 0 publishes in order, so c's message comes after the erasure.)
	c.c.Say(protocol.ChannelClass, "Témoin")
	said(t, b, c.c, "Témoin")
	req, _ := b.c.Report(m.ID, m.AvatarID, protocol.ReportOther)
	waitError(t, b.l, req, protocol.ErrUnknownChat)
	late := join(t, nodes[1], name())
	inClass(t, nodes[1], 42, late)
	waitEv(t, late.l, 0, "the history", func(e protocol.ChatMessage) bool { return e.Past && e.Text == "Trop bien" })
	if got := find(late.l, 0, func(e protocol.ChatMessage) bool { return e.Text == secret }); len(got) != 0 {
		t.Fatal("an erased message in the history")
	}
}
