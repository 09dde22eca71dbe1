// Package jobs runs cehours' work unattended: each job is a function that
// runs once (import the inbox, reconcile, build the digest, the unit
// workbooks and the reminders, deliver the outbox), a Runner that records
// every run in the ledger under a database lock, and a Scheduler that
// drives the runner from the cron schedule, catches up periodic jobs
// missed during downtime and stops gracefully.
//
// The same Runner serves the daemon (cehours run), the one-shot pipeline
// (cehours once) and tests, which drive it with an injected clock.
package jobs

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"

	"cehours/reconcile"
)

// The job kinds, as named in the schedule configuration and the ledger.
const (
	KindImport      = "import"
	KindReconcile   = "reconcile"
	KindDigest      = "digest"
	KindUnitReports = "unit_reports"
	KindReminders   = "reminders"
	KindSend        = "send"
)

// PipelineOrder is the order in which the whole pipeline runs its jobs:
// data flows from the inbox to the outbox.
var PipelineOrder = []string{
	KindImport, KindReconcile, KindDigest, KindUnitReports, KindReminders, KindSend,
}

// Outcomes of a run, as stored in job_runs.outcome.
const (
	// OutcomeRunning marks a run that has started and not yet finished.
	OutcomeRunning = "running"
	// OutcomeOK marks a run whose function returned no error.
	OutcomeOK = "ok"
	// OutcomeFailed marks a run whose function returned an error or
	// panicked, or that could not start (database unreachable).
	OutcomeFailed = "failed"
	// OutcomeAbandoned marks a run left "running" by a process that died;
	// the next holder of the job's lock marks it so.
	OutcomeAbandoned = "abandoned"
)

// Counts are what a run did, by name: files, rows, rejected, queued,
// sent, … Every job chooses its own names; they are stored as JSON.
type Counts map[string]int

// JSON returns c as a JSON object with sorted keys ("{}" when empty).
func (c Counts) JSON() string {
	if len(c) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(map[string]int(c)) // a map[string]int always marshals
	return string(b)
}

// String returns c as "a=1 b=2", keys sorted, for logs and tables.
func (c Counts) String() string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(strconv.Itoa(c[k]))
	}
	return b.String()
}

// Run is one run of a job: which job, the period it serves and the
// scheduled instant it stands for.
type Run struct {
	Job string
	// Period keys the run in the ledger: an ISO week ("2025-W32") for the
	// digest and the unit workbooks, a date ("2025-08-15") for a
	// reminder, the scheduled minute or second for the other jobs. A
	// period with a successful run is never run again.
	Period string
	// Scheduled is the tick the run serves, in the configured location.
	// A run caught up after downtime keeps the tick it missed.
	Scheduled time.Time
	// Today is the date of Scheduled: the day the run believes it is. Job
	// functions use it for the due year and for mail idempotency keys, so
	// that a repeated run of one period queues the same keys.
	Today reconcile.Date
}

// Func is the body of a job. It runs once, returns what it did and an
// error when it could not complete; it stops at a safe point when ctx is
// cancelled. It must not log its own summary line: the Runner does.
type Func func(ctx context.Context, r Run) (Counts, error)

// Job is a kind of job with its body and its calendar.
type Job struct {
	Name string
	Func Func
	// Period returns the period a tick at t serves and whether the job
	// acts at t at all (the reminders act on configured dates only). Nil
	// means TickPeriod: every tick is its own period.
	Period func(t time.Time) (period string, acts bool)
	// CatchUp asks the scheduler, on start, to run the latest period
	// missed within the grace window (digest, unit workbooks, reminders).
	CatchUp bool
	// Then names the jobs to run right after a successful run with these
	// counts: the import triggers a reconcile when it changed data.
	Then func(c Counts) []string
	// Writes marks a job that changes the data reports are built from
	// (import, reconcile); Reads a job that builds reports from it. In
	// one daemon a Reads job never runs while a Writes job and the jobs
	// that follow it run, so that no report sees data half-way through
	// an import and its reconcile. On start, the daemon runs every
	// scheduled Writes job once before it catches up.
	Writes, Reads bool
}

// periodAt returns the period of j at t and whether j acts at t.
func (j Job) periodAt(t time.Time) (string, bool) {
	if j.Period == nil {
		return TickPeriod(t)
	}
	return j.Period(t)
}

// Clock returns the current instant; tests inject their own.
type Clock func() time.Time
