package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/staff"
)

// -staff-key (or FAIR_STAFF_KEY) turns staff sign-in on with the public
// key's file; a bad key is refused at start, naming where it came from.
func TestStaffKeyFlag(t *testing.T) {
	dir := t.TempDir()
	privPEM, pubPEM, err := staff.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pubPath := filepath.Join(dir, "k.pub")
	if err := os.WriteFile(pubPath, pubPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"-staff-key", filepath.Join(dir, "none.pub")}, nil, "-staff-key"},
		{nil, map[string]string{"FAIR_STAFF_KEY": string(privPEM)}, "FAIR_STAFF_KEY"},
	} {
		var sb strings.Builder
		err := run(ctx, append([]string{"-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0"}, c.args...), func(k string) string { return c.env[k] }, &sb)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %v: %v, want an error naming %s", c.args, c.env, err, c.want)
		}
	}

	_, addr := startProcess(t, "-staff-key", pubPath)
	priv, _ := staff.ParsePrivateKey(privPEM)
	tok, _ := staff.Issue(priv, staff.Staff{ID: "t-1", Role: protocol.RoleTeacher, Name: "Mme Durand", Expires: time.Now().Add(time.Hour)}, time.Now())
	tctx, tcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer tcancel()
	tk, err := client.StaffTicket(tctx, http.DefaultClient, "http://"+addr, tok)
	if err != nil || tk.Role != "teacher" {
		t.Fatalf("ticket %+v: %v", tk, err)
	}
	c, err := client.Dial(tctx, "ws://"+addr+"/ws", client.Options{StaffTicket: tk.Ticket})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Welcome().Pseudonym != "Mme Durand" {
		t.Errorf("welcomed as %q", c.Welcome().Pseudonym)
	}
}
