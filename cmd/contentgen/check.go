package main

import (
	"fmt"
	"io"

	"github.com/usine-extraordinaire/fairworld/world/content"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// check loads the contents file against the default zone and prints its
// problems.
func check(path string, w io.Writer) error {
	z, err := zone.Default()
	if err != nil {
		return fmt.Errorf("default zone: %w", err)
	}
	if _, err := content.LoadFile(path, z); err != nil {
		for _, p := range content.Problems(err) {
			fmt.Fprintln(w, p)
		}
		return fmt.Errorf("%s: %d problem(s)", path, len(content.Problems(err)))
	}
	fmt.Fprintf(w, "%s: valid against the default zone\n", path)
	return nil
}
