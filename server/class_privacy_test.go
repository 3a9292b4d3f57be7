package server_test

import (
	"context"
	"strings"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/staff"
)

// privacyClass is TestPrivacyKeys's class step: a teacher signs in with a
// staff ticket, creates a class, gives it a route and gathers it; b (who
// has a progress key) joins with the code; an organiser revokes a token.
// Every class and staff key of docs/PRIVACY.md is written.
func privacyClass(p *privacyRun) {
	t := p.t
	n0 := p.nodes["n0"].Instance
	tc, tl := signIn(t, n0, n0, p.keys.token(t, protocol.RoleTeacher, "Mme Durand"))
	p.clients["teacher"], p.logs["teacher"] = tc, tl
	info := newClass(t, tc, tl, "4e B Jules Verne")
	req, _ := tc.SetRoute(info.Class, "innovation")
	waitClass(t, tl, req)
	b, bl := p.clients["b"], p.logs["b"]
	req, _ = b.JoinClass(info.Code)
	waitClass(t, bl, req)
	req, _ = tc.Order(info.Class, protocol.OrderGather, 0)
	waitEv(t, tl, 0, "the gather's answer", func(e protocol.ClassOrderEvent) bool { return e.Req == req })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := staff.NewRedisDenylist(p.rc, p.prefix, 0).Revoke(ctx, "privacy-test-jti", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
}

// privacyClassErased checks, after b's erasure, that no class key keeps
// b: no member-of key is left (b was the only pupil) and no class's
// member list names b's pseudonym.
func privacyClassErased(p *privacyRun) {
	ctx := context.Background()
	mustWait(p.t, 10*time.Second, "b's membership erased", func() bool {
		of, err := p.rc.Keys(ctx, p.prefix+":{class}:of:*").Result()
		if err != nil || len(of) > 0 {
			return false
		}
		lists, err := p.rc.Keys(ctx, p.prefix+":{class}:m:*").Result()
		if err != nil {
			return false
		}
		for _, k := range lists {
			vals, err := p.rc.HVals(ctx, k).Result()
			if err != nil {
				return false
			}
			for _, v := range vals {
				if strings.Contains(v, p.bname) {
					return false
				}
			}
		}
		return true
	})
}
