package reportdata_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"cehours/internal/reportdata"
	"cehours/internal/store"
	"cehours/internal/store/storetest"
	"cehours/reconcile"
	"cehours/reports"
)

var (
	year  = reconcile.Year(2024)
	today = reconcile.NewDate(2025, time.August, 4)
)

// seed stores two units, three people, their standings and ledgers, a
// discrepancy each for two of them, a rejected row and a dead message.
func seed(t *testing.T, s *store.Store) {
	t.Helper()
	ledger, _ := json.Marshal([]reconcile.LedgerLine{
		{Type: 1, Title: "临床技能培训讲座", Start: reconcile.NewDate(2024, 10, 12),
			End: reconcile.NewDate(2024, 10, 12), Category: reconcile.CatA,
			Status: reconcile.StatusVerified, StandardHours: 400, Credited: 400,
			Sources: []reconcile.SourceRef{{Kind: reconcile.KindUnitSheet, File: "u01.xlsx",
				Sheet: "Sheet1", Row: 3}}},
		{Type: 2, Title: "课程思政工作坊", Start: reconcile.NewDate(2025, 4, 9),
			End: reconcile.NewDate(2025, 4, 10), Status: reconcile.StatusNotCredited,
			StandardHours: 800, Flags: []reconcile.FlagCode{reconcile.FlagUnclaimedAttendance},
			Sources: []reconcile.SourceRef{{Kind: reconcile.KindAttendance, File: "signin.xlsx",
				Sheet: "签到", Row: 12}}},
	})
	now := time.Date(2025, 8, 4, 1, 0, 0, 0, time.UTC)
	stmts := []struct {
		q    string
		args []any
	}{
		{`INSERT INTO files (id, sha256, name, path, kind, unit_code, status, imported_at)
			VALUES (1, 'a', 'u01.xlsx', 'inbox/u01.xlsx', 'unit-sheet', 'U01', 'imported', ?)`, []any{now}},
		{`INSERT INTO units (file_id, code, name) VALUES (0, 'U01', '基础医学院'), (0, 'U02', '护理学院')`, nil},
		{`INSERT INTO unit_heads (file_id, unit_code, name, email)
			VALUES (0, 'U01', '李主任', 'li@example.edu.cn')`, nil},
		{`INSERT INTO staff (file_id, staff_no, name, unit_code, email) VALUES
			(0, '20230001', '张伟', 'U01', 'zw@example.edu.cn'),
			(0, '20230002', '王芳', 'U01', 'wf@example.edu.cn'),
			(0, '20230003', '陈静', 'U02', 'cj@example.edu.cn')`, nil},
		{`INSERT INTO records (file_id, kind, sheet, row_no, staff_no, year, organiser, evidence)
			VALUES (1, 'unit-sheet', 'Sheet1', 3, '20230001', 2024, '基础医学院', 'JX-001')`, nil},
		{`INSERT INTO rejects (file_id, sheet, row_no, col, value, code, message)
			VALUES (1, 'Sheet1', 9, '开始日期', '2025.13.1', 'bad-date', '日期无法识别')`, nil},
		{`INSERT INTO standings (staff_no, year, unit_code, name, status, if_confirmed,
			hours_a, hours_total, missing_total, missing_a, missing_bc, ledger, computed_at) VALUES
			('20230001', 2024, 'U01', '张伟', 'short', 'short', 400, 400, 8600, 5600, 1800, ?, ?),
			('20230002', 2024, 'U01', '王芳', 'compliant', 'compliant', 9000, 9000, 0, 0, 0, '[]', ?),
			('20230003', 2024, 'U02', '陈静', 'compliant', 'compliant', 9000, 9000, 0, 0, 0, '[]', ?)`,
			[]any{string(ledger), now, now, now}},
		{`INSERT INTO discrepancies (id, code, severity, staff_no, unit_code, year, message,
			action, status, first_seen, last_seen) VALUES
			('D-1', 'no-attendance', 'error', '20230002', 'U01', 2024, '无签到', '补交', 'open', ?, ?),
			('D-2', 'overclaimed', 'warning', '20230003', 'U02', 2024, '超标', '更正', 'open', ?, ?)`,
			[]any{today, today, today, today}},
		{`INSERT INTO outbox (idem_key, kind, recipient, subject, message_id, body, status,
			attempts, next_attempt_at, last_error, created_at)
			VALUES ('reminder/x', 'reminder', 'gone@example.edu.cn', '提醒', '<m@x>', 'x', 'dead',
			8, ?, '550 no such user', ?)`, []any{now, now}},
	}
	for _, st := range stmts {
		if _, err := s.DB.Exec(s.DB.Rebind(st.q), st.args...); err != nil {
			t.Fatalf("seed: %v\n%s", err, st.q)
		}
	}
}

func TestGather(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seed(t, s)
		units, err := reportdata.ReportUnits(ctx, s.DB)
		if err != nil || len(units) != 2 || len(units[0].Heads) != 1 {
			t.Fatalf("units: %+v, %v", units, err)
		}

		// The unit report holds U01's people only.
		r, err := reportdata.UnitReportInput(ctx, s.DB, units[0], year, today)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Discrepancies) != 1 || r.Discrepancies[0].Name != "王芳" ||
			len(r.Short) != 1 || len(r.Unclaimed) != 1 || len(r.Rejected) != 1 {
			t.Fatalf("unit report: %+v", r)
		}
		if _, err := reports.UnitWorkbook(r); err != nil {
			t.Fatal(err)
		}

		// The digest counts every unit.
		d, err := reportdata.DigestInput(ctx, s.DB, year, today)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Units) != 2 || d.Units[0].InScope != 2 || d.Units[0].Short != 1 ||
			d.Units[0].OpenDiscrepancies != 1 || len(d.Short) != 1 || len(d.Dead) != 1 {
			t.Fatalf("digest: %+v", d)
		}

		// Reminders go to the short person and to the one with an open
		// discrepancy, not to a compliant person without one... except
		// that both compliant people here have one: all three.
		var got []string
		err = reportdata.EachReminder(ctx, s.DB, year, today, "", func(r reports.Reminder) error {
			if _, err := reports.ReminderMessage(r); err != nil {
				return err
			}
			got = append(got, r.Staff.No)
			return nil
		})
		if err != nil || len(got) != 3 {
			t.Fatalf("reminders to %v, %v", got, err)
		}

		// The form carries the evidence of the source record.
		p := reconcile.Staff{No: "20230001", Name: "张伟", UnitCode: "U01"}
		f, found, err := reportdata.FormInput(ctx, s.DB, p, "基础医学院", year, today)
		if err != nil || !found || f.Lines[0].Evidence != "JX-001" {
			t.Fatalf("form: %+v, %v, %v", f, found, err)
		}
	})
}

// TestDigestShowsChangeSinceTheLastOne records a digest, changes a
// standing, and checks that the next digest carries the recorded counts
// as each unit's previous ones, and that a digest of the same day does
// not count as "previous".
func TestDigestShowsChangeSinceTheLastOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seed(t, s)
		first, err := reportdata.DigestInput(ctx, s.DB, year, today)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range first.Units {
			if u.Previous != nil {
				t.Fatalf("unit %s has previous counts before any digest was recorded", u.Unit.Code)
			}
		}
		if err := reportdata.RecordDigest(ctx, s.DB, first); err != nil {
			t.Fatal(err)
		}
		same, err := reportdata.DigestInput(ctx, s.DB, year, today)
		if err != nil {
			t.Fatal(err)
		}
		if same.Units[0].Previous != nil {
			t.Error("a digest recorded today counts as previous for another digest today")
		}

		// A week later one more person of U01 is compliant.
		if _, err := s.DB.Exec(`UPDATE standings SET status = 'compliant' WHERE staff_no = '20230001'`); err != nil {
			t.Fatal(err)
		}
		next, err := reportdata.DigestInput(ctx, s.DB, year, today.AddDays(7))
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range next.Units {
			if u.Unit.Code != "U01" {
				continue
			}
			if u.Previous == nil {
				t.Fatal("U01 has no previous counts a week after a recorded digest")
			}
			if u.Previous.Compliant != 1 || u.Previous.Short != 1 || u.Compliant != 2 || u.Short != 0 {
				t.Errorf("U01 now %+v, previous %+v; want compliant 1→2, short 1→0", u.Counts, *u.Previous)
			}
		}
	})
}
