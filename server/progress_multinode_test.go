package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/internal/redistest"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/feed"
	"github.com/usine-extraordinaire/fairworld/server/progress"
	"github.com/usine-extraordinaire/fairworld/server/pseudonym"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
	"github.com/usine-extraordinaire/fairworld/world/content"
)

// leaderboard asks for a board and returns it.
func leaderboard(t *testing.T, c *client.Client, l *evlog, scope protocol.Scope) protocol.Leaderboard {
	t.Helper()
	from := l.len()
	req, _ := c.Leaderboard(scope)
	var out protocol.Leaderboard
	mustWait(t, 15*time.Second, "a leaderboard", func() bool {
		if e := find(l, from, func(e protocol.ErrorEvent) bool { return e.Ref == req }); len(e) > 0 {
			t.Fatalf("leaderboard: %v %q", e[0].Code, e[0].Message)
		}
		got := find(l, from, func(e protocol.Leaderboard) bool { return e.Req == req })
		if len(got) > 0 {
			out = got[0]
		}
		return len(got) > 0
	})
	return out
}

// The leaderboard is fair-wide: visitors of two nodes are ranked together,
// with their own ranks, on the whole fair's board and on their class
// group's.
func TestLeaderboardAcrossNodes(t *testing.T) {
	t.Parallel()
	eachRedis(t, func(t *testing.T, url string) {
		nodes := fair(t, url, 2, progressFast)
		a := dial(t, nodes[0], client.Options{EventBuffer: 4096})
		al := collect(t, a)
		b := dial(t, nodes[1], client.Options{EventBuffer: 4096})
		bl := collect(t, b)
		x, y := a.Self()
		hs := hotspotsNear(nodes[0], x, y, readable)
		walkTo(t, a, nodes[0], hs[0])
		read(t, a, al, hs[0])
		walkTo(t, a, nodes[0], hs[1])
		pa := read(t, a, al, hs[1])
		walkTo(t, b, nodes[1], hs[2])
		pb := read(t, b, bl, hs[2])
		if pa.Points <= pb.Points {
			t.Skipf("a has %d points, b %d: the contents' points do not order them", pa.Points, pb.Points)
		}
		var lb protocol.Leaderboard
		mustWait(t, 15*time.Second, "both on b's node's board", func() bool {
			lb = leaderboard(t, b, bl, protocol.ScopeFair)
			return lb.Players == 2 && len(lb.Top) == 2
		})
		want := []protocol.LeaderEntry{
			{Rank: 1, Pseudonym: a.Welcome().Pseudonym, Points: pa.Points},
			{Rank: 2, Pseudonym: b.Welcome().Pseudonym, Points: pb.Points},
		}
		if !slices.Equal(lb.Top, want) || lb.Rank != 2 || lb.Points != pb.Points {
			t.Fatalf("board seen from node 1: %+v, want top %+v and rank 2", lb, want)
		}
		if la := leaderboard(t, a, al, protocol.ScopeFair); la.Rank != 1 || la.Points != pa.Points || !slices.Equal(la.Top, want) {
			t.Fatalf("board seen from node 0: %+v", la)
		}

		// Class groups: none yet, then both in group 7.
		req, _ := a.Leaderboard(protocol.ScopeGroup)
		waitError(t, al, req, protocol.ErrNoGroup)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if !nodes[0].SetGroup(ctx, a.SelfID(), 7) || !nodes[1].SetGroup(ctx, b.SelfID(), 7) {
			t.Fatal("SetGroup")
		}
		mustWait(t, 15*time.Second, "both on the group's board", func() bool {
			g := leaderboard(t, b, bl, protocol.ScopeGroup)
			return g.Players == 2 && slices.Equal(g.Top, want) && g.Rank == 2
		})
	})
}

// A badge notice reaches the visitors of another node who see the winner.
func TestBadgeNoticeAcrossNodes(t *testing.T) {
	t.Parallel()
	_, cluster := sharedRedis()
	nodes := fair(t, cluster, 2, func(cfg *server.Config) {
		progressFast(cfg)
		cfg.ProgressConfig.AnswerGap = 100 * time.Second // 0.5 s
	})
	p := dial(t, nodes[0], client.Options{EventBuffer: 4096})
	pl := collect(t, p)
	f := dial(t, nodes[1], client.Options{EventBuffer: 4096})
	fl := collect(t, f)
	x, y := p.Self()
	h := hotspotsNear(nodes[0], x, y, isKind(content.KindQuiz))[0]
	walkTo(t, f, nodes[1], h)
	walkTo(t, p, nodes[0], h)
	waitFor(t, f, 15*time.Second, "the friend to see the player", sees(p.SelfID()))
	from := pl.len()
	req, _ := p.OpenHotspot(h.ID)
	waitEv(t, pl, from, "the quiz", func(e protocol.HotspotContent) bool { return e.Req == req })
	answerWhenAllowed(t, p, pl, h.ID, 0, rightOf(&contentOf(t, nodes[0], h.ID).Questions[0])...)
	waitEv(t, pl, 0, "the badge", func(e protocol.BadgeEarned) bool { return e.Badge.ID == "quiz-1" })
	note := waitEv(t, fl, 0, "the notice on the other node", func(e protocol.BadgeNotice) bool { return e.Badge == "quiz-1" })
	if note.AvatarID != p.SelfID() || note.Pseudonym != p.Welcome().Pseudonym || note.Title != "Bonne réponse" {
		t.Fatalf("notice %+v", note)
	}
}

// deathNode is a fair's node whose Redis the test can cut, as if it died:
// nothing it holds reaches Redis any more.
type deathNode struct {
	*servertest.Instance
	b *server.RedisBackends
}

func startDeathNode(t *testing.T, url, node, prefix string, configure func(*server.Config)) *deathNode {
	t.Helper()
	var b *server.RedisBackends
	in := servertest.Start(t, func(cfg *server.Config) {
		configure(cfg)
		cfg.NodeID = node
		var err error
		b, err = server.NewRedisBackends(server.RedisOptions{
			URL: url, Node: node, Prefix: prefix, HeartbeatTTL: time.Second,
			Registerer: cfg.Registerer, Logger: cfg.Logger.With("node", node),
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = b.Close() })
		b.Configure(cfg)
	})
	waitReady(t, in)
	return &deathNode{Instance: in, b: b}
}

// The node dies: its Redis client closes (nothing pending reaches Redis),
// then it stops.
func (n *deathNode) die() {
	_ = n.b.Client.Close()
	n.Stop()
}

// Progress, leaderboards and share links outlive the node that held the
// visitor (the visitor resumes on another) and a restart of Redis (with
// appendonly yes); ERASE then leaves nothing of the visitor in Redis: no
// key, and no member or field of a shared key, holds their ids, progress
// key or pseudonym.
func TestProgressSurvivesNodeDeathAndRedisRestart(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t, redistest.Options{AppendOnly: true})
	rc, err := feed.NewRedisClient(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	ctx := context.Background()
	// Every write is on disk before its command returns: a restart loses
	// nothing (a real fair's everysec may lose the last second).
	if err := rc.ConfigSet(ctx, "appendfsync", "always").Err(); err != nil {
		t.Fatal(err)
	}
	prefix := prefixOf(t)
	configure := func(cfg *server.Config) {
		progressFast(cfg)
		cfg.ProgressConfig.AnswerGap = 100 * time.Second // 0.5 s
	}
	a := startDeathNode(t, srv.URL(), "na", prefix, configure)
	b := startDeathNode(t, srv.URL(), "nb", prefix, configure)

	who := name()
	c := dial(t, a.Instance, client.Options{Pseudonym: who, EventBuffer: 4096})
	l := collect(t, c)
	x, y := c.Self()
	h := hotspotsNear(a.Instance, x, y, isKind(content.KindQuiz))[0]
	walkTo(t, c, a.Instance, h)
	from := l.len()
	req, _ := c.OpenHotspot(h.ID)
	waitEv(t, l, from, "the quiz", func(e protocol.HotspotContent) bool { return e.Req == req })
	answerWhenAllowed(t, c, l, h.ID, 0, rightOf(&contentOf(t, a.Instance, h.ID).Questions[0])...)
	p := waitEv(t, l, from, "the quiz's points", func(p protocol.Progress) bool { return !p.Full && p.QuizRight == 1 })
	waitEv(t, l, 0, "the badge", func(e protocol.BadgeEarned) bool { return e.Badge.ID == "quiz-1" })
	req, _ = c.Share("quiz-1")
	link := waitEv(t, l, 0, "the share link", func(e protocol.ShareLink) bool { return e.Req == req })
	key := p.Key
	if key == "" {
		key = fullProgress(t, c, l).Key
	}
	// In Redis before the death: the board holds the visitor's points.
	var pid string
	mustWait(t, 10*time.Second, "the progress in Redis", func() bool {
		zs, _ := rc.ZRangeWithScores(ctx, prefix+":lb", 0, -1).Result()
		for _, z := range zs {
			if uint32(z.Score) == p.Points {
				pid = z.Member.(string)
			}
		}
		return pid != ""
	})

	token := c.Welcome().ResumeToken
	a.die()
	<-c.Done()
	back := dial(t, b.Instance, client.Options{ResumeToken: token, EventBuffer: 4096})
	bl := collect(t, back)
	full := waitEv(t, bl, 0, "the progress on the other node", func(p protocol.Progress) bool { return p.Full })
	if !back.Welcome().Resumed || full.Points != p.Points || full.QuizRight != 1 || !earned(full, "quiz-1") {
		t.Fatalf("after the node's death: resumed %v, %+v, want %d points and quiz-1", back.Welcome().Resumed, full, p.Points)
	}

	srv.Restart()
	waitReady(t, b.Instance)
	if err := rc.ConfigSet(ctx, "appendfsync", "always").Err(); err != nil {
		t.Fatal(err)
	}
	// The leaderboard, the share link and the key are still there.
	var lb protocol.Leaderboard
	mustWait(t, 20*time.Second, "the board after the restart", func() bool {
		lb = leaderboard(t, back, bl, protocol.ScopeFair)
		return lb.Rank == 1 && len(lb.Top) == 1 && lb.Top[0].Pseudonym == back.Welcome().Pseudonym
	})
	resp, err := http.Get(b.HTTP + link.Path)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "og:image") {
		t.Fatalf("share page after the restart: %d", resp.StatusCode)
	}
	_ = back.Close()
	// The pseudonym is free once the end of the session reached Redis.
	var withKey *client.Client
	mustWait(t, 10*time.Second, "the pseudonym free again", func() bool {
		c, err := tryDial(b.Instance, client.Options{Pseudonym: who, ProgressKey: key, EventBuffer: 4096})
		if closeCode(err) == protocol.ClosePseudoTaken {
			return false
		}
		if err != nil {
			t.Fatal(err)
		}
		withKey = c
		return true
	})
	t.Cleanup(func() { _ = withKey.Close() })
	kl := collect(t, withKey)
	if full := waitEv(t, kl, 0, "the progress by key", func(p protocol.Progress) bool { return p.Full }); full.Points != p.Points || !earned(full, "quiz-1") {
		t.Fatalf("by key after the restart: %+v", full)
	}

	// Erasure.
	w := withKey.Welcome()
	pc, _ := pseudonym.New(pseudonym.Config{})
	_, folded, _ := pc.Check(who)
	ws, _ := progress.LoadWords()
	norm, _ := ws.Normalise(key)
	secrets := []string{who, folded, strings.TrimPrefix(w.SessionID, "s-"), key, norm, progress.KeyHash(folded, norm), progress.WhoHash(folded), pid, strings.TrimPrefix(link.Path, "/p/")}
	if where := leftover(t, rc, prefix, secrets, strconv.FormatUint(uint64(w.SelfID), 10)); where == "" {
		t.Fatal("before the erasure, the check finds nothing of the visitor: it checks nothing")
	} else {
		t.Logf("before the erasure: %s", where)
	}
	if _, err := withKey.Erase(); err != nil {
		t.Fatal(err)
	}
	<-withKey.Done()
	if closeCode(withKey.Err()) != protocol.CloseErased {
		t.Fatalf("erase closed with %v", withKey.Err())
	}
	mustWait(t, 10*time.Second, "nothing of the visitor left in Redis", func() bool {
		return leftover(t, rc, prefix, secrets, strconv.FormatUint(uint64(w.SelfID), 10)) == ""
	})
	if resp, err := http.Get(b.HTTP + link.Path); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("share page after erasure: %v %v", resp.StatusCode, err)
	}
}

func earned(p protocol.Progress, badge string) bool {
	i := slices.IndexFunc(p.Badges, func(b protocol.Badge) bool { return b.ID == badge })
	return i >= 0 && p.Badges[i].EarnedAt != 0
}

// leftover reads every key under prefix by its type and says where one of
// the secrets (as a substring) or the avatar id (as a whole value, member
// or field) is still held; "" when nowhere.
func leftover(t *testing.T, rc redis.UniversalClient, prefix string, secrets []string, avatar string) string {
	t.Helper()
	ctx := context.Background()
	keys, err := rc.Keys(ctx, prefix+":*").Result()
	if err != nil {
		t.Fatal(err)
	}
	check := func(key string, vals ...string) string {
		for _, v := range append([]string{key}, vals...) {
			for _, s := range secrets {
				if s != "" && strings.Contains(v, s) {
					return fmt.Sprintf("%s holds %q", key, s)
				}
			}
			if v == avatar && !strings.HasSuffix(key, ":{meta}:ids") { // the id counter is not the visitor's
				return fmt.Sprintf("%s holds the avatar id %s", key, avatar)
			}
		}
		return ""
	}
	for _, k := range keys {
		typ, err := rc.Type(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		var vals []string
		switch typ {
		case "string":
			v, _ := rc.Get(ctx, k).Result()
			vals = []string{v}
		case "hash":
			m, _ := rc.HGetAll(ctx, k).Result()
			for f, v := range m {
				vals = append(vals, f, v)
			}
		case "set":
			vals, _ = rc.SMembers(ctx, k).Result()
		case "zset":
			vals, _ = rc.ZRange(ctx, k, 0, -1).Result()
		case "list":
			vals, _ = rc.LRange(ctx, k, 0, -1).Result()
		case "none":
			continue
		default:
			t.Fatalf("key %s of type %s", k, typ)
		}
		if where := check(k, vals...); where != "" {
			return where
		}
	}
	return ""
}
