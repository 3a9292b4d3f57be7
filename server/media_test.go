package server_test

import (
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"testing"

	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

// /media/ serves the contents' media files and nothing else: no listing,
// and a name that is not a valid path is 404, not a server error. Every
// answer carries the media policy: no script, nothing from elsewhere.
func TestMediaServesFilesOnly(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	media := in.Config().Contents.Media()
	var file string
	_ = fs.WalkDir(media, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && file == "" && d.Type().IsRegular() && strings.HasSuffix(p, ".svg") {
			file = p
		}
		return nil
	})
	if file == "" {
		t.Fatal("no media in the default contents")
	}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(in.HTTP + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if !strings.HasPrefix(resp.Request.URL.Path, "/media/") {
			return resp.StatusCode, string(b) // cleaned and redirected away by the router
		}
		if csp := resp.Header.Get("Content-Security-Policy"); csp != "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'" {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no X-Content-Type-Options: nosniff", path)
		}
		return resp.StatusCode, string(b)
	}
	code, body := get("/media/" + file)
	if code != http.StatusOK || !strings.Contains(body, "<svg") {
		t.Errorf("/media/%s: %d, want 200 and the SVG", file, code)
	}
	// Every media path a content names is served.
	for i, c := range in.Config().Contents.Contents {
		if c.Image == nil || i%17 != 0 {
			continue
		}
		if code, _ := get(c.Image.Src); code != http.StatusOK {
			t.Errorf("%s (content %s): %d", c.Image.Src, c.Hotspot, code)
		}
	}
	for _, p := range []string{"/media/", "/media/scenes/", "/media/%ff.svg", "/media/%ff", "/media/a%00b.svg", "/media/nope.svg", "/media/" + file + "/", "/media/../contents.json", "/media/%2e%2e/contents.json"} {
		code, body := get(p)
		if code != http.StatusNotFound && code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 404 or 400", p, code)
		}
		if strings.Contains(body, path.Base(file)) {
			t.Errorf("%s lists the media: %q", p, body)
		}
	}
}
