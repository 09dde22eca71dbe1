package reports

import (
	"fmt"
	"testing"
	"time"

	"cehours/reconcile"
)

// university is a generated 20,000-staff, 60-unit university: everyone
// short (the largest digest), two discrepancies and twenty ledger lines a
// person.
type university struct {
	digest    Digest
	units     []UnitReport
	reminders []Reminder
}

func newUniversity(staff, units int) university {
	var u university
	u.digest = Digest{Year: fixYear, Today: fixToday, Previous: fixPrev}
	u.units = make([]UnitReport, units)
	for i := range units {
		unit := reconcile.Unit{Code: fmt.Sprintf("U%02d", i+1), Name: fmt.Sprintf("第%d学院", i+1),
			Heads: []reconcile.Head{{Name: "负责人", Email: fmt.Sprintf("head%02d@example.edu.cn", i+1)}}}
		u.units[i] = UnitReport{Unit: unit, Year: fixYear, Today: fixToday}
		u.digest.Units = append(u.digest.Units, UnitSummary{Unit: unit,
			Counts: Counts{InScope: staff / units, Short: staff / units}, Previous: &Counts{}})
	}
	for n := range staff {
		r := &u.units[n%units]
		no := fmt.Sprintf("2%07d", n)
		st := fixStandingZhang()
		st.StaffNo, st.UnitCode, st.Name = no, r.Unit.Code, fmt.Sprintf("职工%d", n)
		u.digest.Short = append(u.digest.Short, st)
		r.Short = append(r.Short, st)
		rem := Reminder{Staff: reconcile.Staff{No: no, Name: st.Name, UnitCode: st.UnitCode,
			Email: no + "@example.edu.cn"}, UnitName: r.Unit.Name, Standing: st, Today: fixToday}
		for k := range 2 {
			d := fixDiscrepancy(fmt.Sprintf("D-%s-%d", no, k), reconcile.FlagNoAttendance,
				reconcile.SevError, no, st.Name, "临床技能培训讲座")
			d.UnitCode = r.Unit.Code
			r.Discrepancies = append(r.Discrepancies, d)
			rem.Discrepancies = append(rem.Discrepancies, d.Discrepancy)
		}
		for k := range 20 {
			l := fixLines()[k%5]
			l.StaffNo = no
			l.Start = l.Start.AddDays(-k)
			rem.Lines = append(rem.Lines, l)
		}
		u.reminders = append(u.reminders, rem)
	}
	for _, r := range u.units {
		u.digest.Codes = append(u.digest.Codes, CodeCount{Code: reconcile.FlagNoAttendance,
			Severity: reconcile.SevError, UnitCode: r.Unit.Code, Open: len(r.Discrepancies)})
	}
	return u
}

// BenchmarkUniversity builds the reports of a 20,000-staff, 60-unit
// university: one digest, 60 unit workbooks and 20,000 reminders.
func BenchmarkUniversity(b *testing.B) {
	u := newUniversity(20000, 60)
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		if _, err := DigestMessage(u.digest); err != nil {
			b.Fatal(err)
		}
		digest := time.Since(start)
		for _, r := range u.units {
			if _, err := UnitMessage(r); err != nil {
				b.Fatal(err)
			}
		}
		unit := time.Since(start) - digest
		for _, r := range u.reminders {
			if _, err := ReminderMessage(r); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(digest.Seconds(), "digest-s")
		b.ReportMetric(unit.Seconds(), "units-s")
		b.ReportMetric((time.Since(start) - digest - unit).Seconds(), "reminders-s")
	}
}
