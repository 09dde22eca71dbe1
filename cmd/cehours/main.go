// Command cehours reconciles university staff's continuing-education
// hours: it imports sign-in lists, unit spreadsheets, claims and the HR
// roster, applies the policy, flags discrepancies and mails reports.
//
// This package only parses flags and wires the pieces together; the work
// is done in the packages it calls.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // Asia/Shanghai must resolve on minimal hosts too
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
