// Command contactpoint runs the ContactPoint directory: the web service and
// API (serve), and the operator's tasks (migrate, user, source, import,
// export, gen, audit).
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
	m := NewMain()
	err := m.Run(ctx, os.Args[1:])
	stop()
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "contactpoint:", oneLine(err))
		os.Exit(exitCode(err))
	}
}
