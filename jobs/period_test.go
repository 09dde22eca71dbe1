package jobs

import (
	"testing"
	"time"

	"cehours/configs"
	"cehours/reconcile"
)

func TestWeekPeriod(t *testing.T) {
	tests := []struct {
		name string
		at   time.Time
		want string
	}{
		{"a Monday in August", at(2025, 8, 4, 8, 0), "2025-W32"},
		{"the Sunday ending that week", at(2025, 8, 10, 23, 59), "2025-W32"},
		{"late December in next year's first week", at(2024, 12, 30, 8, 0), "2025-W01"},
		{"early January in last year's 53rd week", at(2021, 1, 3, 8, 0), "2020-W53"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, ok := WeekPeriod(tt.at); got != tt.want || !ok {
				t.Errorf("WeekPeriod(%v) = %q, %v; want %q, true", tt.at, got, ok, tt.want)
			}
		})
	}
}

func TestReminderPeriod(t *testing.T) {
	period := ReminderPeriod(configs.Defaults().ReminderDates)
	tests := []struct {
		name string
		at   time.Time
		want string
		acts bool
	}{
		{"first reminder date", at(2025, 8, 1, 9, 0), "2025-08-01", true},
		{"a day between reminders", at(2025, 8, 2, 9, 0), "", false},
		{"last reminder date", at(2025, 8, 29, 9, 0), "2025-08-29", true},
		{"the same day of another month", at(2025, 9, 1, 9, 0), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, acts := period(tt.at)
			if got != tt.want || acts != tt.acts {
				t.Errorf("period(%v) = %q, %v; want %q, %v", tt.at, got, acts, tt.want, tt.acts)
			}
		})
	}
}

func TestReportAndReconcileYears(t *testing.T) {
	tests := []struct {
		name      string
		today     string
		report    reconcile.Year
		reconcile []reconcile.Year
	}{
		{"30 June: the year still in progress", "2025-06-30", 2024, []reconcile.Year{2024}},
		{"1 July: the year just ended is due", "2025-07-01", 2024, []reconcile.Year{2024, 2025}},
		{"31 August: deadline day", "2025-08-31", 2024, []reconcile.Year{2024, 2025}},
		{"15 September: reviewers' last day", "2025-09-15", 2024, []reconcile.Year{2024, 2025}},
		{"16 September: nothing due any more", "2025-09-16", 2025, []reconcile.Year{2025}},
		{"January: the year in progress", "2026-01-10", 2025, []reconcile.Year{2025}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := reconcile.ParseDate(tt.today)
			if err != nil {
				t.Fatal(err)
			}
			if got := ReportYear(d); got != tt.report {
				t.Errorf("ReportYear(%s) = %s, want %s", d, got, tt.report)
			}
			got := ReconcileYears(d)
			if len(got) != len(tt.reconcile) {
				t.Fatalf("ReconcileYears(%s) = %v, want %v", d, got, tt.reconcile)
			}
			for i := range got {
				if got[i] != tt.reconcile[i] {
					t.Errorf("ReconcileYears(%s) = %v, want %v", d, got, tt.reconcile)
				}
			}
		})
	}
}

// TestDefaultSchedule parses the default schedule and checks the next
// run of each job in Shanghai time.
func TestDefaultSchedule(t *testing.T) {
	cfg := configs.Defaults()
	specs := cfg.Schedule.Specs()
	tests := []struct {
		name  string
		job   string
		after time.Time
		want  time.Time
	}{
		{"import on the next half hour", KindImport, at(2025, 8, 4, 8, 7), at(2025, 8, 4, 8, 30)},
		{"reconcile at night", KindReconcile, at(2025, 8, 4, 8, 7), at(2025, 8, 5, 2, 15)},
		{"digest on Monday morning", KindDigest, at(2025, 8, 1, 12, 0), at(2025, 8, 4, 8, 0)},
		{"unit workbooks start in July", KindUnitReports, at(2025, 6, 20, 0, 0), at(2025, 7, 7, 9, 0)},
		{"unit workbooks wait for next July after August", KindUnitReports,
			at(2025, 8, 25, 9, 0), at(2026, 7, 6, 9, 0)},
		{"reminders run daily in August", KindReminders, at(2025, 8, 14, 9, 0), at(2025, 8, 15, 9, 0)},
		{"send on the next multiple of five minutes", KindSend, at(2025, 8, 4, 8, 7), at(2025, 8, 4, 8, 10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSchedule(specs[tt.job])
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Next(tt.after); !got.Equal(tt.want) {
				t.Errorf("next %s after %v = %v, want %v", tt.job, tt.after, got, tt.want)
			}
		})
	}
}

func TestScheduleTick(t *testing.T) {
	every, err := ParseSchedule("@every 5m")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := every.Tick(at(2025, 8, 4, 8, 12).Add(3*time.Second)), at(2025, 8, 4, 8, 10); !got.Equal(want) {
		t.Errorf("@every 5m tick = %v, want %v", got, want)
	}
	cron, err := ParseSchedule("0 8 * * MON")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cron.Tick(at(2025, 8, 4, 8, 0).Add(40*time.Millisecond)), at(2025, 8, 4, 8, 0); !got.Equal(want) {
		t.Errorf("cron tick = %v, want %v", got, want)
	}
	if _, err := ParseSchedule("every monday"); err == nil {
		t.Error("ParseSchedule accepted a spec that is not one")
	}
}

func TestShiftedSchedule(t *testing.T) {
	digest, err := ParseSchedule("0 8 * * MON")
	if err != nil {
		t.Fatal(err)
	}
	// The shifted clock believes it is 2025-08-04 (a Monday) while the real
	// clock reads 2025-08-01 (a Friday): the digest fires at 08:00 real time.
	shift := at(2025, 8, 4, 0, 0).Sub(at(2025, 8, 1, 0, 0))
	s := shifted{digest, shift}
	got := s.Next(at(2025, 8, 1, 7, 0))
	if want := at(2025, 8, 1, 8, 0); !got.Equal(want) {
		t.Errorf("shifted next = %v, want %v", got, want)
	}
}
