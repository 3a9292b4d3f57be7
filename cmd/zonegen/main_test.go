package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestCommittedOutputIsCurrent fails when world/zone/default was not
// regenerated after a change to the generator (or was edited by hand: then
// port the edit to the generator, or stop using it and drop this test).
func TestCommittedOutputIsCurrent(t *testing.T) {
	t.Parallel()
	want, err := files()
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range want {
		got, err := os.ReadFile(filepath.Join("..", "..", "world", "zone", "default", filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, data) {
			t.Errorf("%s differs from the generator's output: run go run ./cmd/zonegen", name)
		}
	}
}

func TestRunWritesFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := run(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"fair.tmx", "fair.tsx", "tiles.png", "media/innovation.svg"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
}
