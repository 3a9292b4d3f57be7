package main

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/usine-extraordinaire/fairworld/loadtest"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

func TestRunJSON(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	var out, errs bytes.Buffer
	err := run(t.Context(), []string{"-url", in.URL, "-n", "3", "-echo", "1", "-duration", "1500ms", "-json", "-local-addrs", "127.0.0.1"}, &out, &errs)
	if err != nil {
		t.Fatalf("%v\n%s", err, errs.String())
	}
	var sum loadtest.Summary
	if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if sum.Welcomed != 4 || sum.Bots != 4 || len(sum.Failed) != 0 || len(sum.Ended) != 0 {
		t.Fatalf("summary = %+v\n%s", sum, errs.String())
	}
}

func TestBadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"-prefix", "admin"}, {"-n", "0"}, {"-url", "ftp://x"}, {"extra"}, {"-local-addrs", "nope"}} {
		if err := run(t.Context(), args, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}
