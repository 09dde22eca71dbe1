package jobs

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"cehours/internal/store"
	"cehours/internal/store/storetest"
)

// counter is a job body that counts its calls and returns what it is set
// to return.
type counter struct {
	calls int
	err   error
	panic string
}

func (c *counter) run(context.Context, Run) (Counts, error) {
	c.calls++
	if c.panic != "" {
		panic(c.panic)
	}
	return Counts{"files": 2, "rows": 40}, c.err
}

func TestRunnerRecordsRuns(t *testing.T) {
	tests := []struct {
		name        string
		body        counter
		wantOutcome string
		wantErr     error
		wantRerun   bool // a second run of the period runs again
	}{
		{"success is recorded and not repeated", counter{}, OutcomeOK, nil, false},
		{"failure is recorded and retried", counter{err: store.ErrUnavailable}, OutcomeFailed,
			store.ErrUnavailable, true},
		{"panic is recorded as a failure", counter{panic: "index out of range"}, OutcomeFailed,
			ErrPanic, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				clock := newFakeClock(at(2025, 8, 4, 8, 0))
				r := newRunner(t, s, "test-1", clock.Now)
				body := tt.body
				j := Job{Name: KindDigest, Func: body.run, Period: WeekPeriod}

				res := r.RunAt(t.Context(), j, clock.Now())
				if res.Outcome != tt.wantOutcome || !errors.Is(res.Err, tt.wantErr) {
					t.Fatalf("run: outcome %q, err %v; want %q, %v",
						res.Outcome, res.Err, tt.wantOutcome, tt.wantErr)
				}
				if res.Run.Period != "2025-W32" || res.Run.Today.String() != "2025-08-04" {
					t.Errorf("run = %+v, want period 2025-W32 on 2025-08-04", res.Run)
				}
				got := runs(t, s, KindDigest)
				if len(got) != 1 {
					t.Fatalf("ledger has %d runs, want 1", len(got))
				}
				rec := got[0]
				if rec.Outcome != tt.wantOutcome || rec.Period != "2025-W32" ||
					rec.Instance != "test-1" || rec.FinishedAt == nil {
					t.Errorf("recorded %+v", rec)
				}
				if tt.wantOutcome == OutcomeOK && (rec.Counts["files"] != 2 || rec.Counts["rows"] != 40) {
					t.Errorf("recorded counts %v, want files=2 rows=40", rec.Counts)
				}
				if tt.wantErr != nil && rec.Error == "" {
					t.Error("recorded no error text for a failed run")
				}

				// The same period a day later.
				clock.Advance(24 * time.Hour)
				res = r.RunAt(t.Context(), j, clock.Now())
				if reran := body.calls == 2; reran != tt.wantRerun {
					t.Errorf("second run of the period ran: %v, want %v (result %+v)",
						reran, tt.wantRerun, res)
				}
				if !tt.wantRerun && res.Skipped != "done" {
					t.Errorf("second run skipped %q, want done", res.Skipped)
				}
			})
		})
	}
}

func TestRunnerSkipsTicksWithoutWork(t *testing.T) {
	s := storetest.SQLite(t)
	clock := newFakeClock(at(2025, 8, 2, 9, 0))
	r := newRunner(t, s, "test-1", clock.Now)
	var body counter
	j := Job{Name: KindReminders, Func: body.run, Period: ReminderPeriod([]string{"08-01", "08-15"})}
	res := r.RunAt(t.Context(), j, clock.Now())
	if body.calls != 0 || res.Skipped != "not due" || len(runs(t, s, KindReminders)) != 0 {
		t.Errorf("a reminder job ran on a day that is no reminder date: %+v", res)
	}
}

// TestRunnerMarksAbandonedRuns: a run left "running" by a killed process
// is marked abandoned by the next run, and its period runs again.
func TestRunnerMarksAbandonedRuns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clock := newFakeClock(at(2025, 8, 4, 8, 0))
		l := Ledger{DB: s.DB}
		if _, err := l.Start(t.Context(), KindDigest, "2025-W32", "dead", clock.Now()); err != nil {
			t.Fatal(err)
		}
		r := newRunner(t, s, "test-1", clock.Now)
		var body counter
		res := r.RunAt(t.Context(), Job{Name: KindDigest, Func: body.run, Period: WeekPeriod}, clock.Now())
		if res.Outcome != OutcomeOK || body.calls != 1 {
			t.Fatalf("run after a dead one: %+v", res)
		}
		got := runs(t, s, KindDigest)
		if len(got) != 2 || got[0].Outcome != OutcomeAbandoned || got[1].Outcome != OutcomeOK {
			t.Errorf("ledger = %+v, want abandoned then ok", got)
		}
	})
}

// TestRunnerRecordsAfterOutage: a run that fails because the database is
// unreachable is recorded once the database is back.
func TestRunnerRecordsAfterOutage(t *testing.T) {
	s := storetest.SQLite(t)
	clock := newFakeClock(at(2025, 8, 4, 8, 30))
	r := newRunner(t, s, "test-1", clock.Now)

	// A closed handle stands for the unreachable server.
	down, err := store.Open(t.Context(), s.Name)
	if err != nil {
		t.Fatal(err)
	}
	down.Close()
	good := r.Ledger
	r.Ledger, r.Locker = Ledger{DB: down.DB}, NewLocker(down, "test-1", clock.Now)
	var body counter
	j := Job{Name: KindImport, Func: body.run}
	res := r.RunAt(t.Context(), j, clock.Now())
	if res.Outcome != OutcomeFailed || body.calls != 0 || r.Pending() != 1 {
		t.Fatalf("run during the outage: %+v, pending %d", res, r.Pending())
	}

	// The database is back: the next tick records both runs.
	r.Ledger, r.Locker = good, NewLocker(s, "test-1", clock.Now)
	clock.Advance(30 * time.Minute)
	res = r.RunAt(t.Context(), j, clock.Now())
	if res.Outcome != OutcomeOK || r.Pending() != 0 {
		t.Fatalf("run after the outage: %+v, pending %d", res, r.Pending())
	}
	got := runs(t, s, KindImport)
	if len(got) != 2 || got[0].Outcome != OutcomeFailed || got[1].Outcome != OutcomeOK {
		t.Fatalf("ledger = %+v, want failed then ok", got)
	}
	if !strings.Contains(got[0].Error, "closed") || got[0].Period != "2025-08-04T08:30:00" {
		t.Errorf("failed run recorded as %+v", got[0])
	}
}
