package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"cehours/internal/store"
	"cehours/internal/store/storetest"
	"cehours/reconcile"
)

// importRecords imports a file of n attendance records of one event.
func importRecords(t *testing.T, s *store.Store, sha, scope string, n int, failAt int) (store.ImportedFile, error) {
	t.Helper()
	f := store.ImportedFile{Name: "f-" + sha + ".xlsx", Path: "/inbox/f.xlsx", SHA256: sha,
		Kind: reconcile.KindAttendance, Size: 10}
	return s.ImportFile(context.Background(), f, func(w *store.FileWriter) (store.ImportedFile, error) {
		for i := range n {
			if i == failAt {
				return f, errors.New("parse: disk on fire")
			}
			err := w.Record(reconcile.Record{
				Source:  reconcile.SourceRef{Kind: reconcile.KindAttendance, Sheet: "签到表", Row: i + 2},
				StaffNo: fmt.Sprintf("%05d", i), Name: "张伟", Type: 1, Title: "讲座",
				Start: reconcile.NewDate(2024, 3, 5), End: reconcile.NewDate(2024, 3, 5),
				Hours: reconcile.H(4), Flags: []reconcile.FlagCode{reconcile.FlagUnknownStaff},
				Extra: map[string]string{"签到": "已签到"},
			})
			if err != nil {
				return f, err
			}
		}
		if err := w.Reject(store.Reject{Sheet: "签到表", Row: n + 2, Column: "日期", Value: "2024.13.1",
			Code: "bad-date", Message: "日期无法识别"}); err != nil {
			return f, err
		}
		f.Scope, f.Stored, f.Rejected = scope, n, 1
		return f, nil
	})
}

func count(t *testing.T, s *store.Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB.Get(&n, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestImportFileIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		first, err := importRecords(t, s, "aaa", "event:E1", 1234, -1)
		if err != nil {
			t.Fatal(err)
		}
		again, err := importRecords(t, s, "aaa", "event:E1", 1234, -1)
		if !errors.Is(err, store.ErrDuplicate) || again.ID != first.ID {
			t.Fatalf("second import: %v (file %d), want ErrDuplicate of file %d", err, again.ID, first.ID)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM records WHERE active = 1`); n != 1234 {
			t.Errorf("%d active records, want 1234", n)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM files`); n != 1 {
			t.Errorf("%d files, want 1", n)
		}
		var flags, extra string
		if err := s.DB.QueryRow(`SELECT flags, extra FROM records WHERE row_no = 2`).Scan(&flags, &extra); err != nil {
			t.Fatal(err)
		}
		if flags != "unknown-staff" || extra != `{"签到":"已签到"}` {
			t.Errorf("flags %q extra %q", flags, extra)
		}
		files, rejects, err := s.Files(context.Background(), true)
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != 1 || files[0].Stored != 1234 || files[0].Rejected != 1 ||
			len(rejects[files[0].ID]) != 1 || rejects[files[0].ID][0].Value != "2024.13.1" {
			t.Errorf("files %+v rejects %+v", files, rejects)
		}
	})
}

func TestImportFileReplacesOlderInScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		old, err := importRecords(t, s, "old", "event:E1", 3, -1)
		if err != nil {
			t.Fatal(err)
		}
		other, err := importRecords(t, s, "other", "event:E2", 2, -1)
		if err != nil {
			t.Fatal(err)
		}
		newer, err := importRecords(t, s, "new", "event:E1", 5, -1)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			file         int64
			active, kept int
			status       string
		}{{old.ID, 0, 3, store.FileReplaced}, {other.ID, 2, 2, store.FileImported},
			{newer.ID, 5, 5, store.FileImported}} {
			act := count(t, s, `SELECT COUNT(*) FROM records WHERE file_id = ? AND active = 1`, c.file)
			all := count(t, s, `SELECT COUNT(*) FROM records WHERE file_id = ?`, c.file)
			var status string
			if err := s.DB.Get(&status, `SELECT status FROM files WHERE id = ?`, c.file); err != nil {
				t.Fatal(err)
			}
			if act != c.active || all != c.kept || status != c.status {
				t.Errorf("file %d: %d active of %d, %s; want %d of %d, %s",
					c.file, act, all, status, c.active, c.kept, c.status)
			}
		}
	})
}

func TestImportFileAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if _, err := importRecords(t, s, "bad", "event:E1", 1500, 1200); err == nil {
			t.Fatal("import succeeded, want the parse error")
		}
		for _, table := range []string{"files", "records", "rejects"} {
			if n := count(t, s, `SELECT COUNT(*) FROM `+table); n != 0 {
				t.Errorf("%d rows in %s after a failed import, want 0", n, table)
			}
		}
		// The same bytes import once readable.
		if _, err := importRecords(t, s, "bad", "event:E1", 10, -1); err != nil {
			t.Fatal(err)
		}
	})
}

func TestRosterInForce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := store.ImportedFile{Name: "units.csv", SHA256: "u1", Kind: reconcile.KindUnits}
		_, err := s.ImportFile(ctx, f, func(w *store.FileWriter) (store.ImportedFile, error) {
			f.Scope = "all"
			return f, w.Unit(reconcile.Unit{Code: "U01", Name: "基础医学院",
				Heads: []reconcile.Head{{Name: "周强", Email: "zq@x"}, {Name: "吴敏", Email: "wm@x"}}})
		})
		if err != nil {
			t.Fatal(err)
		}
		r := store.ImportedFile{Name: "roster.csv", SHA256: "r1", Kind: reconcile.KindRoster}
		_, err = s.ImportFile(ctx, r, func(w *store.FileWriter) (store.ImportedFile, error) {
			r.Scope = "all"
			return r, w.Person(reconcile.Staff{No: "00123", Name: "张伟", UnitCode: "U01",
				Teacher: true, Birth: reconcile.NewDate(1980, 5, 1)})
		})
		if err != nil {
			t.Fatal(err)
		}
		staff, units, err := s.RosterInForce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(staff) != 1 || staff[0].Name != "张伟" || !staff[0].Teacher || staff[0].Birth.String() != "1980-05-01" {
			t.Errorf("staff = %+v", staff)
		}
		if len(units) != 1 || len(units[0].Heads) != 2 || units[0].Heads[1].Name != "吴敏" {
			t.Errorf("units = %+v", units)
		}
	})
}

// BenchmarkFileWriter measures the store's share of an import: 200,000
// attendance records written in one transaction, no parsing.
func BenchmarkFileWriter(b *testing.B) {
	const rows = 200_000
	for _, st := range []struct {
		name string
		open func(testing.TB) *store.Store
	}{{"sqlite", storetest.SQLite}, {"mysql", storetest.MySQL}} {
		b.Run(st.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s := st.open(b)
				b.StartTimer()
				f := store.ImportedFile{Name: "bench.csv", SHA256: "bench", Kind: reconcile.KindAttendance}
				_, err := s.ImportFile(context.Background(), f, func(w *store.FileWriter) (store.ImportedFile, error) {
					for r := range rows {
						err := w.Record(reconcile.Record{
							Source:  reconcile.SourceRef{Kind: reconcile.KindAttendance, Sheet: "签到表", Row: r + 3},
							StaffNo: fmt.Sprintf("%d", 100000+r%20000), Name: "教师00001", UnitCode: "U01",
							Type: 1 + r%18, TypeRaw: "1", Title: "第0001期教学能力培训讲座", Category: "A",
							Role: "participant", Start: reconcile.NewDate(2024, 9, 1), End: reconcile.NewDate(2024, 9, 1),
							Hours: reconcile.H(4), Extra: map[string]string{"备注": "已签到"},
						})
						if err != nil {
							return f, err
						}
					}
					f.Scope, f.Stored = "all", rows
					return f, nil
				})
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				_ = s.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
