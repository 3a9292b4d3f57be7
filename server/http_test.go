package server_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"testing/fstest"

	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

func get(t *testing.T, url, acceptEncoding string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Set by hand, Go's transport then does not decompress for us.
	req.Header.Set("Accept-Encoding", acceptEncoding)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

// /api/zone is sent gzipped to clients that accept it (the zone is most of a
// first visit), plain to the others; both decode to the same zone.
func TestZoneIsCompressed(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	plainRes, plain := get(t, in.HTTP+"/api/zone", "identity")
	if plainRes.Header.Get("Content-Encoding") != "" || !json.Valid(plain) {
		t.Fatalf("plain zone: encoding %q, valid JSON %v", plainRes.Header.Get("Content-Encoding"), json.Valid(plain))
	}
	res, gz := get(t, in.HTTP+"/api/zone", "gzip, deflate, br")
	if res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Vary") != "Accept-Encoding" {
		t.Fatalf("headers %v", res.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	unz, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(unz, plain) {
		t.Fatalf("gzipped zone differs from the plain one (%v)", err)
	}
	t.Logf("zone: %d bytes, %d gzipped", len(plain), len(gz))
	if len(gz)*4 > len(plain) {
		t.Errorf("gzipped zone %d bytes for %d plain", len(gz), len(plain))
	}
	if res, _ := get(t, in.HTTP+"/api/zone", "gzip;q=0"); res.Header.Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 got %q", res.Header.Get("Content-Encoding"))
	}
}

// Built assets go out as their precompressed .br or .gz twin.
func TestPageServesPrecompressedTwins(t *testing.T) {
	t.Parallel()
	page := fstest.MapFS{
		"index.html":         {Data: []byte("<html>")},
		"assets/app-X.js":    {Data: []byte("plain")},
		"assets/app-X.js.br": {Data: []byte("brotli")},
		"assets/app-X.js.gz": {Data: []byte("gzip")},
	}
	in := servertest.Start(t, func(c *server.Config) { c.Page = page })
	for _, c := range []struct{ accept, encoding, body string }{
		{"gzip, deflate, br", "br", "brotli"},
		{"gzip", "gzip", "gzip"},
		{"br;q=0, gzip", "gzip", "gzip"},
		{"identity", "", "plain"},
	} {
		res, b := get(t, in.HTTP+"/assets/app-X.js", c.accept)
		if res.Header.Get("Content-Encoding") != c.encoding || string(b) != c.body {
			t.Errorf("Accept-Encoding %q: got %q %q, want %q %q", c.accept, res.Header.Get("Content-Encoding"), b, c.encoding, c.body)
		}
		if res.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
			t.Errorf("content type %q", res.Header.Get("Content-Type"))
		}
	}
}
