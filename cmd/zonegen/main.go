// Command zonegen writes the default fair map: world/zone/default/fair.tmx,
// its tileset fair.tsx and tiles.png. The output is deterministic;
// organisers then edit fair.tmx in Tiled (see docs/ZONE.md). It places the
// hotspots only: what they show is in the contents file (docs/CONTENTS.md).
//
//	go run ./cmd/zonegen -out world/zone/default
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	out := flag.String("out", "world/zone/default", "folder to write fair.tmx, fair.tsx and tiles.png into")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "zonegen:", err)
		os.Exit(1)
	}
}

// run generates the map and writes its files into dir.
func run(dir string) error {
	files, err := files()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("failed to create output folder: %w", err)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), data, 0o644); err != nil {
			return fmt.Errorf("failed to write %s: %w", name, err)
		}
	}
	return nil
}

// files returns every output file by slash-separated name.
func files() (map[string][]byte, error) {
	png, err := tilesPNG()
	if err != nil {
		return nil, fmt.Errorf("failed to draw the tileset: %w", err)
	}
	return map[string][]byte{
		"fair.tmx":  tmx(generate()),
		"fair.tsx":  tsx(),
		"tiles.png": png,
	}, nil
}
