package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestDeterministic checks two runs give the same bytes, so regenerating
// the default map only shows real changes in review. (The committed map is
// not compared with the generator's output: organisers edit it in Tiled.)
func TestDeterministic(t *testing.T) {
	t.Parallel()
	a, err := files()
	if err != nil {
		t.Fatal(err)
	}
	b, err := files()
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

func TestRunWritesFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := run(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"fair.tmx", "fair.tsx", "tiles.png"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
}
