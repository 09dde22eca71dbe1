package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"

	"cehours/internal/mail"
	"cehours/internal/store"
	"cehours/jobs"
)

func (a *app) runCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "run",
		Short: "Run the daemon: the jobs on the cron schedule from the configuration",
		Long: `Run the daemon until SIGTERM or SIGINT. Each job (import, reconcile, digest,
unit_reports, reminders, send) runs on its schedule.* cron spec in the
configured time zone; a reconcile also follows every import that changed
data. One job of a kind runs at a time across every daemon on the database,
and a weekly or dated job runs once per period (ISO week, reminder date):
on start, a period missed within jobs.catch_up_grace is caught up once.
Every run is recorded; "cehours status" shows them.

On SIGTERM no new job starts; running jobs get jobs.stop_timeout to finish,
then stop at a safe point, and the daemon exits 0. A database or SMTP outage
fails the run it hits and the next tick tries again.

With http.addr set, /healthz and /metrics (Prometheus) are served there.
With --today, the daemon's calendar is moved to that date (for tests).`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runDaemon(cmd.Context())
		},
	}
}

func (a *app) onceCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "once",
		Short: "Run the whole pipeline one time",
		Long: `Run the whole pipeline one time, in order: import the inbox, reconcile
the due and current years, build and queue the reports that are due (the HR
digest of the week, the unit workbooks in July and August, the reminders of
the latest reminder date; each at most once per period, within
jobs.catch_up_grace), and deliver the mail that is due. For a first try and
for an external cron. With --today, the pipeline runs as at the end of that
day.

Exits 3 when rows were rejected or mail is dead, 4 when the database or the
SMTP server cannot be reached, 1 when a job failed otherwise.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runOnce(cmd.Context())
		},
	}
}

// pipeline builds the jobs and the runner over the open store.
func (a *app) pipeline(s *store.Store, clock jobs.Clock, m *jobs.Metrics) (map[string]jobs.Job, *jobs.Runner, error) {
	im, err := a.importer(s)
	if err != nil {
		return nil, nil, err
	}
	rc, err := a.reconciler(s)
	if err != nil {
		return nil, nil, err
	}
	ob, err := mail.New(s, a.cfg.Mail, mail.WithLogger(a.log))
	if err != nil {
		return nil, nil, err
	}
	p := &jobs.Pipeline{Config: a.cfg, Store: s, Importer: im, Reconciler: rc, Outbox: ob, Log: a.log}
	instance := instanceName()
	r := &jobs.Runner{Ledger: jobs.Ledger{DB: s.DB}, Locker: jobs.NewLocker(s, instance, clock),
		Clock: clock, Location: a.cfg.Location, Instance: instance, Log: a.log, Metrics: m}
	return p.Jobs(), r, nil
}

// instanceName names this process in the ledger and the locks.
func instanceName() string {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown"
	}
	return host + ":" + strconv.Itoa(os.Getpid())
}

// shift is how far --today moves the clock: whole days from the real
// date to the given one; zero without --today.
func (a *app) shift() time.Duration {
	if a.todayFlag == "" {
		return 0
	}
	now := time.Now().In(a.cfg.Location)
	real := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, a.cfg.Location)
	want := time.Date(a.today.Y, a.today.M, a.today.D, 0, 0, 0, 0, a.cfg.Location)
	return want.Sub(real)
}

// runDaemon runs the scheduler, and the HTTP endpoint when configured,
// until ctx is cancelled.
func (a *app) runDaemon(ctx context.Context) error {
	s, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	shift := a.shift()
	clock := func() time.Time { return time.Now().Add(shift) }
	var metrics *jobs.Metrics
	if a.cfg.HTTP.Addr != "" {
		reg := prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
		metrics = jobs.NewMetrics(reg, s.DB, a.log)
		if err := jobs.Serve(ctx, a.cfg.HTTP.Addr, jobs.Handler(s.DB, reg), a.log); err != nil {
			return usageError{err}
		}
	}
	js, r, err := a.pipeline(s, clock, metrics)
	if err != nil {
		return err
	}
	sched := &jobs.Scheduler{Runner: r, Jobs: js, Specs: a.cfg.Schedule.Specs(),
		Grace: a.cfg.Jobs.CatchUpGrace, StopTimeout: a.cfg.Jobs.StopTimeout, Shift: shift, Log: a.log}
	return sched.Run(ctx)
}

// runOnce runs the pipeline one time and prints what each job did.
func (a *app) runOnce(ctx context.Context) error {
	s, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	// With --today, the clock reads that date at the real time of day,
	// and the weekly and dated jobs are due as at the end of that day.
	shift := a.shift()
	clock := func() time.Time { return time.Now().Add(shift) }
	now := clock()
	if a.todayFlag != "" {
		now = time.Date(a.today.Y, a.today.M, a.today.D, 23, 59, 59, 0, a.cfg.Location)
	}
	js, r, err := a.pipeline(s, clock, nil)
	if err != nil {
		return err
	}
	results, err := jobs.Once(ctx, r, js, a.cfg.Schedule.Specs(), a.cfg.Jobs.CatchUpGrace, now)
	a.printResults(results)
	if err != nil {
		return err
	}
	return onceError(results)
}

// printResults writes one line per job of a once run, then where to look.
func (a *app) printResults(results []jobs.Result) {
	w := a.stdout
	for _, res := range results {
		what := res.Outcome
		if res.Skipped != "" {
			what = "skipped (" + res.Skipped + ")"
		}
		fmt.Fprintf(w, "%-13s %-20s %-18s %s\n", res.Run.Job, res.Run.Period, what, res.Counts)
		if res.Err != nil {
			fmt.Fprintf(w, "%13s error: %v\n", "", res.Err)
		}
	}
	if a.cfg.Mail.SMTP.Host == "" {
		fmt.Fprintf(w, "mail written as .eml files to %s\n", a.cfg.Mail.OutboxDir)
	}
	if a.store != nil {
		fmt.Fprintf(w, "database %s; see also: cehours status, standings, discrepancies\n", a.store.Name)
	}
}

// onceError turns the results of a once run into the command's error:
// the first failure (marked unavailable when a dependency was down), or
// errPartial when rows were rejected or mail is dead.
func onceError(results []jobs.Result) error {
	partial := false
	for _, res := range results {
		if res.Err != nil {
			if errors.Is(res.Err, mail.ErrUnavailable) {
				return fmt.Errorf("once: %w: %w", errUnavailable, res.Err)
			}
			return fmt.Errorf("once: %w", res.Err)
		}
		if res.Counts["rejected"] > 0 || res.Counts["failed"] > 0 || res.Counts["dead"] > 0 {
			partial = true
		}
	}
	if partial {
		return fmt.Errorf("once: %w", errPartial)
	}
	return nil
}
