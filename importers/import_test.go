package importers

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cehours/configs"
	"cehours/internal/store"
	"cehours/internal/store/storetest"
	"cehours/reconcile"
)

// copyFixture copies a fixture into dir under name.
func copyFixture(t *testing.T, fixture, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", fixture))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	// Files arrive one second apart, in the order the test copies them:
	// the inbox imports the oldest first.
	copied++
	mod := time.Date(2025, 8, 1, 9, 0, copied, 0, time.UTC)
	if err := os.Chtimes(p, mod, mod); err != nil {
		t.Fatal(err)
	}
	return p
}

// copied counts the fixtures copied, to give each a later time.
var copied int

func newImporter(t *testing.T, s *store.Store) *Importer {
	rules, err := configs.DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	return &Importer{Store: s, Types: rules, Inbox: filepath.Join(root, "inbox"),
		Archive: filepath.Join(root, "archive"), Failed: filepath.Join(root, "failed")}
}

func TestImportInbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		im := newImporter(t, s)
		in := im.Inbox
		copyFixture(t, "units.csv", filepath.Join(in, "units"), "units.csv")
		copyFixture(t, "roster.csv", filepath.Join(in, "roster"), "roster.csv")
		copyFixture(t, "attendance-kv.xlsx", filepath.Join(in, "attendance"), "签到表.xlsx")
		copyFixture(t, "unit-sheet.xlsx", filepath.Join(in, "unit-sheet"), "基础医学院.xlsx")
		copyFixture(t, "unit-totals.xlsx", filepath.Join(in, "unit-sheet", "U02"), "汇总.xlsx")
		copyFixture(t, "claims-gbk.csv", filepath.Join(in, "claims"), "claims.csv")
		copyFixture(t, "legacy.xls", filepath.Join(in, "claims"), "old.xls")
		// Neither a lock file, nor a link, nor an unknown extension is touched.
		copyFixture(t, "units.csv", filepath.Join(in, "claims"), "~$claims.xlsx")
		copyFixture(t, "units.csv", filepath.Join(in, "claims"), "notes.txt")
		outside := copyFixture(t, "claims-gbk.csv", t.TempDir(), "secret.csv")
		if err := os.Symlink(outside, filepath.Join(in, "claims", "link.csv")); err != nil {
			t.Fatal(err)
		}

		outs, err := im.ImportInbox(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, o := range outs {
			line := filepath.Base(o.Path) + " " + o.File.Status + " " + o.File.Scope
			if o.Failed != nil {
				line += " " + o.Failed.Err.Error()
			}
			got = append(got, line)
		}
		compareLines(t, "outcomes", got, []string{
			"units.csv imported all",
			"roster.csv imported all",
			"签到表.xlsx imported event:TDC-2024-015",
			"基础医学院.xlsx imported unit:U01/2024-2025",
			"汇总.xlsx imported unit:U02/2024-2025",
			"claims.csv imported all",
			"old.xls failed  legacy .xls workbook",
		})

		// The roster imported first resolved the attendance's numeric 工号.
		if n := countRows(t, s, `SELECT COUNT(*) FROM records WHERE staff_no = '00123' AND kind = 'attendance'`); n != 1 {
			t.Errorf("attendance of 00123: %d rows, want 1", n)
		}
		if n := countRows(t, s, `SELECT COUNT(*) FROM rejects`); n != 1+2+1+3+1+2 {
			t.Errorf("%d rejects, want 10", n)
		}
		for _, p := range []string{"archive/units/units.csv", "archive/attendance/签到表.xlsx",
			"archive/unit-sheet/U02/汇总.xlsx", "failed/claims/old.xls", "failed/claims/old.xls.error.txt",
			"inbox/claims/~$claims.xlsx", "inbox/claims/notes.txt", "inbox/claims/link.csv"} {
			if _, err := os.Lstat(filepath.Join(filepath.Dir(in), p)); err != nil {
				t.Errorf("%s: %v", p, err)
			}
		}
		msg, _ := os.ReadFile(filepath.Join(filepath.Dir(in), "failed/claims/old.xls.error.txt"))
		if !strings.Contains(string(msg), ".xlsx") {
			t.Errorf("error.txt = %q, want the advice to save as .xlsx", msg)
		}

		// The same bytes again change nothing.
		before := countRows(t, s, `SELECT COUNT(*) FROM records`)
		copyFixture(t, "attendance-kv.xlsx", filepath.Join(in, "attendance"), "again.xlsx")
		outs, err = im.ImportInbox(ctx)
		if err != nil || len(outs) != 1 || !outs[0].Duplicate {
			t.Fatalf("re-import: %+v, %v; want one duplicate", outs, err)
		}
		if after := countRows(t, s, `SELECT COUNT(*) FROM records`); after != before {
			t.Errorf("re-import changed records: %d → %d", before, after)
		}
	})
}

func countRows(t *testing.T, s *store.Store, q string) int {
	t.Helper()
	var n int
	if err := s.DB.Get(&n, q); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportReplacesUnitSheet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		im := newImporter(t, s)
		dir := t.TempDir()
		first := copyFixture(t, "unit-sheet.xlsx", dir, "v1.xlsx")
		if _, err := im.Import(ctx, first, reconcile.KindUnitSheet, "U01"); err != nil {
			t.Fatal(err)
		}
		// A corrected sheet of the same unit and year: one row fewer.
		csv := "工号,姓名,项目序号,活动名称,科目类型,日期,学时,审核结果\n" +
			"00123,张伟,1,讲座,A,2024-09-10,4,通过\n"
		second := filepath.Join(dir, "v2.csv")
		if err := os.WriteFile(second, []byte(csv), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := im.Import(ctx, second, reconcile.KindUnitSheet, "U01")
		if err != nil || out.File.Scope != "unit:U01/2024-2025" {
			t.Fatalf("import v2: %+v, %v", out, err)
		}
		if n := countRows(t, s, `SELECT COUNT(*) FROM records WHERE active = 1`); n != 1 {
			t.Errorf("%d active records, want the 1 of the newer sheet", n)
		}
		if n := countRows(t, s, `SELECT COUNT(*) FROM records WHERE active = 0`); n != 6 {
			t.Errorf("%d inactive records, want the 6 of the older sheet kept", n)
		}
	})
}

func TestImportUnreadableIsRecorded(t *testing.T) {
	s := storetest.SQLite(t)
	im := newImporter(t, s)
	p := copyFixture(t, "truncated.xlsx", t.TempDir(), "t.xlsx")
	out, err := im.Import(context.Background(), p, reconcile.KindClaims, "")
	if err != nil || out.Failed == nil || !errors.Is(out.Failed, ErrCorrupt) {
		t.Fatalf("import: %+v, %v; want a recorded ErrCorrupt", out, err)
	}
	files, _, err := s.Files(context.Background(), false)
	if err != nil || len(files) != 1 || files[0].Status != store.FileFailed || !files[0].Error.Valid {
		t.Fatalf("files = %+v, %v", files, err)
	}
}
