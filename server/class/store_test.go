package class

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/usine-extraordinaire/fairworld/internal/redistest"
)

func stores(t *testing.T) map[string]func() Store {
	return map[string]func() Store{
		"memory": func() Store { return NewMemoryStore(nil) },
		"redis": func() Store {
			srv := redistest.Start(t)
			rc := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Addr()})
			t.Cleanup(func() { _ = rc.Close() })
			s, err := NewRedis(rc, RedisConfig{Prefix: "test"})
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	}
}

func TestStore(t *testing.T) {
	t.Parallel()
	for name, mk := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := mk()
			ctx := context.Background()
			c, err := s.Create(ctx, Class{Name: "4e B", Level: "4e", Teacher: "t-1", TeacherName: "Mme Durand"})
			if err != nil {
				t.Fatal(err)
			}
			if c.ID == 0 || NormaliseCode(c.Code) != c.Code || c.Created == 0 {
				t.Fatalf("created %+v", c)
			}
			c2, _ := s.Create(ctx, Class{Name: "3e A", Level: "3e", Teacher: "t-1"})
			other, _ := s.Create(ctx, Class{Name: "5e", Level: "5e", Teacher: "t-2"})
			if c2.ID == c.ID || c2.Code == c.Code || other.ID == c2.ID {
				t.Fatal("ids or codes repeat")
			}
			got, err := s.ByCode(ctx, c.Code)
			if err != nil || got.Name != "4e B" || got.Teacher != "t-1" || got.TeacherName != "Mme Durand" || got.Level != "4e" {
				t.Fatalf("ByCode = %+v, %v", got, err)
			}
			if _, err := s.ByCode(ctx, "AAAAAAAA"); !errors.Is(err, ErrNotFound) {
				t.Errorf("unknown code: %v", err)
			}
			if _, err := s.Get(ctx, 999); !errors.Is(err, ErrNotFound) {
				t.Errorf("unknown id: %v", err)
			}
			mine, err := s.Teacher(ctx, "t-1")
			if err != nil || len(mine) != 2 || mine[0].ID != c.ID || mine[1].ID != c2.ID {
				t.Fatalf("Teacher = %+v, %v", mine, err)
			}

			c.Route, c.Steps, c.RouteGen, c.Closed, c.PausedUntil, c.Following = "innovation", []string{"h-001", "h-002"}, 3, true, 1234, true
			if err := s.Update(ctx, c); err != nil {
				t.Fatal(err)
			}
			got, _ = s.Get(ctx, c.ID)
			if got.Route != "innovation" || strings.Join(got.Steps, ",") != "h-001,h-002" || got.RouteGen != 3 || !got.Closed || got.PausedUntil != 1234 || !got.Following || got.Code != c.Code {
				t.Errorf("after Update: %+v", got)
			}

			m1, err := s.Join(ctx, c.ID, "p1", "Léa")
			if err != nil || m1.Number != 1 {
				t.Fatalf("Join = %+v, %v", m1, err)
			}
			m2, _ := s.Join(ctx, c.ID, "p2", "Tom")
			if m2.Number != 2 {
				t.Fatalf("second member %+v", m2)
			}
			again, err := s.Join(ctx, c.ID, "p1", "Léa Rose")
			if err != nil || again.Number != 1 || again.Name != "Léa Rose" {
				t.Fatalf("Join again = %+v, %v", again, err)
			}
			if _, err := s.Join(ctx, other.ID, "p1", "Léa"); !errors.Is(err, ErrMember) {
				t.Errorf("a member joins another class: %v", err)
			}
			if err := s.SetSteps(ctx, c.ID, "p1", 3, 1<<63|5); err != nil {
				t.Fatal(err)
			}
			mb, err := s.Membership(ctx, "p1")
			if err != nil || mb.Class != c.ID || mb.Number != 1 || mb.RouteGen != 3 || mb.Steps != 1<<63|5 || mb.Name != "Léa Rose" {
				t.Fatalf("Membership = %+v, %v", mb, err)
			}
			ms, err := s.Members(ctx, c.ID)
			if err != nil || len(ms) != 2 || ms[0].Progress != "p1" || ms[1].Progress != "p2" {
				t.Fatalf("Members = %+v, %v", ms, err)
			}
			if err := s.Leave(ctx, c.ID, "p2"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Membership(ctx, "p2"); !errors.Is(err, ErrNotFound) {
				t.Errorf("after Leave: %v", err)
			}
			if m, err := s.Join(ctx, other.ID, "p2", "Tom"); err != nil || m.Number != 1 {
				t.Errorf("join another class after leaving: %+v, %v", m, err)
			}
			if _, err := s.Membership(ctx, "nobody"); !errors.Is(err, ErrNotFound) {
				t.Errorf("no membership: %v", err)
			}
		})
	}
}

// TestStoreLimits: 60 pupils a class, 20 classes a teacher, also when
// they come at once.
func TestStoreLimits(t *testing.T) {
	t.Parallel()
	for name, mk := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := mk()
			ctx := context.Background()
			c, _ := s.Create(ctx, Class{Name: "A", Level: "4e", Teacher: "t-1"})
			var wg sync.WaitGroup
			var mu sync.Mutex
			full, joined := 0, map[uint32]bool{}
			for i := range MaxPupils + 10 {
				wg.Go(func() {
					m, err := s.Join(ctx, c.ID, fmt.Sprint("p", i), "x")
					mu.Lock()
					defer mu.Unlock()
					switch {
					case errors.Is(err, ErrFull):
						full++
					case err != nil:
						t.Error(err)
					default:
						joined[m.Number] = true
					}
				})
			}
			wg.Wait()
			if full != 10 || len(joined) != MaxPupils {
				t.Errorf("%d full, %d distinct numbers", full, len(joined))
			}
			for range MaxClasses + 3 {
				wg.Go(func() { _, _ = s.Create(ctx, Class{Name: "B", Level: "4e", Teacher: "t-2"}) })
			}
			wg.Wait()
			if cs, _ := s.Teacher(ctx, "t-2"); len(cs) != MaxClasses {
				t.Errorf("%d classes for one teacher", len(cs))
			}
			if _, err := s.Create(ctx, Class{Name: "B", Level: "4e", Teacher: "t-2"}); !errors.Is(err, ErrTooMany) {
				t.Errorf("class %d: %v", MaxClasses+1, err)
			}
		})
	}
}

func TestRedisUnavailable(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	rc := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Addr(), MaxRetries: -1})
	t.Cleanup(func() { _ = rc.Close() })
	s, _ := NewRedis(rc, RedisConfig{})
	srv.Kill()
	ctx := context.Background()
	if _, err := s.Create(ctx, Class{Teacher: "t"}); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Create: %v", err)
	}
	if _, err := s.ByCode(ctx, "ACDEFGHJ"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("ByCode: %v", err)
	}
	if _, err := s.Membership(ctx, "p"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Membership: %v", err)
	}
}

func TestCodes(t *testing.T) {
	t.Parallel()
	if len(Alphabet) != 20 {
		t.Fatalf("alphabet of %d", len(Alphabet))
	}
	for _, r := range "BILOSZ0123456789" {
		if strings.ContainsRune(Alphabet, r) {
			t.Errorf("%c in the alphabet", r)
		}
	}
	seen := map[string]bool{}
	counts := map[rune]int{}
	for range 2000 {
		c := NewCode()
		if len(c) != CodeLen || NormaliseCode(c) != c {
			t.Fatalf("code %q", c)
		}
		seen[c] = true
		for _, r := range c {
			counts[r]++
		}
	}
	if len(seen) < 1999 || len(counts) != 20 {
		t.Errorf("%d distinct codes of 2000, %d letters used", len(seen), len(counts))
	}
	for in, want := range map[string]string{
		"KXWPDMTA": "KXWPDMTA", "kxwp dmta": "KXWPDMTA", "KXWP-DMTA": "KXWPDMTA", " k x w p d m t a ": "KXWPDMTA",
		"KXWPDMT": "", "KXWPDMTAA": "", "KXWPDMT0": "", "KXWPDMTB": "", "KXWPDMTÉ": "", "": "",
	} {
		if got := NormaliseCode(in); got != want {
			t.Errorf("NormaliseCode(%q) = %q, want %q", in, got, want)
		}
	}
}
