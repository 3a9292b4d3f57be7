package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/usine-extraordinaire/fairworld/world/content"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

func TestDefaultIsValid(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if code := run("", "", &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if errOut.Len() != 0 {
		t.Errorf("warnings for the default map:\n%s", errOut.String())
	}
	for _, want := range []string{"id:", "booths:    48", "innovation", "developpement-durable", "spawn",
		"contents:  (embedded default contents): 270", "temoignage ", "stands:    48"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}

// copyDefault writes the default map's files into a temporary folder,
// applying edit to fair.tmx.
func copyDefault(t *testing.T, edit func(string) string) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(zone.DefaultFS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := fs.ReadFile(zone.DefaultFS(), p)
		if err != nil {
			return err
		}
		if p == zone.DefaultMapName {
			b = []byte(edit(string(b)))
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, zone.DefaultMapName)
}

func TestFileIsValid(t *testing.T) {
	t.Parallel()
	path := copyDefault(t, func(s string) string { return s })
	var out, errOut bytes.Buffer
	if code := run(path, "", &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
}

func TestBadFileExits1(t *testing.T) {
	t.Parallel()
	path := copyDefault(t, func(s string) string {
		s = strings.Replace(s, `name="challenge" value="innovation"`, `name="challenge" value="robots"`, 1)
		return strings.Replace(s, `name="kind" value="spawn"`, `name="kind" value="plaza"`, 1)
	})
	var out, errOut bytes.Buffer
	if code := run(path, "", &out, &errOut); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("want a header and 2 problems, got:\n%s", errOut.String())
	}
	if !strings.Contains(errOut.String(), `hotspot h-001: unknown challenge "robots"`) ||
		!strings.Contains(errOut.String(), "layer areas: no area of kind spawn") {
		t.Errorf("problems not named:\n%s", errOut.String())
	}
	if out.Len() != 0 {
		t.Errorf("summary printed for a bad map: %s", out.String())
	}
}

// An unknown kind is a warning, not a problem: the map stays valid.
func TestUnknownKindWarns(t *testing.T) {
	t.Parallel()
	path := copyDefault(t, func(s string) string {
		return strings.Replace(s, `name="kind" value="factory"`, `name="kind" value="spaceship"`, 1)
	})
	var out, errOut bytes.Buffer
	if code := run(path, "", &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(errOut.String(), `warning: building `) || !strings.Contains(errOut.String(), `unknown kind "spaceship"`) {
		t.Errorf("no warning for the unknown kind:\n%s", errOut.String())
	}
	if n := strings.Count(strings.TrimSpace(errOut.String()), "\n") + 1; n != 1 {
		t.Errorf("want exactly one warning, got:\n%s", errOut.String())
	}
}

func TestMissingFileExits1(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if code := run(filepath.Join(t.TempDir(), "absent.tmx"), "", &out, &errOut); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.Contains(errOut.String(), "map: cannot open map") {
		t.Errorf("stderr: %s", errOut.String())
	}
}

// copyContents writes the default contents and their media into a
// temporary folder, applying edit to contents.json.
func copyContents(t *testing.T, edit func(string) string) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(content.DefaultFS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := fs.ReadFile(content.DefaultFS(), p)
		if err != nil {
			return err
		}
		if p == content.DefaultFileName {
			b = []byte(edit(string(b)))
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, content.DefaultFileName)
}

func TestContentsFileIsValid(t *testing.T) {
	t.Parallel()
	path := copyContents(t, func(s string) string { return s })
	var out, errOut bytes.Buffer
	if code := run("", path, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "contents:  "+path+": 270") {
		t.Errorf("summary: %s", out.String())
	}
}

func TestBadContentsExits1(t *testing.T) {
	t.Parallel()
	path := copyContents(t, func(s string) string {
		var set content.Set
		if err := json.Unmarshal([]byte(s), &set); err != nil {
			t.Fatal(err)
		}
		for i := range set.Contents {
			c := &set.Contents[i]
			switch c.Hotspot {
			case "h-001":
				c.Challenge = "inclusion"
			case "h-125":
				for j := range c.Questions[0].Choices {
					c.Questions[0].Choices[j].Right = false
				}
			}
		}
		b, err := json.MarshalIndent(&set, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	})
	var out, errOut bytes.Buffer
	if code := run("", path, &out, &errOut); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], path+": 2 problem(s) against (embedded default)") {
		t.Fatalf("want a header and 2 problems, got:\n%s", errOut.String())
	}
	if !strings.Contains(errOut.String(), `content h-001: challenge "inclusion", the hotspot's is "innovation"`) ||
		!strings.Contains(errOut.String(), "content h-125: quiz question 1 has no right answer") {
		t.Errorf("problems not named:\n%s", errOut.String())
	}
	if out.Len() != 0 {
		t.Errorf("summary printed for bad contents: %s", out.String())
	}
}

func TestMissingContentsExits1(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if code := run("", filepath.Join(t.TempDir(), "absent.json"), &out, &errOut); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.Contains(errOut.String(), "file: cannot open") {
		t.Errorf("stderr: %s", errOut.String())
	}
}
