package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"cehours/reconcile"
)

// ErrPanic is the cause of the error of a run whose function panicked.
var ErrPanic = errors.New("job panicked")

// ErrLockLost is the cause of the error of a run whose lock was lost
// while it ran (its context is cancelled then).
var ErrLockLost = errors.New("job lock lost")

// Result is what became of one attempt to run a job.
type Result struct {
	Run     Run
	Outcome string // ok or failed; "" when Skipped
	// Skipped says why the job did not run: "done" when its period has a
	// successful run, "locked" when another instance is running it.
	Skipped  string
	Counts   Counts
	Err      error
	Duration time.Duration
}

// Runner runs jobs once each: under the job's lock, unless the period
// already has a successful run, recording the run in the ledger and
// logging one summary line. Its zero value is not usable; fill every
// field but Metrics, which may be nil.
type Runner struct {
	Ledger   Ledger
	Locker   Locker
	Clock    Clock
	Location *time.Location
	// Instance names this process in the ledger and the locks.
	Instance string
	Log      *slog.Logger
	Metrics  *Metrics

	mu      sync.Mutex
	pending []RunRecord // runs that failed to be recorded, oldest first
}

// RunAt runs j for the tick at: it computes the tick's period and runs
// it (see RunPeriod). A tick at which j does not act (a reminder job on a
// date that is not a reminder date) returns a zero Result.
func (r *Runner) RunAt(ctx context.Context, j Job, at time.Time) Result {
	at = at.In(r.Location)
	period, acts := j.periodAt(at)
	if !acts {
		r.Log.Debug("job has nothing to do at this tick", "job", j.Name,
			"scheduled", at.Format(time.RFC3339))
		return Result{Run: Run{Job: j.Name, Scheduled: at}, Skipped: "not due"}
	}
	return r.RunPeriod(ctx, j, period, at)
}

// RunPeriod runs j for period, standing for the tick at. It takes the
// job's lock without waiting (another instance running it means this
// one skips), marks runs left by dead processes abandoned, skips a
// period that already succeeded, then runs the function with panics
// recovered and records the outcome. A run whose recording fails because
// the database is down is kept and recorded by a later call.
func (r *Runner) RunPeriod(ctx context.Context, j Job, period string, at time.Time) Result {
	at = at.In(r.Location)
	run := Run{Job: j.Name, Period: period, Scheduled: at, Today: reconcile.DateOf(at)}
	started := r.Clock()
	r.flushPending(ctx)

	// One run of a kind at a time, across instances.
	lease, err := r.Locker.TryLock(ctx, "job."+j.Name)
	if errors.Is(err, ErrLocked) {
		r.Log.Info("job skipped: running in another instance", "job", j.Name, "period", period)
		return Result{Run: run, Skipped: "locked"}
	}
	if err != nil {
		return r.failEarly(run, started, fmt.Errorf("run %s: %w", j.Name, err))
	}
	defer lease.Release()

	// Clean up after dead processes and skip a period already done.
	if n, err := r.Ledger.Abandon(ctx, j.Name, started); err != nil {
		return r.failEarly(run, started, fmt.Errorf("run %s: %w", j.Name, err))
	} else if n > 0 {
		r.Log.Warn("runs left by a stopped process marked abandoned", "job", j.Name, "runs", n)
	}
	if done, err := r.Ledger.Succeeded(ctx, j.Name, period); err != nil {
		return r.failEarly(run, started, fmt.Errorf("run %s: %w", j.Name, err))
	} else if done {
		r.Log.Debug("job skipped: period already done", "job", j.Name, "period", period)
		return Result{Run: run, Skipped: "done"}
	}
	id, err := r.Ledger.Start(ctx, j.Name, period, r.Instance, started)
	if err != nil {
		return r.failEarly(run, started, fmt.Errorf("run %s: %w", j.Name, err))
	}

	// The work itself, stopped at a safe point if the lock is lost.
	r.Log.Info("job started", "job", j.Name, "period", period)
	counts, err := r.call(ctx, j, run, lease)
	res := r.result(run, started, counts, err)

	// The record outlives a cancelled ctx: a stopping daemon still writes it.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	fin := started.Add(res.Duration)
	if ferr := r.Ledger.Finish(wctx, id, res.Outcome, counts, errText(res.Err), fin); ferr != nil {
		r.Log.Error("job run not recorded", "job", j.Name, "error", ferr)
	}
	r.report(res)
	return res
}

// call runs j's function with panics recovered, cancelling its context
// when the lease is lost.
func (r *Runner) call(ctx context.Context, j Job, run Run, lease Lease) (c Counts, err error) {
	jctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		select {
		case <-lease.Lost():
			cancel(ErrLockLost)
		case <-jctx.Done():
		}
	}()
	defer func() {
		if p := recover(); p != nil {
			r.Log.Error("job panicked", "job", j.Name, "panic", fmt.Sprint(p),
				"stack", string(debug.Stack()))
			err = fmt.Errorf("run %s: %w: %v", j.Name, ErrPanic, p)
		}
	}()
	c, err = j.Func(jctx, run)
	if err != nil && errors.Is(context.Cause(jctx), ErrLockLost) {
		err = fmt.Errorf("run %s: %w: %w", j.Name, ErrLockLost, err)
	}
	return c, err
}

// result builds the Result of a finished call.
func (r *Runner) result(run Run, started time.Time, c Counts, err error) Result {
	res := Result{Run: run, Outcome: OutcomeOK, Counts: c, Duration: r.Clock().Sub(started)}
	if res.Counts == nil {
		res.Counts = Counts{}
	}
	if err != nil {
		res.Outcome, res.Err = OutcomeFailed, err
	}
	return res
}

// failEarly records a run that failed before its function could run
// (the database unreachable, most often) and keeps the record to write
// later if the database refuses it now.
func (r *Runner) failEarly(run Run, started time.Time, err error) Result {
	res := Result{Run: run, Outcome: OutcomeFailed, Counts: Counts{}, Err: err,
		Duration: r.Clock().Sub(started)}
	fin := started.Add(res.Duration)
	r.mu.Lock()
	r.pending = append(r.pending, RunRecord{Job: run.Job, Period: run.Period, Instance: r.Instance,
		StartedAt: started, FinishedAt: &fin, Outcome: OutcomeFailed, Counts: Counts{},
		Error: err.Error()})
	r.mu.Unlock()
	r.report(res)
	return res
}

// flushPending writes the runs kept by failEarly; those that still
// cannot be written stay for the next call.
func (r *Runner) flushPending(ctx context.Context) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for len(r.pending) > 0 {
		if err := r.Ledger.Insert(ctx, r.pending[0]); err != nil {
			return
		}
		r.pending = r.pending[1:]
	}
}

// Pending returns how many runs wait to be recorded.
func (r *Runner) Pending() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pending)
}

// report logs the summary line of a run and counts it in the metrics.
func (r *Runner) report(res Result) {
	r.Metrics.observe(res)
	attrs := []any{"job", res.Run.Job, "period", res.Run.Period,
		"outcome", res.Outcome, "duration", res.Duration.Round(time.Millisecond)}
	for k, v := range res.Counts {
		attrs = append(attrs, k, v)
	}
	if res.Err != nil {
		r.Log.Error("job failed", append(attrs, "error", res.Err)...)
		return
	}
	r.Log.Info("job finished", attrs...)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
