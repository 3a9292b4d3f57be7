package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/internal/redistest"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/feed"
	"github.com/usine-extraordinaire/fairworld/server/staff"
)

// TestKeygenIssueRevoke: the key pair the command writes signs tokens the
// nodes' verifier accepts, until the command revokes them.
func TestKeygenIssueRevoke(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := filepath.Join(dir, "k")
	var out, errb bytes.Buffer
	if err := run([]string{"keygen", "-out", base}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(base + ".key"); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("private key file: %v, %v", st, err)
	}
	if err := run([]string{"keygen", "-out", base}, &out, &errb); err == nil {
		t.Error("keygen replaced existing keys without -force")
	}
	out.Reset()
	errb.Reset()
	if err := run([]string{"issue", "-key", base + ".key", "-role", "teacher", "-id", "t-1", "-name", "Mme Durand", "-ttl", "1h", "-jti", "j-42", "-base", "https://fair.test/"}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	tok := strings.TrimSpace(out.String())
	if !strings.Contains(errb.String(), "#staff="+tok) || !strings.Contains(errb.String(), "jti j-42") {
		t.Errorf("issue's stderr: %q", errb.String())
	}
	pub, err := staff.LoadPublicKey(base + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	srv := redistest.Start(t)
	rc, err := feed.NewRedisClient(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rc.Close() })
	v, _ := staff.NewVerifier(pub, staff.NewRedisDenylist(rc, "fair", 0), nil)
	s, err := v.Verify(context.Background(), tok)
	if err != nil || s.Role != protocol.RoleTeacher || s.Name != "Mme Durand" || s.ID != "t-1" || s.JTI != "j-42" {
		t.Fatalf("Verify = %+v, %v", s, err)
	}
	if time.Until(s.Expires) > time.Hour || time.Until(s.Expires) < 59*time.Minute {
		t.Errorf("expires %v", s.Expires)
	}
	for _, bad := range [][]string{
		{"issue", "-key", base + ".key", "-role", "pupil", "-id", "x", "-name", "A"},
		{"issue", "-key", base + ".key", "-role", "professional", "-id", "x", "-name", "A"},
		{"issue", "-key", base + ".pub", "-role", "teacher", "-id", "x", "-name", "A"},
		{"issue", "-key", base + ".key", "-role", "teacher", "-id", "x", "-name", "A", "-ttl", "-1h"},
	} {
		if err := run(bad, &out, &errb); err == nil {
			t.Errorf("%v succeeded", bad)
		}
	}
	out.Reset()
	if err := run([]string{"revoke", "-redis", srv.URL(), "-jti", "j-42"}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(context.Background(), tok); !errors.Is(err, staff.ErrRevoked) {
		t.Errorf("after revoke: %v", err)
	}
}
