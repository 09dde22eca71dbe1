package main

import (
	"errors"
	"strings"

	"cehours/configs"
	"cehours/internal/store"
)

// Exit statuses; scripts and monitoring depend on them.
const (
	exitOK          = 0 // done
	exitFailed      = 1 // failed
	exitUsage       = 2 // bad usage or configuration
	exitPartial     = 3 // done, but some rows were rejected or some mail is undelivered
	exitUnavailable = 4 // a dependency (database, SMTP) is unreachable
)

// exitHelp is the part of --help that documents the exit statuses.
const exitHelp = `Exit status:
  0  done
  1  failed
  2  bad usage or configuration
  3  done, but some rows were rejected or some mail is undelivered
  4  a dependency (database, SMTP) is unreachable`

// errPartial marks a command that did its work but left something for a
// person to look at: rejected rows, undelivered mail.
var errPartial = errors.New("done with problems")

// errUnavailable marks a dependency other than the database (SMTP) that
// could not be reached; the store has its own ErrUnavailable.
var errUnavailable = errors.New("dependency unavailable")

// usageError is a mistake in the command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// exitCode decides the exit status of an error; it is the only place that
// does.
func exitCode(err error) int {
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue), errors.Is(err, configs.ErrInvalid), isCobraUsage(err):
		return exitUsage
	case errors.Is(err, store.ErrUnavailable), errors.Is(err, errUnavailable):
		return exitUnavailable
	case errors.Is(err, errPartial):
		return exitPartial
	}
	return exitFailed
}

// isCobraUsage recognises the command-line errors cobra reports as plain
// strings.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag",
		"required flag", "invalid argument", "accepts ", "requires at least", "flag needs an argument"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}
