package jobs

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cehours/internal/store"
	"cehours/internal/store/storetest"
)

func TestMissedRuns(t *testing.T) {
	week := 7 * 24 * time.Hour
	jobs := map[string]Job{
		KindImport:      {Name: KindImport},
		KindDigest:      {Name: KindDigest, Period: WeekPeriod, CatchUp: true},
		KindUnitReports: {Name: KindUnitReports, Period: WeekPeriod, CatchUp: true},
		KindReminders: {Name: KindReminders, CatchUp: true,
			Period: ReminderPeriod([]string{"08-01", "08-15", "08-24", "08-29"})},
	}
	specs := map[string]string{
		KindImport: "*/30 * * * *", KindDigest: "0 8 * * MON",
		KindUnitReports: "0 9 * 7,8 MON", KindReminders: "0 9 * 8 *",
	}
	tests := []struct {
		name  string
		now   time.Time
		grace time.Duration
		want  []Tick
	}{
		{"down over Monday morning, started Tuesday", at(2025, 8, 5, 10, 0), week, []Tick{
			{KindDigest, at(2025, 8, 4, 8, 0)},
			{KindUnitReports, at(2025, 8, 4, 9, 0)},
			{KindReminders, at(2025, 8, 1, 9, 0)},
		}},
		{"started on a reminder date before its hour", at(2025, 8, 15, 8, 0), week, []Tick{
			{KindDigest, at(2025, 8, 11, 8, 0)},
			{KindUnitReports, at(2025, 8, 11, 9, 0)},
		}},
		{"started the day after a reminder date", at(2025, 8, 16, 7, 0), week, []Tick{
			{KindDigest, at(2025, 8, 11, 8, 0)},
			{KindUnitReports, at(2025, 8, 11, 9, 0)},
			{KindReminders, at(2025, 8, 15, 9, 0)},
		}},
		{"a short grace lets old periods go", at(2025, 8, 16, 7, 0), 12 * time.Hour, nil},
		{"1 September at dawn: the last August workbook", at(2025, 9, 1, 7, 0), week, []Tick{
			{KindDigest, at(2025, 8, 25, 8, 0)},
			{KindUnitReports, at(2025, 8, 25, 9, 0)},
			{KindReminders, at(2025, 8, 29, 9, 0)},
		}},
		{"October: no workbooks, no reminders", at(2025, 10, 8, 12, 0), week, []Tick{
			{KindDigest, at(2025, 10, 6, 8, 0)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Scheduler{Jobs: jobs, Specs: specs, Grace: tt.grace}
			scheds, err := s.schedules()
			if err != nil {
				t.Fatal(err)
			}
			got := s.missed(scheds, tt.now)
			if len(got) != len(tt.want) {
				t.Fatalf("missed = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i].Job != tt.want[i].Job || !got[i].At.Equal(tt.want[i].At) {
					t.Errorf("missed[%d] = %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// startScheduler runs s in the background and returns the function that
// stops it and waits for Run to return.
func startScheduler(t *testing.T, s *Scheduler) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("scheduler: %v", err)
		}
	}
}

// TestCatchUpOnceAfterDowntime: a daemon started on Tuesday runs the
// digest missed on Monday; restarted, it does not run it again.
func TestCatchUpOnceAfterDowntime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := newFakeClock(at(2025, 8, 5, 10, 0))
		var calls atomic.Int32
		var got Run
		digest := Job{Name: KindDigest, Period: WeekPeriod, CatchUp: true,
			Func: func(_ context.Context, r Run) (Counts, error) {
				calls.Add(1)
				got = r
				return Counts{"queued": 1}, nil
			}}
		newSched := func(logs *logBuffer) *Scheduler {
			r := newRunner(t, st, "test-1", clock.Now)
			r.Log = logs.logger()
			return &Scheduler{Runner: r, Jobs: map[string]Job{KindDigest: digest},
				Specs: map[string]string{KindDigest: "0 8 * * MON"}, Grace: 7 * 24 * time.Hour,
				StopTimeout: time.Second, Log: logs.logger()}
		}

		var logs1 logBuffer
		stop := startScheduler(t, newSched(&logs1))
		waitFor(t, "the catch-up run", func() bool { return strings.Contains(logs1.String(), "job finished") })
		stop()
		if calls.Load() != 1 || got.Period != "2025-W32" || got.Today.String() != "2025-08-04" {
			t.Fatalf("catch-up: %d calls, run %+v; want one for 2025-W32 on 2025-08-04", calls.Load(), got)
		}

		clock.Advance(3 * time.Hour)
		var logs2 logBuffer
		stop = startScheduler(t, newSched(&logs2))
		waitFor(t, "the restarted catch-up", func() bool {
			return strings.Contains(logs2.String(), "period already done")
		})
		stop()
		if calls.Load() != 1 {
			t.Errorf("the digest ran %d times after a restart, want once", calls.Load())
		}
	})
}

// TestStopWaitsForRunningJob: a stop lets a running job finish and record
// its run before Run returns.
func TestStopWaitsForRunningJob(t *testing.T) {
	st := storetest.SQLite(t)
	clock := newFakeClock(at(2025, 8, 5, 10, 0))
	started, release := make(chan struct{}), make(chan struct{})
	digest := Job{Name: KindDigest, Period: WeekPeriod, CatchUp: true,
		Func: func(ctx context.Context, _ Run) (Counts, error) {
			close(started)
			<-release
			return Counts{"queued": 3}, ctx.Err()
		}}
	s := &Scheduler{Runner: newRunner(t, st, "test-1", clock.Now),
		Jobs: map[string]Job{KindDigest: digest}, Specs: map[string]string{KindDigest: "0 8 * * MON"},
		Grace: 7 * 24 * time.Hour, StopTimeout: time.Minute, Log: quietLog()}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	<-started
	cancel()
	select {
	case err := <-done:
		t.Fatalf("Run returned (%v) while a job was still running", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got := runs(t, st, KindDigest)
	if len(got) != 1 || got[0].Outcome != OutcomeOK || got[0].Counts["queued"] != 3 {
		t.Errorf("ledger after stop = %+v, want one ok run", got)
	}
}

// TestStopTimeoutCancelsJob: a job still running at the stop timeout has
// its context cancelled, stops, and is recorded as failed.
func TestStopTimeoutCancelsJob(t *testing.T) {
	st := storetest.SQLite(t)
	clock := newFakeClock(at(2025, 8, 5, 10, 0))
	started := make(chan struct{})
	digest := Job{Name: KindDigest, Period: WeekPeriod, CatchUp: true,
		Func: func(ctx context.Context, _ Run) (Counts, error) {
			close(started)
			<-ctx.Done() // a safe point
			return Counts{"queued": 1}, ctx.Err()
		}}
	s := &Scheduler{Runner: newRunner(t, st, "test-1", clock.Now),
		Jobs: map[string]Job{KindDigest: digest}, Specs: map[string]string{KindDigest: "0 8 * * MON"},
		Grace: 7 * 24 * time.Hour, StopTimeout: 100 * time.Millisecond, Log: quietLog()}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	<-started
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got := runs(t, st, KindDigest)
	if len(got) != 1 || got[0].Outcome != OutcomeFailed || !strings.Contains(got[0].Error, "canceled") {
		t.Errorf("ledger after a stop timeout = %+v, want one failed run", got)
	}
}

// TestTwoDaemonsRunEachPeriodOnce runs two schedulers, each with its own
// connection, against one database for a few seconds of one-second
// ticks: every tick's period runs once, and the caught-up digest once.
func TestTwoDaemonsRunEachPeriodOnce(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		dsn := "sqlite:" + filepath.Join(t.TempDir(), "cehours.db")
		twoDaemons(t, openTwice(t, dsn))
	})
	t.Run("mysql", func(t *testing.T) {
		dsn, _ := storetest.NewMySQLDatabase(t)
		twoDaemons(t, openTwice(t, dsn))
	})
}

func openTwice(t *testing.T, dsn string) [2]*store.Store {
	t.Helper()
	var out [2]*store.Store
	for i := range out {
		s, err := store.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if _, err := s.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		out[i] = s
	}
	return out
}

func twoDaemons(t *testing.T, stores [2]*store.Store) {
	var mu sync.Mutex
	ran := map[string][]string{} // period → instances that ran it
	body := func(instance string) Func {
		return func(ctx context.Context, r Run) (Counts, error) {
			mu.Lock()
			ran[r.Job+" "+r.Period] = append(ran[r.Job+" "+r.Period], instance)
			mu.Unlock()
			time.Sleep(300 * time.Millisecond)
			return Counts{"sent": 1}, nil
		}
	}
	var stops []func()
	for i, st := range stores {
		instance := []string{"daemon-a", "daemon-b"}[i]
		jobs := map[string]Job{
			KindSend:   {Name: KindSend, Func: body(instance)},
			KindDigest: {Name: KindDigest, Func: body(instance), Period: WeekPeriod, CatchUp: true},
		}
		s := &Scheduler{Runner: newRunner(t, st, instance, time.Now), Jobs: jobs,
			Specs: map[string]string{KindSend: "@every 1s", KindDigest: "0 8 * * MON"},
			Grace: 8 * 24 * time.Hour, StopTimeout: 10 * time.Second, Log: quietLog()}
		stops = append(stops, startScheduler(t, s))
	}
	time.Sleep(3500 * time.Millisecond)
	for _, stop := range stops {
		stop()
	}

	mu.Lock()
	defer mu.Unlock()
	sends := 0
	for period, who := range ran {
		if len(who) != 1 {
			t.Errorf("%s ran %d times (%v), want once", period, len(who), who)
		}
		if strings.HasPrefix(period, KindSend) {
			sends++
		}
	}
	if sends < 2 {
		t.Errorf("send ran for %d ticks in 3.5 s of one-second ticks, want at least 2", sends)
	}
	digests := runs(t, stores[0], KindDigest)
	if len(digests) != 1 || digests[0].Outcome != OutcomeOK {
		t.Errorf("digest runs = %+v, want one ok run", digests)
	}
}
