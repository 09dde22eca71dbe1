package jobs

import (
	"context"
	"slices"
	"testing"
	"time"

	"cehours/configs"
	"cehours/internal/store/storetest"
)

func TestOnce(t *testing.T) {
	cfg := configs.Defaults()
	specs := cfg.Schedule.Specs()
	tests := []struct {
		name      string
		now       time.Time
		wantFirst []string // jobs that run, in order
		wantAgain []string // jobs that run when once is repeated an hour later
	}{
		{"a Tuesday in August: everything is due", at(2025, 8, 5, 10, 0),
			[]string{"import", "reconcile", "digest 2025-W32", "unit_reports 2025-W32",
				"reminders 2025-08-01", "send"},
			[]string{"import", "reconcile", "send"}},
		{"a Wednesday in October: only the digest", at(2025, 10, 8, 10, 0),
			[]string{"import", "reconcile", "digest 2025-W41", "send"},
			[]string{"import", "reconcile", "send"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := storetest.SQLite(t)
			clock := newFakeClock(tt.now)
			r := newRunner(t, st, "once", clock.Now)
			var ran []string
			jobs := map[string]Job{}
			for _, name := range PipelineOrder {
				j := Job{Name: name, Func: func(_ context.Context, r Run) (Counts, error) {
					label := r.Job
					if r.Job == KindDigest || r.Job == KindUnitReports || r.Job == KindReminders {
						label += " " + r.Period
					}
					ran = append(ran, label)
					return Counts{}, nil
				}}
				switch name {
				case KindDigest, KindUnitReports:
					j.Period, j.CatchUp = WeekPeriod, true
				case KindReminders:
					j.Period, j.CatchUp = ReminderPeriod(cfg.ReminderDates), true
				}
				jobs[name] = j
			}
			if _, err := Once(t.Context(), r, jobs, specs, cfg.Jobs.CatchUpGrace, clock.Now()); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ran, tt.wantFirst) {
				t.Errorf("first once ran %v, want %v", ran, tt.wantFirst)
			}
			ran = nil
			clock.Advance(time.Hour)
			if _, err := Once(t.Context(), r, jobs, specs, cfg.Jobs.CatchUpGrace, clock.Now()); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ran, tt.wantAgain) {
				t.Errorf("second once ran %v, want %v", ran, tt.wantAgain)
			}
		})
	}
}
