// Command contentgen draws the illustrations of the default fair's
// contents: small SVG files, same-origin, generated from the contents file
// so that none is a photo or shows a real person or brand.
//
//	go run ./cmd/contentgen [-contents world/content/default/contents.json] [-out dir]
//
// It reads the contents file and writes, in the media folder next to it
// (or -out):
//
//   - portraits/<hotspot>.svg: a drawn bust of each témoignage's speaker,
//     its face and hair from a hash of the name, its clothes and protective
//     gear from the job;
//   - scenes/<hotspot>.svg and visites/<hotspot>-<n>.svg: the pictures of
//     articles, quizzes and visit steps, each described by one line of
//     scenes.txt ("scenes/h-001.svg<TAB>dehors: helico soleil": a
//     background and one to three props);
//   - icons/<challenge>.svg: the four challenges' icons.
//
// It owns those four folders: it empties them before writing, so put other
// media elsewhere in the media folder. Every generated picture ends with a
// stripe in the colour of its content's challenge. Then it loads the
// contents against the default zone and prints any problem. Output is
// deterministic.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

func main() {
	contents := flag.String("contents", filepath.Join("world", "content", "default", "contents.json"), "the contents file")
	out := flag.String("out", "", "the media folder to write (default: media next to the contents file)")
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*contents, *out, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "contentgen:", err)
		os.Exit(1)
	}
}

// run writes the media of the contents file at path into out.
func run(path, out string, w io.Writer) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if out == "" {
		out = filepath.Join(filepath.Dir(path), "media")
	}
	files, err := generate(data)
	if err != nil {
		return err
	}
	for _, dir := range generatedDirs() {
		if err := os.RemoveAll(filepath.Join(out, dir)); err != nil {
			return err
		}
	}
	total := 0
	for name, b := range files {
		p := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
		total += len(b)
	}
	fmt.Fprintf(w, "%d files, %d bytes in %s\n", len(files), total, out)
	return check(path, w)
}
