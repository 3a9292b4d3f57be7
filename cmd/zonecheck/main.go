// Command zonecheck validates a zone map without starting any server.
//
//	go run ./cmd/zonecheck [path/to/map.tmx]
//
// It prints a summary and exits 0 when the map is valid, or prints every
// problem, one per line, and exits 1. Without an argument it checks the
// default map embedded in the binary.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: zonecheck [map.tmx]\nValidates a Tiled zone map (the embedded default without argument).")
	}
	flag.Parse()
	if flag.NArg() > 1 {
		flag.Usage()
		os.Exit(2)
	}
	os.Exit(run(flag.Arg(0), os.Stdout, os.Stderr))
}
