// Command fairserver runs the world server of L'Usine Extraordinaire: the
// visitor's page, the zone and the WebSocket game connection on one address,
// metrics and health on another.
//
// Every flag can also be set by an environment variable named FAIR_ plus
// the flag name in upper case with dashes as underscores (FAIR_ADDR,
// FAIR_ADMIN_ADDR, ...); a flag on the command line wins. See README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "fairserver:", err)
		os.Exit(1)
	}
}
