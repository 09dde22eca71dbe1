package importers

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cehours/configs"
	"cehours/reconcile"
)

// testDirectory builds the directory of the fixture roster and units by
// importing them, as production does.
func testDirectory(t testing.TB) *MemDirectory {
	t.Helper()
	var units, roster Collector
	mustParse(t, "units.csv", Options{Kind: reconcile.KindUnits}, &units)
	mustParse(t, "roster.csv", Options{Kind: reconcile.KindRoster,
		Directory: NewDirectory(nil, units.Units)}, &roster)
	return NewDirectory(roster.People, units.Units)
}

func mustParse(t testing.TB, name string, opts Options, sink Sink) {
	t.Helper()
	if _, err := parseFixture(t, name, opts, sink); err != nil {
		t.Fatal(err)
	}
}

func parseFixture(t testing.TB, name string, opts Options, sink Sink) (Summary, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return Parse(context.Background(), name, data, opts, sink)
}

// recordLine is a record in one comparable line.
func recordLine(r reconcile.Record) string {
	return fmt.Sprintf("%s:%d %s %s %s type=%d(%s) %s %s %s..%s h=%s r=%s %v",
		r.Source.Sheet, r.Source.Row, r.StaffNo, r.Name, r.UnitCode, r.Type, r.TypeRaw,
		r.Category, r.Role, r.Start, r.End, r.Hours, r.Review, r.Flags)
}

func rejectLine(e *RowError) string {
	return fmt.Sprintf("%s:%d %s %q %s", e.Sheet, e.Row, e.Column, e.Value, e.Code)
}

func TestFixtures(t *testing.T) {
	rules, err := configs.DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	dir := testDirectory(t)
	tests := []struct {
		name    string
		file    string
		kind    reconcile.SourceKind
		unit    string
		scope   string
		skipped int
		records []string
		rejects []string
		totals  []string
	}{
		{
			name: "sign-in sheet with key-value header, merged unit, numeric staff numbers",
			file: "attendance-kv.xlsx", kind: reconcile.KindAttendance,
			// Skipped: the 合计 row; the empty row 14 is not stored in the file.
			scope: "event:TDC-2024-015", skipped: 1,
			records: []string{
				"签到表:7 00123 张伟 U01 type=2(2)  participant 2024-03-05..2024-03-07 h=0 r= []",
				"签到表:8 00124 李娜 U01 type=2(2)  participant 2024-03-05..2024-03-07 h=0 r= []",
				"签到表:10 00200 刘洋 U02 type=2(2)  participant 2024-03-05..2024-03-07 h=0 r= []",
				"签到表:11 999 路人甲 U02 type=2(2)  participant 2024-03-05..2024-03-07 h=0 r= [unknown-staff]",
				"签到表:12 00201 陈晶 U02 type=2(2)  participant 2024-03-05..2024-03-07 h=0 r= [name-mismatch]",
				"签到表:13 00201 陈静 U02 type=2(2)  participant 2024-03-05..2024-03-07 h=0 r= []",
			},
			rejects: []string{`签到表:9 姓名 "王芳" ambiguous-name`},
		},
		{
			name: "unit sheet with title, serial and text dates, merged dates, bad rows",
			file: "unit-sheet.xlsx", kind: reconcile.KindUnitSheet,
			scope: "unit:U01/2024-2025", skipped: 1,
			records: []string{
				"统计表:3 00123 张伟 U01 type=1(1) A speaker 2024-09-10..2024-09-10 h=4 r=approved []",
				"统计表:4 00123 张伟 U01 type=1(各类培训、讲座、研讨、沙龙) A participant 2024-10-08..2024-10-08 h=4 r=approved []",
				"统计表:5 00124 李娜 U01 type=29(29) C participant 2024-11-01..2024-11-30 h=25 r= []",
				"统计表:6 00124 李娜 U01 type=0(科研训练营) B participant 2024-12-01..2024-12-01 h=8 r=approved [unclassified-activity]",
				"统计表:10 00124 李娜 U01 type=16(16) C participant 2025-05-01..2025-05-01 h=4 r=approved []",
				"统计表:11 00123 张伟 U01 type=16(16) C participant 2025-05-01..2025-05-01 h=4 r=approved []",
			},
			rejects: []string{
				`统计表:7 开始日期 "2024.13.1" bad-date`,
				`统计表:8 学时 "-4" bad-hours`,
				`统计表:9 项目序号 "" missing-type`,
			},
		},
		{
			name: "claims exported as GBK csv",
			file: "claims-gbk.csv", kind: reconcile.KindClaims, scope: "all",
			records: []string{
				":2 00200 刘洋 U02 type=12(12) A participant 2024-09-01..2024-09-01 h=24 r= []",
				":3 00201 陈静 U02 type=15(15) B participant 2024-09-01..2025-01-10 h=8 r=approved []",
				":4 00201 陈静 U02 type=13(13) A participant 2024-10-05..2024-10-05 h=1 r= []",
				":7 00200 刘洋 U02 type=1(1) A participant 2024-10-06..2024-10-06 h=4 r= []",
			},
			rejects: []string{`:5 科目类别 "D" bad-category`, `:6 级别 "市级" bad-level`},
		},
		{
			name: "unit per-person totals",
			file: "unit-totals.xlsx", kind: reconcile.KindUnitSheet, unit: "U02",
			scope: "unit:U02/2024-2025", skipped: 1,
			totals:  []string{"00200 U02 2024-2025 64/10/8", "00201 U02 2024-2025 60/0/18.5"},
			rejects: []string{`汇总:5 专业科目 "abc" bad-hours`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Collector
			sum, err := parseFixture(t, tt.file, Options{Kind: tt.kind, Unit: tt.unit,
				Directory: dir, Types: rules}, &c)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if sum.Scope != tt.scope || sum.Skipped != tt.skipped {
				t.Errorf("scope %q skipped %d, want %q %d", sum.Scope, sum.Skipped, tt.scope, tt.skipped)
			}
			if sum.Stored != len(tt.records)+len(tt.totals) || sum.Rejected != len(tt.rejects) {
				t.Errorf("stored %d rejected %d, want %d %d", sum.Stored, sum.Rejected,
					len(tt.records)+len(tt.totals), len(tt.rejects))
			}
			var got []string
			for _, r := range c.Records {
				got = append(got, recordLine(r))
			}
			compareLines(t, "records", got, tt.records)
			got = nil
			for _, tot := range c.Totals {
				got = append(got, fmt.Sprintf("%s %s %s %s/%s/%s", tot.StaffNo, tot.UnitCode,
					tot.Year, tot.A, tot.B, tot.C))
			}
			compareLines(t, "totals", got, tt.totals)
			got = nil
			for _, e := range c.Rejects {
				got = append(got, rejectLine(e))
				if e.Message == "" || e.File != tt.file {
					t.Errorf("reject %v: no message or wrong file", e)
				}
			}
			compareLines(t, "rejects", got, tt.rejects)
		})
	}
}

func compareLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot:\n%s\nwant:\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestRosterAndUnitsFixtures(t *testing.T) {
	var units, roster Collector
	mustParse(t, "units.csv", Options{Kind: reconcile.KindUnits}, &units)
	if len(units.Units) != 3 || len(units.Rejects) != 1 {
		t.Fatalf("units %d rejects %d, want 3 1", len(units.Units), len(units.Rejects))
	}
	u1, u2 := units.Units[0], units.Units[1]
	if u1.Code != "U01" || len(u1.Heads) != 2 || u1.Heads[1].Email != "wumin@wmu.edu.cn" {
		t.Errorf("U01 = %+v, want two heads from two rows", u1)
	}
	if len(u2.Heads) != 2 || u2.Heads[1] != (reconcile.Head{Name: "冯云", Email: "fengyun@wmu.edu.cn"}) {
		t.Errorf("U02 = %+v, want two heads from one cell", u2)
	}

	sum, err := parseFixture(t, "roster.csv", Options{Kind: reconcile.KindRoster,
		Directory: NewDirectory(nil, units.Units)}, &roster)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Stored != 6 || sum.Rejected != 2 {
		t.Errorf("stored %d rejected %d, want 6 2", sum.Stored, sum.Rejected)
	}
	want := []string{
		"00123 张伟 U01 zhangwei@wmu.edu.cn true 高校教师 1980-05-01 2005-07-01",
		"00124 李娜 U01 lina@wmu.edu.cn true 高校教师 1990-03-12 2015-09-01",
		"00125 王芳 U01 wangfang1@wmu.edu.cn false 实验技术 1985-06-01 ",
		"00126 王芳 U01 wangfang2@wmu.edu.cn false 实验技术 1986-02-03 ",
		"00200 刘洋 U02 liuyang@wmu.edu.cn true 卫生技术 1978-01-02 2001-08-15",
		"00201 陈静 U02 chenjing@wmu.edu.cn true 卫生技术 1982-11-30 ",
	}
	var got []string
	for _, s := range roster.People {
		got = append(got, fmt.Sprintf("%s %s %s %s %v %s %s %s", s.No, s.Name, s.UnitCode,
			s.Email, s.Teacher, s.Series, s.Birth, s.Hired))
	}
	compareLines(t, "staff", got, want)
	var rej []string
	for _, e := range roster.Rejects {
		rej = append(rej, rejectLine(e))
	}
	// Row numbers count the blank line 7, as a spreadsheet shows them.
	compareLines(t, "rejects", rej, []string{`:9 工号 "" missing-staff`, `:10 出生年月 "1988-13-01" bad-date`})
}

func TestBrokenFiles(t *testing.T) {
	tests := []struct {
		name string
		file string
		want error
	}{
		{"legacy xls", "legacy.xls", ErrLegacyXLS},
		{"truncated xlsx", "truncated.xlsx", ErrCorrupt},
		{"text named xlsx", "not-really.xlsx", ErrFormat},
		{"binary named csv", "garbage.csv", ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Collector
			_, err := parseFixture(t, tt.file, Options{Kind: reconcile.KindRoster}, &c)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.Message == "" {
				t.Errorf("err %v carries no Chinese message", err)
			}
		})
	}
}
