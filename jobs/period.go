package jobs

import (
	"fmt"
	"slices"
	"time"

	"cehours/reconcile"
)

// TickPeriod is the period of a job that runs on every tick: the tick
// itself, to the second, in its own location ("2025-08-04T08:30:00").
// Two daemons that fire the same tick share the period, so one of them
// runs it.
func TickPeriod(t time.Time) (string, bool) {
	return t.Format("2006-01-02T15:04:05"), true
}

// WeekPeriod keys a weekly job by the ISO week of t in t's location,
// "2025-W32". Weeks start on Monday; the first week of a year is the one
// with its first Thursday, so 2024-12-30 is in "2025-W01".
func WeekPeriod(t time.Time) (string, bool) {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w), true
}

// ReminderPeriod returns the period function of the reminders: on a date
// whose "MM-DD" is in dates, the date ("2025-08-15"); on any other date
// the job does not act.
func ReminderPeriod(dates []string) func(t time.Time) (string, bool) {
	return func(t time.Time) (string, bool) {
		if !slices.Contains(dates, t.Format("01-02")) {
			return "", false
		}
		return t.Format(time.DateOnly), true
	}
}

// ReportYear is the academic year the reports of today are about: the
// due year between 1 July and 15 September (the year that ended on 30
// June, whose claims are being collected), else the year in progress.
func ReportYear(today reconcile.Date) reconcile.Year {
	if y := reconcile.DueYear(today); y != 0 {
		return y
	}
	return reconcile.YearOf(today)
}

// ReconcileYears are the academic years a reconcile on today computes:
// the due year, when there is one, and the year in progress, oldest
// first.
func ReconcileYears(today reconcile.Date) []reconcile.Year {
	cur := reconcile.YearOf(today)
	if due := reconcile.DueYear(today); due != 0 {
		return []reconcile.Year{due, cur}
	}
	return []reconcile.Year{cur}
}
