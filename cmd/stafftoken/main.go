// Command stafftoken is the organisers' tool for staff sign-in
// (docs/PROTOCOL.md §3, "Staff sign-in"). It holds the private key; the
// nodes only the public one (fairserver -staff-key), so no node can mint a
// token.
//
//	stafftoken keygen -out fair-staff          # writes fair-staff.key (private, 0600) and fair-staff.pub
//	stafftoken issue -key fair-staff.key -role teacher -id t-0042 -name "Mme Durand" -ttl 720h
//	stafftoken issue -key fair-staff.key -role professional -id p-07 -name "Inès" -booth b-07 -ttl 72h
//	stafftoken revoke -redis redis://host:6379 -jti <jti> [-until 2021-12-31T23:59:59Z]
//
// issue prints the token, then (on stderr) its jti and expiry and the link
// a teacher opens (-base https://fair.example/ adds it: base#staff=token).
// revoke adds a jti to the denylist every node reads, in the fair's Redis.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/usine-extraordinaire/fairworld/server/feed"
	"github.com/usine-extraordinaire/fairworld/server/staff"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "stafftoken:", err)
		}
		os.Exit(2)
	}
}

const usage = "usage: stafftoken keygen|issue|revoke [flags] (-h for each)"

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	switch args[0] {
	case "keygen":
		return keygen(args[1:], stdout, stderr)
	case "issue":
		return issue(args[1:], stdout, stderr, time.Now())
	case "revoke":
		return revoke(args[1:], stdout, stderr)
	}
	return fmt.Errorf("unknown command %q; %s", args[0], usage)
}

func keygen(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("stafftoken keygen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "fair-staff", "files to write: <out>.key (the private key, mode 0600) and <out>.pub")
	force := fs.Bool("force", false, "replace existing files")
	if err := fs.Parse(args); err != nil {
		return err
	}
	privPEM, pubPEM, err := staff.GenerateKey()
	if err != nil {
		return err
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if *force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	for _, f := range []struct {
		path string
		b    []byte
		mode os.FileMode
	}{{*out + ".key", privPEM, 0o600}, {*out + ".pub", pubPEM, 0o644}} {
		fh, err := os.OpenFile(f.path, flags, f.mode)
		if err != nil {
			return fmt.Errorf("failed to create %s: %w", f.path, err)
		}
		if _, err := fh.Write(f.b); err != nil {
			_ = fh.Close()
			return fmt.Errorf("failed to write %s: %w", f.path, err)
		}
		if err := fh.Close(); err != nil {
			return fmt.Errorf("failed to write %s: %w", f.path, err)
		}
	}
	fmt.Fprintf(stdout, "wrote %s.key (keep it secret) and %s.pub (give it to the nodes: -staff-key %s.pub)\n", *out, *out, *out)
	return nil
}

func issue(args []string, stdout, stderr io.Writer, now time.Time) error {
	fs := flag.NewFlagSet("stafftoken issue", flag.ContinueOnError)
	fs.SetOutput(stderr)
	key := fs.String("key", "fair-staff.key", "the private key (keygen)")
	role := fs.String("role", "teacher", "professional, teacher, moderator or organiser")
	id := fs.String("id", "", "the staff member's id (sub): 1 to 64 of A-Z a-z 0-9 _ - ; a teacher's classes belong to it")
	name := fs.String("name", "", "the display name shown on the avatar (\"Mme Durand\")")
	booth := fs.String("booth", "", "a professional's booth id (b-07); required for them only")
	ttl := fs.Duration("ttl", 72*time.Hour, "how long the token is good")
	jti := fs.String("jti", "", "the token's id for revocation; empty: random")
	base := fs.String("base", "", "the fair's page URL: also print the sign-in link <base>#staff=<token>")
	if err := fs.Parse(args); err != nil {
		return err
	}
	r, ok := staff.ParseRole(*role)
	if !ok {
		return fmt.Errorf("-role %q: want professional, teacher, moderator or organiser", *role)
	}
	if *ttl <= 0 {
		return errors.New("-ttl must be positive")
	}
	priv, err := staff.LoadPrivateKey(*key)
	if err != nil {
		return err
	}
	s := staff.Staff{ID: *id, Role: r, Name: *name, Booth: *booth, JTI: *jti, Expires: now.Add(*ttl).Truncate(time.Second)}
	if s.JTI == "" {
		s.JTI = staff.RandomID(12)
	}
	tok, err := staff.Issue(priv, s, now)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok)
	fmt.Fprintf(stderr, "jti %s, expires %s\n", s.JTI, s.Expires.UTC().Format(time.RFC3339))
	if *base != "" {
		fmt.Fprintf(stderr, "link: %s#staff=%s\n", *base, tok)
	}
	return nil
}

func revoke(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("stafftoken revoke", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("redis", "", "the fair's Redis, as the nodes' -redis")
	prefix := fs.String("prefix", "fair", "the fair's key prefix")
	jti := fs.String("jti", "", "the token's id (issue prints it)")
	until := fs.String("until", "", "keep it revoked until (RFC 3339, at least the token's expiry); empty: 90 days")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *url == "" || *jti == "" {
		return errors.New("want -redis and -jti")
	}
	end := time.Now().Add(90 * 24 * time.Hour)
	if *until != "" {
		t, err := time.Parse(time.RFC3339, *until)
		if err != nil {
			return fmt.Errorf("bad -until: %w", err)
		}
		end = t
	}
	rc, err := feed.NewRedisClient(*url)
	if err != nil {
		return err
	}
	defer rc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := staff.NewRedisDenylist(rc, *prefix, 5*time.Second).Revoke(ctx, *jti, end); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "revoked %s until %s: refused at the next ticket, its sessions closed within 30 s (4019)\n", *jti, end.UTC().Format(time.RFC3339))
	return nil
}
