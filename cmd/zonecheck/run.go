package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// run checks the map at path (the embedded default when path is empty),
// writes the summary to out and its warnings (unknown kinds) to errOut, or
// the problems to errOut, and returns the exit code: 0 valid, 1 invalid.
func run(path string, out, errOut io.Writer) int {
	var (
		z   *zone.Zone
		err error
	)
	if path == "" {
		path = "(embedded default)"
		z, err = zone.Default()
	} else {
		z, err = zone.LoadFile(path)
	}
	if err != nil {
		probs := zone.Problems(err)
		fmt.Fprintf(errOut, "%s: %d problem(s)\n", path, max(len(probs), 1))
		if len(probs) == 0 {
			fmt.Fprintln(errOut, err)
		}
		for _, p := range probs {
			fmt.Fprintln(errOut, p)
		}
		return 1
	}
	summary(out, path, z)
	// Unknown kinds do not stop a server: they are drawn generically.
	for _, w := range z.Warnings() {
		fmt.Fprintln(errOut, "warning:", w)
	}
	return 0
}

func summary(w io.Writer, path string, z *zone.Zone) {
	fmt.Fprintf(w, "%s: ok\n", path)
	fmt.Fprintf(w, "id:        %s\n", z.ID)
	fmt.Fprintf(w, "name:      %s\n", z.Name)
	fmt.Fprintf(w, "size:      %g x %g m (%d x %d tiles of %g m)\n", z.Width, z.Height, z.Grid.Cols, z.Grid.Rows, z.Grid.Tile)
	blocked := 0
	for _, b := range z.Grid.Blocked {
		blocked += int(b)
	}
	fmt.Fprintf(w, "walkable:  %d of %d tiles\n", len(z.Grid.Blocked)-blocked, len(z.Grid.Blocked))
	fmt.Fprintf(w, "buildings: %d (%s)\n", len(z.Buildings), counts(z.Buildings, func(b zone.Building) string { return b.Kind }))
	fmt.Fprintf(w, "booths:    %d\n", len(z.Booths))
	perChallenge := map[string]int{}
	for _, h := range z.Hotspots {
		perChallenge[h.Challenge]++
	}
	var parts []string
	for _, c := range zone.Challenges() {
		parts = append(parts, fmt.Sprintf("%s %d", c, perChallenge[c]))
	}
	fmt.Fprintf(w, "hotspots:  %d (%s)\n", len(z.Hotspots), strings.Join(parts, ", "))
	fmt.Fprintf(w, "areas:     %d (%s)\n", len(z.Areas), counts(z.Areas, func(a zone.Area) string { return a.Kind }))
	fmt.Fprintf(w, "spawn:     x %g y %g, %g x %g m\n", z.Spawn.X, z.Spawn.Y, z.Spawn.W, z.Spawn.H)
}

// counts returns "kind n, kind n" sorted by kind.
func counts[T any](items []T, key func(T) string) string {
	n := map[string]int{}
	for _, it := range items {
		n[key(it)]++
	}
	keys := make([]string, 0, len(n))
	for k := range n {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, n[k])
	}
	return strings.Join(parts, ", ")
}
