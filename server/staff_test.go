package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
	"github.com/usine-extraordinaire/fairworld/server/staff"
)

// postTicket posts to the ticket endpoint with an Authorization header
// (none when auth is "") and returns the status and the JSON's error code.
func postTicket(t *testing.T, in *servertest.Instance, method, auth string) (int, string, client.Ticket) {
	t.Helper()
	rq, _ := http.NewRequest(method, in.HTTP+"/api/staff/ticket", nil)
	if auth != "" {
		rq.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(rq)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" && resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("Cache-Control %q", cc)
	}
	var e struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	var tk client.Ticket
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(b, &tk); err != nil {
			t.Fatalf("200 answer %q: %v", b, err)
		}
		return resp.StatusCode, "", tk
	}
	if err := json.Unmarshal(b, &e); err != nil && method != http.MethodPut {
		t.Fatalf("error answer %q is not JSON: %v", b, err)
	}
	if e.Error != "" && e.Message == "" {
		t.Errorf("%s: no French message", e.Error)
	}
	return resp.StatusCode, e.Error, tk
}

// TestStaffTicket: the ticket endpoint refuses every bad token with its
// typed JSON error, and a good one's ticket signs the staff member in
// once, with the token's role and name.
func TestStaffTicket(t *testing.T) {
	t.Parallel()
	keys := newStaffKeys(t)
	in := servertest.Start(t, keys.configure)
	sign := func(m jwt.SigningMethod, key any, c jwt.MapClaims) string {
		tok, err := jwt.NewWithClaims(m, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	claims := func(k string, v any) jwt.MapClaims {
		c := jwt.MapClaims{"sub": "t-9", "role": "teacher", "name": "Mme Durand", "jti": "j-9", "exp": time.Now().Add(time.Hour).Unix()}
		c[k] = v
		return c
	}
	otherPriv := newStaffKeys(t).priv
	for _, c := range []struct {
		name, auth string
		status     int
		code       string
	}{
		{"no header", "", 401, "no_token"},
		{"not bearer", "Basic dXNlcjpwYXNz", 401, "no_token"},
		{"empty bearer", "Bearer ", 401, "no_token"},
		{"garbage", "Bearer abc.def.ghi", 401, "bad_token"},
		{"alg none", "Bearer " + sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims("x", 1)), 401, "bad_token"},
		{"HS256 keyed with the public key", "Bearer " + sign(jwt.SigningMethodHS256, []byte(keys.pub), claims("x", 1)), 401, "bad_token"},
		{"another key", "Bearer " + sign(jwt.SigningMethodEdDSA, otherPriv, claims("x", 1)), 401, "bad_token"},
		{"expired", "Bearer " + sign(jwt.SigningMethodEdDSA, keys.priv, claims("exp", time.Now().Add(-time.Minute).Unix())), 401, "token_expired"},
		{"pupil role", "Bearer " + sign(jwt.SigningMethodEdDSA, keys.priv, claims("role", "pupil")), 403, "wrong_role"},
	} {
		if status, code, _ := postTicket(t, in, http.MethodPost, c.auth); status != c.status || code != c.code {
			t.Errorf("%s: %d %q, want %d %q", c.name, status, code, c.status, c.code)
		}
	}
	if status, code, _ := postTicket(t, in, http.MethodGet, ""); status != 405 || code != "method_not_allowed" {
		t.Errorf("GET: %d %q", status, code)
	}

	// Revoked: refused from then on.
	revokedTok := sign(jwt.SigningMethodEdDSA, keys.priv, claims("jti", "j-revoked"))
	if status, _, _ := postTicket(t, in, http.MethodPost, "Bearer "+revokedTok); status != 200 {
		t.Fatalf("before the revocation: %d", status)
	}
	if err := in.Config().Classes.Denylist.Revoke(context.Background(), "j-revoked", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if status, code, _ := postTicket(t, in, http.MethodPost, "Bearer "+revokedTok); status != 401 || code != "token_revoked" {
		t.Errorf("revoked: %d %q", status, code)
	}

	// A good token: a ticket of at most 64 bytes, good for one HELLO.
	tok := keys.token(t, protocol.RoleTeacher, "Mme  Durand")
	status, _, tk := postTicket(t, in, http.MethodPost, "Bearer "+tok)
	if status != 200 || len(tk.Ticket) > protocol.MaxTicketBytes || len(tk.Ticket) < 32 || tk.Role != "teacher" || tk.RoleCode != 2 || tk.Name != "Mme  Durand" || tk.ExpiresIn != 60 {
		t.Fatalf("ticket %d %+v", status, tk)
	}
	c := dial(t, in, client.Options{StaffTicket: tk.Ticket, EventBuffer: 1024})
	l := collect(t, c)
	role := waitEv(t, l, 0, "ROLE", func(e protocol.RoleEvent) bool { return true })
	if role.Role != protocol.RoleTeacher || role.Name != "Mme Durand" || c.Welcome().Pseudonym != "Mme Durand" {
		t.Errorf("ROLE %+v, WELCOME pseudonym %q", role, c.Welcome().Pseudonym)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, ticket := range []string{tk.Ticket, "unknownticketunknownticketunknown"} {
		_, err := client.Dial(ctx, in.URL, client.Options{StaffTicket: ticket})
		if code := client.CodeOf(err); code != protocol.CloseStaffRefused {
			t.Errorf("ticket %q again: %v, want 4018", ticket[:8], err)
		}
	}
	// The token is never accepted in the URL.
	if status, code, _ := postTicket(t, in, http.MethodPost, ""); status != 401 || code != "no_token" {
		t.Errorf("no header: %d %q", status, code)
	}
	resp, err := http.Post(in.HTTP+"/api/staff/ticket?token="+tok, "", nil)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Errorf("a token in the URL: %d", resp.StatusCode)
		}
	}
}

// TestStaffDisabledAndRate: a node without a key signs nobody in (404,
// 4018); the endpoint's rate limit answers 429.
func TestStaffDisabledAndRate(t *testing.T) {
	t.Parallel()
	off := servertest.Start(t, func(cfg *server.Config) { cfg.Classes.TicketRate, cfg.Classes.TicketBurst = 0.5, 3 })
	if status, code, _ := postTicket(t, off, http.MethodPost, "Bearer x"); status != 404 || code != "staff_disabled" {
		t.Errorf("no staff key: %d %q", status, code)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := client.Dial(ctx, off.URL, client.Options{StaffTicket: "x"}); client.CodeOf(err) != protocol.CloseStaffRefused {
		t.Errorf("a ticket on a node without a key: %v", err)
	}
	limited := 0
	for range 10 {
		if status, code, _ := postTicket(t, off, http.MethodPost, "Bearer x"); status == 429 && code == "rate_limited" {
			limited++
		}
	}
	if limited < 6 {
		t.Errorf("%d of 10 rate-limited, want at least 6 (burst 3)", limited)
	}
}

// TestStaffRevokedSession: a staff session whose token is revoked is
// closed with 4019 by the sweep.
func TestStaffRevokedSession(t *testing.T) {
	t.Parallel()
	keys := newStaffKeys(t)
	in := servertest.Start(t, func(cfg *server.Config) {
		keys.configure(cfg)
		cfg.Classes.RevokeEvery = 100 * time.Millisecond
	})
	s := staff.Staff{ID: "m-1", Role: protocol.RoleModerator, Name: "Modération", JTI: "j-mod", Expires: time.Now().Add(time.Hour)}
	tok, _ := staff.Issue(keys.priv, s, time.Now())
	c, l := signIn(t, in, in, tok)
	if r := waitEv(t, l, 0, "ROLE", func(e protocol.RoleEvent) bool { return true }); r.Role != protocol.RoleModerator {
		t.Fatalf("ROLE %+v", r)
	}
	_ = in.Config().Classes.Denylist.Revoke(context.Background(), "j-mod", time.Now().Add(time.Hour))
	select {
	case <-c.Done():
	case <-time.After(15 * time.Second):
		t.Fatal("the revoked session is still open")
	}
	var ce *client.CloseError
	if !errors.As(c.Err(), &ce) || ce.Code != protocol.CloseStaffRevoked || !strings.Contains(ce.Reason, "retiré") {
		t.Fatalf("closed with %v", c.Err())
	}
}
