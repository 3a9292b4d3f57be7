package staff

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/redis/go-redis/v9"

	"github.com/usine-extraordinaire/fairworld/internal/redistest"
	"github.com/usine-extraordinaire/fairworld/protocol"
)

var t0 = time.Date(2021, 11, 22, 9, 0, 0, 0, time.UTC)

func keyPair(t *testing.T) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return pub, priv
}

func teacher() Staff {
	return Staff{ID: "t-0042", Role: protocol.RoleTeacher, Name: "Mme Durand", JTI: "j-1", Expires: t0.Add(12 * time.Hour)}
}

// rawClaims are the claims of a well-formed teacher's token, for tokens
// made by hand (other algorithms, missing claims).
func rawClaims() jwt.MapClaims {
	return jwt.MapClaims{"sub": "t-0042", "role": "teacher", "name": "Mme Durand", "jti": "j-1",
		"iat": t0.Unix(), "exp": t0.Add(time.Hour).Unix()}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	pub, priv := keyPair(t)
	_, otherPriv := keyPair(t)
	deny := NewMemoryDenylist(func() time.Time { return t0 })
	now := t0
	v, err := NewVerifier(pub, deny, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	good, err := Issue(priv, teacher(), t0)
	if err != nil {
		t.Fatal(err)
	}
	s, err := v.Verify(ctx, good)
	if err != nil {
		t.Fatalf("a good token refused: %v", err)
	}
	if s.ID != "t-0042" || s.Role != protocol.RoleTeacher || s.Name != "Mme Durand" || s.JTI != "j-1" || !s.Expires.Equal(t0.Add(12*time.Hour)) {
		t.Errorf("Verify = %+v", s)
	}
	pro := Staff{ID: "p-7", Role: protocol.RoleProfessional, Name: "Inès", Booth: "b-07", Expires: t0.Add(time.Hour)}
	proTok, err := Issue(priv, pro, t0)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := v.Verify(ctx, proTok); err != nil || s.Booth != "b-07" || s.Role != protocol.RoleProfessional || s.JTI == "" {
		t.Errorf("professional: %+v, %v", s, err)
	}

	sign := func(m jwt.SigningMethod, key any, c jwt.MapClaims) string {
		t.Helper()
		tok, err := jwt.NewWithClaims(m, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	with := func(k string, val any) jwt.MapClaims {
		c := rawClaims()
		if val == nil {
			delete(c, k)
		} else {
			c[k] = val
		}
		return c
	}
	pubPEM := func() []byte { _, p, _ := GenerateKey(); return p }() // any PEM public key text
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + strings.TrimRight(parts[1], "A") + "B." + parts[2]

	for _, c := range []struct {
		name  string
		token string
		want  *Error
	}{
		{"empty", "", ErrNoToken},
		{"not a JWT", "hello", ErrBadToken},
		{"too large", strings.Repeat("a", MaxTokenBytes+1), ErrBadToken},
		{"alg none", sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, rawClaims()), ErrBadToken},
		{"HS256 with the public key as secret", sign(jwt.SigningMethodHS256, []byte(pub), rawClaims()), ErrBadToken},
		{"HS256 with a PEM public key as secret", sign(jwt.SigningMethodHS256, pubPEM, rawClaims()), ErrBadToken},
		{"signed by another key", sign(jwt.SigningMethodEdDSA, otherPriv, rawClaims()), ErrBadToken},
		{"payload changed after signing", tampered, ErrBadToken},
		{"signature cut", parts[0] + "." + parts[1] + ".", ErrBadToken},
		{"expired", sign(jwt.SigningMethodEdDSA, priv, with("exp", t0.Add(-time.Second).Unix())), ErrExpired},
		{"no expiry", sign(jwt.SigningMethodEdDSA, priv, with("exp", nil)), ErrBadToken},
		{"not yet valid", sign(jwt.SigningMethodEdDSA, priv, with("nbf", t0.Add(time.Hour).Unix())), ErrBadToken},
		{"no jti", sign(jwt.SigningMethodEdDSA, priv, with("jti", nil)), ErrBadToken},
		{"no sub", sign(jwt.SigningMethodEdDSA, priv, with("sub", nil)), ErrBadToken},
		{"a sub that is no id", sign(jwt.SigningMethodEdDSA, priv, with("sub", "a b:c")), ErrBadToken},
		{"no name", sign(jwt.SigningMethodEdDSA, priv, with("name", nil)), ErrBadToken},
		{"visitor role", sign(jwt.SigningMethodEdDSA, priv, with("role", "visitor")), ErrWrongRole},
		{"pupil role", sign(jwt.SigningMethodEdDSA, priv, with("role", "pupil")), ErrWrongRole},
		{"no role", sign(jwt.SigningMethodEdDSA, priv, with("role", nil)), ErrWrongRole},
		{"professional without booth", sign(jwt.SigningMethodEdDSA, priv, with("role", "professional")), ErrBadToken},
		{"teacher with a booth", sign(jwt.SigningMethodEdDSA, priv, with("booth", "b-01")), ErrBadToken},
	} {
		_, err := v.Verify(ctx, c.token)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %s", c.name, err, c.want.Code)
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: untyped error %v", c.name, err)
		}
	}

	// Revoked: refused from then on, on this list.
	if err := deny.Revoke(ctx, "j-1", t0.Add(12*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(ctx, good); !errors.Is(err, ErrRevoked) {
		t.Errorf("revoked: got %v", err)
	}
	if _, err := v.Verify(ctx, proTok); err != nil {
		t.Errorf("another token after a revocation: %v", err)
	}
	// Expiry follows the verifier's clock.
	now = t0.Add(2 * time.Hour)
	if _, err := v.Verify(ctx, proTok); !errors.Is(err, ErrExpired) {
		t.Errorf("expired by the clock: got %v", err)
	}
}

func TestIssueRefuses(t *testing.T) {
	t.Parallel()
	_, priv := keyPair(t)
	for _, s := range []Staff{
		{ID: "x", Role: protocol.RoleVisitor, Name: "A", Expires: t0.Add(time.Hour)},
		{ID: "x", Role: protocol.RolePupil, Name: "A", Expires: t0.Add(time.Hour)},
		{ID: "x", Role: protocol.RoleTeacher, Name: "A", Expires: t0},
		{ID: "x y", Role: protocol.RoleTeacher, Name: "A", Expires: t0.Add(time.Hour)},
		{ID: "x", Role: protocol.RoleTeacher, Expires: t0.Add(time.Hour)},
		{ID: "x", Role: protocol.RoleProfessional, Name: "A", Expires: t0.Add(time.Hour)},
	} {
		if _, err := Issue(priv, s, t0); err == nil {
			t.Errorf("Issue(%+v) succeeded", s)
		}
	}
}

func TestKeysPEM(t *testing.T) {
	t.Parallel()
	privPEM, pubPEM, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	priv, err := ParsePrivateKey(privPEM)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ParsePublicKey(pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Equal(priv.Public()) {
		t.Fatal("the key pair does not match")
	}
	if _, err := ParsePublicKey(privPEM); err == nil {
		t.Error("a private key read as a public one")
	}
	if _, err := ParsePrivateKey([]byte("nothing")); err == nil {
		t.Error("no PEM read as a key")
	}
}

// ticketsCase checks a Tickets: one use, then refused; unknown refused.
func ticketsCase(t *testing.T, ts Tickets) {
	ctx := context.Background()
	tk, err := ts.Issue(ctx, teacher())
	if err != nil {
		t.Fatal(err)
	}
	if len(tk) > protocol.MaxTicketBytes || len(tk) < 32 {
		t.Fatalf("ticket %q: %d bytes", tk, len(tk))
	}
	s, err := ts.Redeem(ctx, tk)
	if err != nil {
		t.Fatal(err)
	}
	if want := teacher(); s.ID != want.ID || s.Role != want.Role || s.Name != want.Name || s.JTI != want.JTI || !s.Expires.Equal(want.Expires) {
		t.Errorf("Redeem = %+v, want %+v", s, want)
	}
	if _, err := ts.Redeem(ctx, tk); !errors.Is(err, ErrBadTicket) {
		t.Errorf("second use: %v", err)
	}
	if _, err := ts.Redeem(ctx, "unknown"); !errors.Is(err, ErrBadTicket) {
		t.Errorf("unknown: %v", err)
	}
}

func TestMemoryTickets(t *testing.T) {
	t.Parallel()
	now := t0
	ts := NewMemoryTickets(func() time.Time { return now })
	ticketsCase(t, ts)
	tk, _ := ts.Issue(context.Background(), teacher())
	now = now.Add(TicketTTL)
	if _, err := ts.Redeem(context.Background(), tk); !errors.Is(err, ErrBadTicket) {
		t.Errorf("expired ticket: %v", err)
	}
}

func TestRedis(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	rc := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Addr()})
	t.Cleanup(func() { _ = rc.Close() })
	ctx := context.Background()

	ts := NewRedisTickets(rc, "test", 0)
	ticketsCase(t, ts)
	tk, _ := ts.Issue(ctx, teacher())
	if ttl := rc.TTL(ctx, ts.key(tk)).Val(); ttl <= 0 || ttl > TicketTTL {
		t.Errorf("ticket TTL %v", ttl)
	}
	if n := rc.Exists(ctx, "test:staff:ticket:"+tk).Val(); n != 0 {
		t.Error("the ticket itself is a key")
	}

	// Denylist: two nodes' lists on one Redis agree.
	a, b := NewRedisDenylist(rc, "test", 0), NewRedisDenylist(rc, "test", 0)
	if r, err := b.Revoked(ctx, "j-9"); err != nil || r {
		t.Fatalf("Revoked before = %v, %v", r, err)
	}
	if err := a.Revoke(ctx, "j-9", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if r, err := b.Revoked(ctx, "j-9"); err != nil || !r {
		t.Fatalf("Revoked after = %v, %v", r, err)
	}

	// Redis away: typed errors, not a pass.
	srv.Kill()
	if _, err := ts.Issue(ctx, teacher()); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Issue with Redis down: %v", err)
	}
	if _, err := b.Revoked(ctx, "j-9"); err == nil {
		t.Error("Revoked with Redis down: no error")
	}
}

func TestVerifierDenylistDown(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	rc := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Addr(), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = rc.Close() })
	pub, priv := keyPair(t)
	v, _ := NewVerifier(pub, NewRedisDenylist(rc, "test", 300*time.Millisecond), nil)
	s := teacher()
	s.Expires = time.Now().Add(time.Hour)
	tok, _ := Issue(priv, s, time.Now())
	if _, err := v.Verify(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	srv.Kill()
	if _, err := v.Verify(context.Background(), tok); !errors.Is(err, ErrUnavailable) {
		t.Errorf("denylist down: %v, want unavailable (never a pass)", err)
	}
}
