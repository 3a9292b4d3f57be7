package server_test

import (
	"io"
	"io/fs"
	"net/http"
	"strings"
	"testing"

	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

// /media/ serves files and nothing else: no listing, and a name that is not
// a valid path is 404, not a server error.
func TestMediaServesFilesOnly(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	ents, err := fs.ReadDir(in.Zone.Media(), ".")
	if err != nil || len(ents) == 0 {
		t.Fatalf("no media in the default zone: %v", err)
	}
	var file string
	for _, e := range ents {
		if e.Type().IsRegular() {
			file = e.Name()
			break
		}
	}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(in.HTTP + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/media/" + file); code != http.StatusOK {
		t.Errorf("/media/%s: %d, want 200", file, code)
	}
	for _, p := range []string{"/media/", "/media/%ff.svg", "/media/%ff", "/media/a%00b.svg", "/media/nope.svg", "/media/" + file + "/"} {
		code, body := get(p)
		if code != http.StatusNotFound && code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 404 or 400", p, code)
		}
		if strings.Contains(body, file) {
			t.Errorf("%s lists the media: %q", p, body)
		}
	}
}
