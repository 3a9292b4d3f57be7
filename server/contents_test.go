package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

// /api/zone takes the stands' names, companies and sectors and the
// hotspots' titles from the contents file: every stand has its own name,
// every hotspot its own title, and no text of a content is in the zone.
func TestZoneTextsComeFromTheContents(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	resp, err := http.Get(in.HTTP + "/api/zone")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw json.RawMessage
	var z struct {
		Booths []struct {
			ID, Name, Company, Sector string
			SectorName                string `json:"sector_name"`
		}
		Hotspots []struct {
			ID, Title, Kind, Challenge string
			Points                     int
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &z); err != nil {
		t.Fatal(err)
	}
	set := in.Config().Contents
	names, titles := map[string]bool{}, map[string]bool{}
	for _, b := range z.Booths {
		st, ok := set.Booth(b.ID)
		sec, _ := set.Sector(b.Sector)
		if !ok || b.Name != st.Name || b.Company != st.Company || sec == nil || b.SectorName != sec.Name || names[b.Name] {
			t.Fatalf("booth %+v (contents %+v)", b, st)
		}
		names[b.Name] = true
	}
	for _, h := range z.Hotspots {
		c, ok := set.Content(h.ID)
		if !ok || h.Title != c.Title || h.Kind != string(c.Kind) || h.Points != c.Points || h.Challenge != c.Challenge || titles[h.Title] {
			t.Fatalf("hotspot %+v (contents %q)", h, c.Title)
		}
		titles[h.Title] = true
		if strings.Contains(string(raw), c.Text) {
			t.Fatalf("the text of %s is in the zone", h.ID)
		}
	}
	if len(names) != 48 || len(titles) != 270 {
		t.Fatalf("%d stand names, %d titles", len(names), len(titles))
	}
}
