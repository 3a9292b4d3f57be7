package server_test

import (
	"errors"
	"image/png"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
	"github.com/usine-extraordinaire/fairworld/world/content"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// The challenge badge comes with the fifth content of the challenge, not
// before; the progress counts per challenge; a visitor who sees the winner
// gets a friendly notice.
func TestBadgeAtTheRightCountAndNoticeNearby(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, progressFast)
	p := dial(t, in, client.Options{EventBuffer: 4096})
	pl := collect(t, p)
	x, y := p.Self()
	ch := zone.ChallengeSustainable
	hs := hotspotsNear(in, x, y, func(c *content.Content) bool {
		return c.Challenge == ch && c.Kind != content.KindQuiz && c.Kind != content.KindQuestionnaire
	})[:5]

	// A friend waits at the fifth.
	f := dial(t, in, client.Options{EventBuffer: 4096})
	fl := collect(t, f)
	walkTo(t, f, in, hs[4])

	badge := ch + "-5"
	for i, h := range hs {
		walkTo(t, p, in, h)
		prog := read(t, p, pl, h)
		var seen uint32
		for _, c := range prog.Challenges {
			if c.Challenge == ch {
				seen = c.Seen
			}
		}
		if seen != uint32(i+1) {
			t.Fatalf("after %d contents of %s: %+v", i+1, ch, prog.Challenges)
		}
		got := find(pl, 0, func(e protocol.BadgeEarned) bool { return e.Badge.ID == badge })
		if i < 4 && len(got) > 0 {
			t.Fatalf("badge %s after %d contents", badge, i+1)
		}
	}
	b := waitEv(t, pl, 0, "the badge "+badge, func(e protocol.BadgeEarned) bool { return e.Badge.ID == badge })
	if !strings.Contains(b.Badge.Title, "développement durable") || b.Badge.EarnedAt == 0 {
		t.Fatalf("badge %+v", b)
	}
	if n := len(find(pl, 0, func(e protocol.BadgeEarned) bool { return e.Badge.ID == badge })); n != 1 {
		t.Fatalf("badge %s came %d times", badge, n)
	}
	note := waitEv(t, fl, 0, "the friend's notice", func(e protocol.BadgeNotice) bool { return e.Badge == badge })
	if note.AvatarID != p.SelfID() || note.Pseudonym != p.Welcome().Pseudonym || note.Title != b.Badge.Title {
		t.Fatalf("notice %+v", note)
	}
	if len(find(pl, 0, func(e protocol.BadgeNotice) bool { return true })) != 0 {
		t.Fatal("the winner got a notice of their own badge")
	}
	full := fullProgress(t, p, pl)
	i := slices.IndexFunc(full.Badges, func(x protocol.Badge) bool { return x.ID == badge })
	if i < 0 || full.Badges[i].EarnedAt != b.Badge.EarnedAt {
		t.Fatalf("full progress badges %+v", full.Badges)
	}
}

// readOne walks c to the nearest readable content and reads it: its
// first points, and so its progress key.
func readOne(t *testing.T, c *client.Client, l *evlog, in *servertest.Instance) (*zone.Hotspot, protocol.Progress) {
	t.Helper()
	x, y := c.Self()
	h := hotspotsNear(in, x, y, readable)[0]
	walkTo(t, c, in, h)
	return h, read(t, c, l, h)
}

func dialErr(in *servertest.Instance, opts client.Options) error {
	c, err := tryDial(in, opts)
	if err == nil {
		_ = c.Close()
	}
	return err
}

// A progress key gives the progress back on a new session with the same
// pseudonym, typed in any case, with or without accents; a wrong key, a
// key with another pseudonym or words not in the list are refused (4016)
// with a French reason; wrong keys are limited per pseudonym and per node.
func TestProgressKeyGivesProgressBack(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, func(cfg *server.Config) {
		progressFast(cfg)
		cfg.ProgressConfig.WrongKeyBurst = 1000
	})
	who := name()
	c := dial(t, in, client.Options{Pseudonym: who, EventBuffer: 4096})
	l := collect(t, c)
	h, p := readOne(t, c, l, in)
	key := p.Key
	if err := c.Close(); err != nil { // the visit ends: session gone, pseudonym free
		t.Fatal(err)
	}

	words := strings.Fields(key)
	typed := strings.ToUpper(words[0]) + " - " + words[1] + "s, " + words[2]
	back := dial(t, in, client.Options{Pseudonym: who, ProgressKey: typed, EventBuffer: 4096})
	bl := collect(t, back)
	full := waitEv(t, bl, 0, "the progress back", func(p protocol.Progress) bool { return p.Full })
	if full.Points != p.Points || !slices.Equal(full.Seen, []string{h.ID}) {
		t.Fatalf("progress back %+v, want %+v", full, p)
	}
	if full.Key != "" {
		t.Fatal("a session opened with its key was sent the key again")
	}
	_ = back.Close()

	refused := func(opts client.Options, want string) {
		t.Helper()
		err := dialErr(in, opts)
		var ce *client.CloseError
		if !errors.As(err, &ce) || ce.Code != protocol.CloseKeyRefused || !strings.Contains(ce.Reason, want) {
			t.Fatalf("HELLO with key %q: %v, want 4016 %q", opts.ProgressKey, err, want)
		}
		if len(ce.Reason) > 123 {
			t.Fatalf("reason of %d bytes: %q", len(ce.Reason), ce.Reason)
		}
	}
	other := words[0] + " " + words[0] + " " + words[0]
	if other == key {
		other = words[1] + " " + words[1] + " " + words[1]
	}
	refused(client.Options{Pseudonym: who, ProgressKey: other}, "ne vont pas ensemble")
	refused(client.Options{Pseudonym: name(), ProgressKey: key}, "ne vont pas ensemble")
	refused(client.Options{Pseudonym: who, ProgressKey: "pomme girafe xylophoneuse"}, "xylophoneuse")
	refused(client.Options{Pseudonym: who, ProgressKey: "pomme girafe"}, "trois mots")

	// Twenty wrong keys for one pseudonym: then even the right one waits.
	victim := name()
	for range 19 { // two wrong ones above were for who, not victim
		refused(client.Options{Pseudonym: victim, ProgressKey: other}, "ne vont pas ensemble")
	}
	refused(client.Options{Pseudonym: victim, ProgressKey: other}, "ne vont pas ensemble")
	refused(client.Options{Pseudonym: victim, ProgressKey: key}, "réessaie dans une heure")
	if err := dialErr(in, client.Options{Pseudonym: who, ProgressKey: key}); err != nil {
		t.Fatalf("the pupil's own key, after another pseudonym's wrong keys: %v", err)
	}
}

// The node bounds the wrong keys it checks, for everyone together.
func TestWrongKeysLimitedPerNode(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, func(cfg *server.Config) {
		progressFast(cfg)
		cfg.ProgressConfig.WrongKeyRate, cfg.ProgressConfig.WrongKeyBurst = 0.001, 2
	})
	for i := range 3 {
		err := dialErr(in, client.Options{Pseudonym: name(), ProgressKey: "pomme girafe nuage"})
		var ce *client.CloseError
		if !errors.As(err, &ce) || ce.Code != protocol.CloseKeyRefused {
			t.Fatalf("wrong key %d: %v", i+1, err)
		}
		if want := i == 2; strings.Contains(ce.Reason, "en ce moment") != want {
			t.Fatalf("wrong key %d: reason %q", i+1, ce.Reason)
		}
	}
	// A visitor without a key is not slowed down.
	dial(t, in, client.Options{})
}

// A share link is a public page with Open Graph tags (absolute og:image)
// and a PNG; asking again gives the same link; deleting it makes both
// 404; only earned badges can be shared.
func TestShareLinkPage(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, func(cfg *server.Config) {
		progressFast(cfg)
		cfg.PublicURL = "https://fair.example.org"
	})
	c := dial(t, in, client.Options{EventBuffer: 4096})
	l := collect(t, c)
	x, y := c.Self()
	h := hotspotsNear(in, x, y, isKind(content.KindQuiz))[0]
	quiz := contentOf(t, in, h.ID)
	walkTo(t, c, in, h)
	from := l.len()
	req, _ := c.OpenHotspot(h.ID)
	waitEv(t, l, from, "the quiz", func(e protocol.HotspotContent) bool { return e.Req == req })
	answerWhenAllowed(t, c, l, h.ID, 0, rightOf(&quiz.Questions[0])...)
	badge := waitEv(t, l, 0, "the quiz badge", func(e protocol.BadgeEarned) bool { return e.Badge.ID == "quiz-1" }).Badge

	req, _ = c.Share("innovation-all")
	waitError(t, l, req, protocol.ErrNotEarned)
	req, _ = c.Share("nope")
	waitError(t, l, req, protocol.ErrNotEarned)
	req, _ = c.Share(badge.ID)
	link := waitEv(t, l, 0, "the share link", func(e protocol.ShareLink) bool { return e.Req == req })
	if link.Badge != badge.ID || !strings.HasPrefix(link.Path, "/p/") || len(link.Path) != 3+22 {
		t.Fatalf("link %+v", link)
	}
	get := func(path string) (*http.Response, []byte) {
		t.Helper()
		resp, err := http.Get(in.HTTP + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	resp, body := get(link.Path)
	page := string(body)
	pseudo := c.Welcome().Pseudonym
	for _, want := range []string{
		`<meta property="og:title" content="` + pseudo + ` a gagné le badge « ` + badge.Title + ` »">`,
		`<meta property="og:image" content="https://fair.example.org` + link.Path + `.png">`,
		`<meta property="og:url" content="https://fair.example.org` + link.Path + `">`,
		`<meta name="twitter:card" content="summary_large_image">`,
		`<html lang="fr">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") || strings.Contains(page, "<script") {
		t.Fatalf("page %d %v", resp.StatusCode, resp.Header)
	}
	resp, body = get(link.Path + ".png")
	img, err := png.Decode(strings.NewReader(string(body)))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || err != nil || img.Bounds().Dx() != 1200 || img.Bounds().Dy() != 630 {
		t.Fatalf("picture: %d %s, %v", resp.StatusCode, resp.Header.Get("Content-Type"), err)
	}
	// The same badge shared again: the same link.
	req, _ = c.Share(badge.ID)
	if again := waitEv(t, l, 0, "the link again", func(e protocol.ShareLink) bool { return e.Req == req }); again.Path != link.Path {
		t.Fatalf("shared again: %s, then %s", link.Path, again.Path)
	}
	req, _ = c.Unshare(badge.ID)
	if gone := waitEv(t, l, 0, "the link deleted", func(e protocol.ShareLink) bool { return e.Req == req }); gone.Path != "" {
		t.Fatalf("unshare answered %+v", gone)
	}
	for _, p := range []string{link.Path, link.Path + ".png", "/p/AAAAAAAAAAAAAAAAAAAAAA", "/p/", "/p/x.png"} {
		if resp, _ := get(p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s after deletion: %d", p, resp.StatusCode)
		}
	}
}

// ERASE erases the progress, its key and its share links, ends the
// session (4015) and frees the pseudonym.
func TestEraseEndsTheSessionAndForgetsProgress(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, progressFast)
	who := name()
	c := dial(t, in, client.Options{Pseudonym: who, EventBuffer: 4096})
	l := collect(t, c)
	_, p := readOne(t, c, l, in)
	if _, err := c.Erase(); err != nil {
		t.Fatal(err)
	}
	<-c.Done()
	if code := closeCode(c.Err()); code != protocol.CloseErased {
		t.Fatalf("closed with %v, want 4015", c.Err())
	}
	err := dialErr(in, client.Options{Pseudonym: who, ProgressKey: p.Key})
	if closeCode(err) != protocol.CloseKeyRefused {
		t.Fatalf("the erased key: %v, want 4016", err)
	}
	// The pseudonym is free at once, with nothing of the old progress.
	again := dial(t, in, client.Options{Pseudonym: who, EventBuffer: 4096})
	al := collect(t, again)
	if full := waitEv(t, al, 0, "a new progress", func(p protocol.Progress) bool { return p.Full }); full.Points != 0 || len(full.Seen) != 0 {
		t.Fatalf("after erasure: %+v", full)
	}
	req, _ := again.Leaderboard(protocol.ScopeFair)
	lb := waitEv(t, al, 0, "the leaderboard", func(e protocol.Leaderboard) bool { return e.Req == req })
	for _, e := range lb.Top {
		if e.Pseudonym == who {
			t.Fatalf("the erased visitor is on the leaderboard: %+v", lb)
		}
	}
}
