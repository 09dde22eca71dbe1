package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"
)

// Scheduler is the daemon: it fires each job on its schedule through a
// Runner, never runs a job while the same job is still running in this
// process (the Runner's lock covers other processes), catches up the
// periodic jobs missed during downtime on start, and stops gracefully.
type Scheduler struct {
	Runner *Runner
	// Jobs are the jobs by name; Specs their schedules by name. A job
	// with no spec (or an empty one) is not scheduled, but may still be
	// run after another (Job.Then).
	Jobs  map[string]Job
	Specs map[string]string
	// Grace is how far back the catch-up on start looks for a missed
	// period of a CatchUp job.
	Grace time.Duration
	// StopTimeout is how long a stop lets running jobs finish before it
	// cancels their context; they then stop at a safe point.
	StopTimeout time.Duration
	// Shift moves the schedule's calendar; it is the offset of the
	// Runner's clock from real time (zero unless --today is given).
	Shift time.Duration
	Log   *slog.Logger

	busy     map[string]*sync.Mutex
	data     sync.RWMutex // Writes jobs exclusive, Reads jobs shared
	mu       sync.Mutex   // orders wg.Add before the stop's wg.Wait
	wg       sync.WaitGroup
	stopping atomic.Bool
	jobCtx   context.Context
}

// Run runs the daemon until ctx is cancelled, then stops: no new job
// starts, running jobs get StopTimeout to finish before their context is
// cancelled, and Run returns once they have returned (or 10 seconds after
// that cancel at the latest). It returns an error only when a schedule
// cannot be parsed.
func (s *Scheduler) Run(ctx context.Context) error {
	jobCtx, cancelJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelJobs()
	s.jobCtx = jobCtx
	s.busy = make(map[string]*sync.Mutex, len(s.Jobs))
	for name := range s.Jobs {
		s.busy[name] = &sync.Mutex{}
	}

	// Register every scheduled job with cron.
	loc := s.Runner.Location
	c := cron.New(cron.WithLocation(loc))
	scheds, err := s.schedules()
	if err != nil {
		return err
	}
	for _, name := range sortedNames(scheds) {
		sc := scheds[name]
		c.Schedule(shifted{sc, s.Shift}, cron.FuncJob(func() {
			s.fire(name, sc.Tick(s.Runner.Clock().In(loc)))
		}))
	}
	// Bring the data up to date before any report can run (the data lock
	// is taken before cron starts), then catch up what was missed while no
	// daemon ran.
	s.data.Lock()
	c.Start()
	s.Log.Info("daemon started", "instance", s.Runner.Instance, "jobs", len(scheds))
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.refresh(scheds)
		s.catchUp(scheds)
	}()

	<-ctx.Done()
	return s.stop(c, cancelJobs)
}

// schedules parses the spec of every job that has one.
func (s *Scheduler) schedules() (map[string]Schedule, error) {
	out := map[string]Schedule{}
	for name, spec := range s.Specs {
		if spec == "" {
			continue
		}
		if _, ok := s.Jobs[name]; !ok {
			return nil, fmt.Errorf("schedule %s: no such job", name)
		}
		sc, err := ParseSchedule(spec)
		if err != nil {
			return nil, fmt.Errorf("schedule %s: %w", name, err)
		}
		out[name] = sc
	}
	return out, nil
}

// stop stops cron, waits for running jobs up to StopTimeout, then
// cancels them and waits a little more for them to record their runs.
func (s *Scheduler) stop(c *cron.Cron, cancelJobs context.CancelFunc) error {
	s.mu.Lock()
	s.stopping.Store(true)
	s.mu.Unlock()
	c.Stop()
	s.Log.Info("daemon stopping: waiting for running jobs", "timeout", s.StopTimeout)
	idle := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(idle)
	}()
	select {
	case <-idle:
	case <-time.After(s.StopTimeout):
		s.Log.Warn("jobs still running at the stop timeout: cancelling them")
		cancelJobs()
		select {
		case <-idle:
		case <-time.After(10 * time.Second):
			s.Log.Error("jobs did not stop after cancellation; exiting anyway")
		}
	}
	s.Log.Info("daemon stopped", "instance", s.Runner.Instance)
	return nil
}

// fire runs job name for the tick at, unless the daemon is stopping or
// the job is still running from an earlier tick; then the jobs that
// follow it.
func (s *Scheduler) fire(name string, at time.Time) {
	s.fireTick(name, at, false)
}

// fireTick is fire; with wait, it waits for an earlier run of the job to
// finish instead of skipping the tick. A catch-up waits: its period
// (a past reminder date) may differ from the period of the tick that
// holds the job, so skipping it would lose the period until the next
// start.
func (s *Scheduler) fireTick(name string, at time.Time, wait bool) {
	if !s.enter() {
		return
	}
	defer s.wg.Done()
	mu := s.busy[name]
	if wait {
		mu.Lock()
	} else if !mu.TryLock() {
		s.Log.Warn("tick skipped: job still running", "job", name,
			"scheduled", at.Format(time.RFC3339))
		return
	}
	j := s.Jobs[name]
	release := s.hold(j)
	defer release()
	res := s.Runner.RunAt(s.jobCtx, j, at)
	mu.Unlock()
	s.follow(res)
}

// hold takes the data lock a job needs and returns its release.
func (s *Scheduler) hold(j Job) func() {
	switch {
	case j.Writes:
		s.data.Lock()
		return s.data.Unlock
	case j.Reads:
		s.data.RLock()
		return s.data.RUnlock
	}
	return func() {}
}

// refresh runs, on start, every Writes job once in pipeline order
// (import, then reconcile, even one without a schedule of its own),
// without the jobs that follow them, so that the reports caught up next
// see current data. The caller holds the data lock; refresh releases it.
func (s *Scheduler) refresh(scheds map[string]Schedule) {
	defer s.data.Unlock()
	for _, name := range orderedNames(s.Jobs) {
		j := s.Jobs[name]
		if !j.Writes || s.stopping.Load() {
			continue
		}
		at := s.Runner.Clock().In(s.Runner.Location).Truncate(time.Second)
		if sc, ok := scheds[name]; ok {
			at = sc.Tick(at)
		}
		mu := s.busy[name]
		mu.Lock()
		s.Runner.RunAt(s.jobCtx, j, at)
		mu.Unlock()
	}
}

// enter counts a job in unless the daemon is stopping; the caller
// calls s.wg.Done when it returns true.
func (s *Scheduler) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping.Load() {
		return false
	}
	s.wg.Add(1)
	return true
}

// follow runs the jobs that the job of res asks for after a successful
// run, waiting for each to be free in this process, under the data lock
// of the job they follow; their period is derived from the run that
// triggered them.
func (s *Scheduler) follow(res Result) {
	j := s.Jobs[res.Run.Job]
	if res.Outcome != OutcomeOK || j.Then == nil {
		return
	}
	for _, next := range j.Then(res.Counts) {
		nj, ok := s.Jobs[next]
		if !ok || s.stopping.Load() {
			continue
		}
		mu := s.busy[next]
		mu.Lock()
		period := "after " + res.Run.Job + " " + res.Run.Period
		s.Runner.RunPeriod(s.jobCtx, nj, period, res.Run.Scheduled)
		mu.Unlock()
	}
}

// catchUp runs, for each CatchUp job, the latest period it should have
// run within Grace (see Missed); the Runner skips a period that already
// has a successful run.
func (s *Scheduler) catchUp(scheds map[string]Schedule) {
	now := s.Runner.Clock().In(s.Runner.Location)
	for _, m := range s.missed(scheds, now) {
		s.Log.Info("catching up a missed run", "job", m.Job,
			"scheduled", m.At.Format(time.RFC3339))
		s.fireTick(m.Job, m.At, true)
	}
}

// Tick is a job's scheduled instant.
type Tick struct {
	Job string
	At  time.Time
}

// missed returns, in pipeline order, the latest tick within Grace before
// now of each CatchUp job at which the job acts. Whether that tick's
// period already ran is for the Runner to decide.
func (s *Scheduler) missed(scheds map[string]Schedule, now time.Time) []Tick {
	var out []Tick
	for _, name := range orderedNames(scheds) {
		j := s.Jobs[name]
		if !j.CatchUp {
			continue
		}
		acts := func(t time.Time) bool { _, ok := j.periodAt(t); return ok }
		if t, ok := lastTick(scheds[name], now.Add(-s.Grace), now, acts); ok {
			out = append(out, Tick{Job: name, At: t})
		}
	}
	return out
}

// sortedNames returns the keys of m in sorted order.
func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// orderedNames returns the keys of m in pipeline order, unknown names
// last in sorted order.
func orderedNames[V any](m map[string]V) []string {
	var names []string
	for _, n := range PipelineOrder {
		if _, ok := m[n]; ok {
			names = append(names, n)
		}
	}
	for _, n := range sortedNames(m) {
		if !slices.Contains(PipelineOrder, n) {
			names = append(names, n)
		}
	}
	return names
}
