package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/usine-extraordinaire/fairworld/world/content"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// run checks the map at path (the embedded default when path is empty)
// and the contents file at contentsPath against it (the embedded default
// when empty), writes the summary to out or the problems to errOut, and
// returns the exit code: 0 valid, 1 invalid.
func run(path, contentsPath string, out, errOut io.Writer) int {
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
	var set *content.Set
	if contentsPath == "" {
		contentsPath = "(embedded default contents)"
		set, err = content.Default(z)
	} else {
		set, err = content.LoadFile(contentsPath, z)
	}
	if err != nil {
		probs := content.Problems(err)
		fmt.Fprintf(errOut, "%s: %d problem(s) against %s\n", contentsPath, max(len(probs), 1), path)
		if len(probs) == 0 {
			fmt.Fprintln(errOut, err)
		}
		for _, p := range probs {
			fmt.Fprintln(errOut, p)
		}
		return 1
	}
	summary(out, path, z)
	contentSummary(out, contentsPath, set)
	// Unknown kinds do not stop a server: they are drawn generically.
	for _, w := range z.Warnings() {
		fmt.Fprintln(errOut, "warning:", w)
	}
	return 0
}

func contentSummary(w io.Writer, path string, s *content.Set) {
	fmt.Fprintf(w, "contents:  %s: %d (%s)\n", path, len(s.Contents), counts(s.Contents, func(c content.Content) string { return string(c.Kind) }))
	women, questions := 0, 0
	var lo, hi, total time.Duration
	for i := range s.Contents {
		c := &s.Contents[i]
		if c.Speaker != nil && c.Speaker.Gender == content.GenderFemale {
			women++
		}
		questions += len(c.Questions)
		rt := c.ReadingTime()
		if i == 0 || rt < lo {
			lo = rt
		}
		hi = max(hi, rt)
		total += rt
	}
	fmt.Fprintf(w, "speakers:  %d women, %d men; %d quiz questions\n", women, countKind(s, content.KindTemoignage)-women, questions)
	fmt.Fprintf(w, "stands:    %d, sectors %d, jobs %d\n", len(s.Booths), len(s.Sectors), len(s.Jobs))
	if n := len(s.Contents); n > 0 {
		fmt.Fprintf(w, "reading:   %v to %v, %v on average (%d words a minute)\n", lo, hi, (total / time.Duration(n)).Round(time.Second), content.WordsPerMinute)
	}
}

func countKind(s *content.Set, k content.Kind) int {
	n := 0
	for _, c := range s.Contents {
		if c.Kind == k {
			n++
		}
	}
	return n
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
