package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/usine-extraordinaire/fairworld/world/content"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// The zone as /api/zone serves it (docs/PROTOCOL.md §7): the map's form
// (world/zone) with what the contents file says of the booths and hotspots
// (world/content, the one source of truth for texts): each stand's own
// name, its fictional company and its sector's name, each hotspot's title,
// kind and points. What a content shows beyond its title comes only with
// HOTSPOT_CONTENT.
type zoneView struct {
	*zone.Zone
	Booths   []boothView   `json:"booths"`   // shadows Zone.Booths
	Hotspots []hotspotView `json:"hotspots"` // shadows Zone.Hotspots
}

type boothView struct {
	zone.Booth
	Name       string `json:"name"` // the stand's own name, shadows the map's label
	Company    string `json:"company"`
	SectorName string `json:"sector_name"`
}

type hotspotView struct {
	zone.Hotspot
	Title  string `json:"title"`
	Kind   string `json:"kind"`
	Points int    `json:"points"`
}

func newZoneView(z *zone.Zone, set *content.Set) zoneView {
	v := zoneView{Zone: z, Booths: make([]boothView, len(z.Booths)), Hotspots: make([]hotspotView, len(z.Hotspots))}
	for i, b := range z.Booths {
		bv := boothView{Booth: b, Name: b.Name, SectorName: b.Sector}
		if st, ok := set.Booth(b.ID); ok {
			bv.Name, bv.Company = st.Name, st.Company
		}
		if sec, ok := set.Sector(b.Sector); ok {
			bv.SectorName = sec.Name
		}
		v.Booths[i] = bv
	}
	for i, h := range z.Hotspots {
		hv := hotspotView{Hotspot: h, Title: h.ID}
		if c, ok := set.Content(h.ID); ok {
			hv.Title, hv.Kind, hv.Points = c.Title, string(c.Kind), c.Points
		}
		v.Hotspots[i] = hv
	}
	return v
}

// zoneJSON encodes the zone once, with its gzip twin: the zone is the
// largest part of a first visit (its grids compress about tenfold).
func zoneJSON(z *zone.Zone, set *content.Set) (plain, gz []byte, err error) {
	plain, err = json.Marshal(newZoneView(z, set))
	if err != nil {
		return nil, nil, fmt.Errorf("server: encoding the zone: %w", err)
	}
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression) // a valid level: no error
	_, _ = w.Write(plain)                                 // writes to a bytes.Buffer do not fail
	if err := w.Close(); err != nil {
		return nil, nil, fmt.Errorf("server: compressing the zone: %w", err)
	}
	return plain, b.Bytes(), nil
}

// mediaCSP is the policy of every /media/ file: an SVG opened on its own
// from the fair's address may show its own pictures and inline styles,
// and nothing else: no script, no request elsewhere (docs/CONTENTS.md,
// "Media": the contents' SVGs are also checked at load).
const mediaCSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"

// serveMedia serves a content's medium from the contents' media folder:
// files only (a folder, the listing of /media/ included, is 404), and any
// name that is not a valid file path (bad UTF-8 such as %ff, "..", empty)
// is 404, never a server error.
func (s *Server) serveMedia(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", mediaCSP)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	name := strings.TrimPrefix(r.URL.Path, "/media/")
	if name == "" || !utf8.ValidString(name) || !fs.ValidPath(name) {
		http.NotFound(w, r)
		return
	}
	f, err := s.media.Open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		b, err := io.ReadAll(f)
		if err != nil {
			http.Error(w, "cannot read the file", http.StatusInternalServerError)
			return
		}
		rs = bytes.NewReader(b)
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.ServeContent(w, r, st.Name(), st.ModTime(), rs)
}
