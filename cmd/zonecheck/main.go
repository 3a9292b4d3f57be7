// Command zonecheck validates a zone map and its contents file without
// starting any server.
//
//	go run ./cmd/zonecheck [-contents contents.json] [path/to/map.tmx]
//
// It checks the map (the default map embedded in the binary without an
// argument), then the contents file against it (the embedded default
// contents without -contents; a map of your own needs a contents file of
// its own, see docs/CONTENTS.md). It prints a summary and exits 0 when
// both are valid, or prints every problem, one per line, and exits 1.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	contents := flag.String("contents", "", "a contents file (default: the embedded default contents)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: zonecheck [-contents contents.json] [map.tmx]\nValidates a Tiled zone map (the embedded default without argument) and its contents file.")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 1 {
		flag.Usage()
		os.Exit(2)
	}
	os.Exit(run(flag.Arg(0), *contents, os.Stdout, os.Stderr))
}
