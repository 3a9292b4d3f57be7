package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/usine-extraordinaire/fairworld/world/content"
)

func defaultContents(t *testing.T) []byte {
	t.Helper()
	b, err := fs.ReadFile(content.DefaultFS(), content.DefaultFileName)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDeterministic checks two runs give the same bytes, so regenerating
// the media only shows real changes in review.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	a, err := generate(defaultContents(t))
	if err != nil {
		t.Fatal(err)
	}
	b, err := generate(defaultContents(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(b) {
		t.Fatalf("%d files then %d", len(a), len(b))
	}
	for name, data := range a {
		if !bytes.Equal(b[name], data) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

// TestCommittedMediaAreGenerated checks the committed media folder holds
// exactly what the generator draws from the committed contents: run
// `go run ./cmd/contentgen` after editing contents.json or the drawings.
func TestCommittedMediaAreGenerated(t *testing.T) {
	t.Parallel()
	want, err := generate(defaultContents(t))
	if err != nil {
		t.Fatal(err)
	}
	media, err := fs.Sub(content.DefaultFS(), "media")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range generatedDirs() {
		err := fs.WalkDir(media, dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if _, ok := want[p]; !ok {
				t.Errorf("%s is committed but not generated", p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for name, b := range want {
		got, err := fs.ReadFile(media, name)
		if err != nil {
			t.Errorf("%s is generated but not committed", name)
			continue
		}
		if !bytes.Equal(got, b) {
			t.Errorf("%s differs from the generator's output: run go run ./cmd/contentgen", name)
		}
	}
}

func TestRunWritesAndChecks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "contents.json")
	if err := os.WriteFile(path, defaultContents(t), 0o644); err != nil {
		t.Fatal(err)
	}
	// A stale generated file goes; an organiser's file outside the
	// generated folders stays.
	for _, p := range []string{"media/scenes/old.svg", "media/video/visite.webm"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := run(path, "", &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "valid against the default zone") {
		t.Errorf("output: %s", out.String())
	}
	for _, p := range []string{"media/portraits/h-002.svg", "media/scenes/h-001.svg", "media/visites/h-003-1.svg", "media/icons/inclusion.svg", "media/video/visite.webm"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "media/scenes/old.svg")); err == nil {
		t.Error("a stale generated file survived")
	}
}

func TestGenerateRefusesUndescribedPictures(t *testing.T) {
	t.Parallel()
	data := bytes.Replace(defaultContents(t), []byte(`"/media/scenes/h-001.svg"`), []byte(`"/media/scenes/h-001b.svg"`), 1)
	_, err := generate(data)
	if err == nil || !strings.Contains(err.Error(), "content h-001: /media/scenes/h-001b.svg is in a generated folder but scenes.txt does not describe it") ||
		!strings.Contains(err.Error(), "scenes.txt describes scenes/h-001.svg, which no content uses") {
		t.Fatalf("error: %v", err)
	}
	if _, err := generate([]byte("{")); err == nil {
		t.Fatal("broken contents accepted")
	}
}

func TestScenesUseKnownDrawings(t *testing.T) {
	t.Parallel()
	known := props()
	for _, bad := range []string{"atelier robot", "cave: robot", "atelier: licorne", "atelier:", "atelier: a b c d"} {
		if _, err := parseScene(bad, known); err == nil {
			t.Errorf("scene %q accepted", bad)
		}
	}
	sc, err := parseScene("mer: bateau grue", known)
	if err != nil {
		t.Fatal(err)
	}
	svg := string(drawScene(sc, "inclusion", `Un navire & une grue`, known))
	if !strings.Contains(svg, "<title>Un navire &amp; une grue</title>") || !strings.Contains(svg, accent("inclusion")) {
		t.Errorf("scene SVG: %s", svg)
	}
}

func TestPortraitsFollowTheSpeaker(t *testing.T) {
	t.Parallel()
	sp := content.Speaker{Name: "Inès", Gender: content.GenderFemale, Job: "soudeur", Portrait: content.Image{Alt: "Portrait dessiné d'Inès"}}
	a := string(drawPortrait(&sp, "inclusion"))
	if !strings.Contains(a, "#ffc933") { // a welder wears a helmet
		t.Error("no helmet on a welder")
	}
	sp.Job = "technicien-salle-blanche"
	b := string(drawPortrait(&sp, "inclusion"))
	if a == b || strings.Contains(b, "<path d=\"M62 76 Q62 40") {
		t.Error("a clean-room suit looks like a welder's helmet")
	}
	if !bytes.Equal(drawPortrait(&sp, "inclusion"), []byte(b)) {
		t.Error("portraits are not deterministic")
	}
}
