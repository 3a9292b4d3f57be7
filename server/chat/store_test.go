package chat

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/usine-extraordinaire/fairworld/internal/redistest"
	"github.com/usine-extraordinaire/fairworld/protocol"
)

// eachStore runs f over a MemoryStore and a RedisStore on a redis-server
// of its own, both keeping class messages for retention.
func eachStore(t *testing.T, retention time.Duration, f func(t *testing.T, s Store, rc redis.UniversalClient)) {
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		f(t, NewMemoryStore(retention, nil), nil)
	})
	t.Run("redis", func(t *testing.T) {
		t.Parallel()
		srv := redistest.Start(t)
		rc := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Addr()})
		t.Cleanup(func() { _ = rc.Close() })
		rs, err := NewRedisStore(rc, RedisConfig{Prefix: "t", Retention: retention})
		if err != nil {
			t.Fatal(err)
		}
		f(t, rs, rc)
	})
}

func msg(id uint64, group uint32, who, text string, at time.Time) Message {
	return Message{ID: id, Channel: protocol.ChannelClass, Group: group, Avatar: uint32(id), Name: who, Who: who, Text: text, AtMs: at.UnixMilli()}
}

// A class history keeps the 50 latest, oldest first, of its class only;
// a removal and an erasure take messages out.
func TestStoreClassHistory(t *testing.T) {
	t.Parallel()
	eachStore(t, time.Hour, func(t *testing.T, s Store, _ redis.UniversalClient) {
		ctx := context.Background()
		now := time.Now()
		for i := range 60 {
			who := "lea"
			if i%2 == 1 {
				who = "tom"
			}
			if err := s.AppendClass(ctx, msg(uint64(i+1), 7, who, fmt.Sprint("m", i), now.Add(time.Duration(i)*time.Millisecond))); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.AppendClass(ctx, msg(100, 8, "zoe", "autre", now)); err != nil {
			t.Fatal(err)
		}
		h, err := s.ClassHistory(ctx, 7, now.Add(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != HistoryLen || h[0].Text != "m10" || h[49].Text != "m59" {
			t.Fatalf("history of %d, from %q to %q", len(h), h[0].Text, h[len(h)-1].Text)
		}
		if err := s.RemoveClass(ctx, 7, 60); err != nil { // m59
			t.Fatal(err)
		}
		if err := s.EraseWho(ctx, "lea"); err != nil {
			t.Fatal(err)
		}
		h, _ = s.ClassHistory(ctx, 7, now.Add(time.Second))
		if len(h) != 24 { // tom's of m10..m57
			t.Fatalf("%d messages left, want 24", len(h))
		}
		for _, m := range h {
			if m.Who != "tom" || m.ID == 60 {
				t.Fatalf("left %+v", m)
			}
		}
		if o, _ := s.ClassHistory(ctx, 8, now); len(o) != 1 || o[0].Text != "autre" {
			t.Fatalf("class 8: %+v", o)
		}
	})
}

// A message is kept for the retention, not beyond; Redis's key goes with
// its last message.
func TestStoreRetention(t *testing.T) {
	t.Parallel()
	eachStore(t, 300*time.Millisecond, func(t *testing.T, s Store, rc redis.UniversalClient) {
		ctx := context.Background()
		now := time.Now()
		if err := s.AppendClass(ctx, msg(1, 3, "lea", "vieux", now)); err != nil {
			t.Fatal(err)
		}
		if h, _ := s.ClassHistory(ctx, 3, now.Add(100*time.Millisecond)); len(h) != 1 {
			t.Fatalf("within the retention: %d messages", len(h))
		}
		if h, _ := s.ClassHistory(ctx, 3, now.Add(301*time.Millisecond)); len(h) != 0 {
			t.Fatalf("after the retention: %+v", h)
		}
		if rc == nil {
			return
		}
		deadline := time.Now().Add(10 * time.Second)
		for rc.Exists(ctx, "t:chat:class:3").Val() != 0 {
			if time.Now().After(deadline) {
				t.Fatal("the class key outlived its retention")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// Reports stay until closed, latest first; mutes end, bans hold; class
// settings and the audit log are kept.
func TestStoreReportsStateAudit(t *testing.T) {
	t.Parallel()
	eachStore(t, time.Hour, func(t *testing.T, s Store, _ redis.UniversalClient) {
		ctx := context.Background()
		now := time.Now()
		for i := range 3 {
			r := Report{ID: uint64(i + 1), AtMs: now.Add(time.Duration(i) * time.Second).UnixMilli(), Name: "tom",
				Evidence: []Message{msg(uint64(10+i), 1, "tom", "preuve", now)}}
			if err := s.SaveReport(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.CloseReport(ctx, 2); err != nil {
			t.Fatal(err)
		}
		rs, err := s.OpenReports(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 2 || rs[0].ID != 3 || rs[1].ID != 1 || rs[0].Evidence[0].Text != "preuve" {
			t.Fatalf("open reports %+v", rs)
		}
		if err := s.SetMute(ctx, "tom", now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.SetMute(ctx, "zoe", now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.SetMute(ctx, "zoe", time.Time{}); err != nil { // unmuted
			t.Fatal(err)
		}
		if err := s.SetBan(ctx, "max", "prog-1", now.Add(BanFor)); err != nil {
			t.Fatal(err)
		}
		if err := s.SetClass(ctx, 4, ClassSettings{Off: true}); err != nil {
			t.Fatal(err)
		}
		st, err := s.State(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		_, tom := st.Mutes[WhoKey("tom")]
		_, zoe := st.Mutes[WhoKey("zoe")]
		_, max := st.Bans[WhoKey("max")]
		_, prog := st.Bans[ProgressKey("prog-1")]
		if !tom || zoe || !max || !prog || !st.Classes[4].Off {
			t.Fatalf("state %+v", st)
		}
		if st, _ := s.State(ctx, now.Add(2*time.Hour)); len(st.Mutes) != 0 || len(st.Bans) != 2 {
			t.Fatalf("two hours later: %+v", st)
		}
		for i := range 3 {
			if err := s.Audit(ctx, AuditEntry{AtMs: int64(i), Actor: "mod", Action: protocol.ModMute, Target: "tom"}); err != nil {
				t.Fatal(err)
			}
		}
		log, err := s.AuditLog(ctx, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(log) != 2 || log[0].AtMs != 2 || log[1].AtMs != 1 {
			t.Fatalf("audit log %+v", log)
		}
	})
}
