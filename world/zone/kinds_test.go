package zone

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// docKinds reads the kinds listed in the table under heading in docs/ZONE.md
// (rows starting "| `kind` |").
func docKinds(t *testing.T, heading string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "docs", "ZONE.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	row := regexp.MustCompile("^\\| `([a-z0-9_]+)` \\|")
	var out []string
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			in = line == heading
			continue
		}
		if m := row.FindStringSubmatch(line); in && m != nil {
			out = append(out, m[1])
		}
	}
	if len(out) == 0 {
		t.Fatalf("no kinds found under %q in docs/ZONE.md", heading)
	}
	return out
}

// The closed lists of kinds are the ones docs/ZONE.md gives organisers.
func TestKindsMatchTheDocs(t *testing.T) {
	t.Parallel()
	if got, want := docKinds(t, "### Building kinds"), BuildingKinds(); !slices.Equal(got, want) {
		t.Errorf("docs/ZONE.md building kinds\n%v\nwant (zone.BuildingKinds)\n%v", got, want)
	}
	if got, want := docKinds(t, "### Area kinds"), AreaKinds(); !slices.Equal(got, want) {
		t.Errorf("docs/ZONE.md area kinds\n%v\nwant (zone.AreaKinds)\n%v", got, want)
	}
}

// The default map uses every kind, so rendering it exercises every model;
// it has no warnings.
func TestDefaultUsesEveryKind(t *testing.T) {
	t.Parallel()
	z, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range BuildingKinds() {
		if !slices.ContainsFunc(z.Buildings, func(b Building) bool { return b.Kind == k }) {
			t.Errorf("no building of kind %s in the default map", k)
		}
	}
	for _, k := range AreaKinds() {
		if !slices.ContainsFunc(z.Areas, func(a Area) bool { return a.Kind == k }) {
			t.Errorf("no area of kind %s in the default map", k)
		}
	}
	if w := z.Warnings(); len(w) != 0 {
		t.Errorf("warnings on the default map: %v", w)
	}
	z.Buildings = append(z.Buildings, Building{ID: "x", Kind: "spaceship"})
	z.Areas = append(z.Areas, Area{ID: "y", Kind: "moon"})
	if w := z.Warnings(); len(w) != 2 || w[0].Object != "building x" || w[1].Object != "area y" {
		t.Errorf("warnings %v, want one for building x and one for area y", w)
	}
}

// Contents are keyed by booth and hotspot id: regenerating or editing the
// default map keeps every id, each booth's sector, each hotspot's challenge
// and booth (testdata/ids.txt, taken from the first map).
func TestDefaultKeepsIDs(t *testing.T) {
	t.Parallel()
	z, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range z.Booths {
		got = append(got, fmt.Sprintf("booth %s %s", b.ID, b.Sector))
	}
	for _, h := range z.Hotspots {
		booth := h.Booth
		if booth == "" {
			booth = "-"
		}
		got = append(got, fmt.Sprintf("hotspot %s %s %s", h.ID, h.Challenge, booth))
	}
	data, err := os.ReadFile(filepath.Join("testdata", "ids.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if !strings.HasPrefix(l, "#") {
			want = append(want, l)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("lost or changed: %s", w)
			}
		}
		for _, g := range got {
			if !slices.Contains(want, g) {
				t.Errorf("new or changed: %s", g)
			}
		}
	}
}
