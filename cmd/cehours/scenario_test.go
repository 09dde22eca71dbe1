package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"cehours/internal/store/storetest"
	"cehours/reconcile"
)

// The scenario's files, as a unit secretary and the claims system would
// write them (UTF-8 csv). Every row is there for one finding.
const (
	scenarioUnits = "单位编码,单位名称,负责人,负责人邮箱\n" +
		"U01,基础医学院,李主任,li@example.edu.cn\n"
	scenarioRoster = "工号,姓名,单位编码,单位,人员类别,职称系列,邮箱\n" +
		"000101,赵一,U01,基础医学院,教师,教师,z1@example.edu.cn\n" +
		"000102,钱二,U01,基础医学院,教师,教师,q2@example.edu.cn\n" +
		"000103,孙三,U01,基础医学院,教师,教师,s3@example.edu.cn\n"
	scenarioAttendance = "工号,姓名,活动编号,活动名称,项目序号,科目类型,日期,学时,组织单位\n" +
		// hours-mismatch: the sign-in list says 4, the claim 3.
		"000101,赵一,E-01,临床教学查房示范,4,A,2024-10-10,4,基础医学院\n" +
		// overlapping: a local seminar, credited without a claim, during
		// 孙三's full-time study.
		"000103,孙三,E-02,青年教师教学沙龙,1,A,2024-11-05,4,教师发展中心\n"
	scenarioClaims = "工号,姓名,活动编号,活动名称,项目序号,科目类型,开始日期,结束日期,学时,审核结果\n" +
		"000101,赵一,E-01,临床教学查房示范,4,A,2024-10-10,2024-10-10,3,待审核\n" +
		// cross-year: dates over 30 June with no 学年 column.
		"000102,钱二,,全国医学教育学术年会,26,A,2025-06-29,2025-07-01,8,审核通过\n" +
		// future-date: after the run's date, in the year that has begun.
		"000102,钱二,,高校教师数字素养培训,29,B,2025-09-20,2025-09-20,25,审核通过\n" +
		// overlapping: a full-time study of five months.
		"000103,孙三,,复旦大学脱产进修,20,A,2024-09-01,2025-01-31,90,审核通过\n"
	// The unit sheet before and after the unit corrects it: the unknown
	// type name is fixed, the date outside the stated year is not.
	scenarioSheet = "工号,姓名,活动名称,项目序号,科目类型,开始日期,结束日期,学时,学年,审核结果\n" +
		"000101,赵一,教研室读书会,读书会,A,2024-12-02,2024-12-02,4,2024-2025,通过\n" +
		"000102,钱二,教学能力培训,9,A,2023-05-10,2023-05-10,4,2024-2025,通过\n"
	scenarioSheetFixed = "工号,姓名,活动名称,项目序号,科目类型,开始日期,结束日期,学时,学年,审核结果\n" +
		"000101,赵一,教研室读书会,教研活动,A,2024-12-02,2024-12-02,4,2024-2025,通过\n" +
		"000102,钱二,教学能力培训,9,A,2023-05-10,2023-05-10,4,2024-2025,通过\n"
)

// TestScenarioFlagsAndStableIDs imports small files that raise the
// flags the example university does not, checks each as a discrepancy
// through the store, then re-imports a corrected unit sheet a week later:
// the fixed discrepancy is resolved, the other keeps its id and the day
// it was first seen.
func TestScenarioFlagsAndStableIDs(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		testScenario(t, cli{t: t, dir: dir, db: "sqlite:" + filepath.Join(dir, "cehours.db"), today: "2025-08-20"})
	})
	t.Run("mysql", func(t *testing.T) {
		dsn, _ := storetest.NewMySQLDatabase(t)
		testScenario(t, cli{t: t, dir: t.TempDir(), db: dsn, today: "2025-08-20"})
	})
}

func testScenario(t *testing.T, c cli) {
	write := func(name, body string) string {
		p := filepath.Join(c.dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, f := range []struct{ kind, name, body string }{
		{"units", "units.csv", scenarioUnits},
		{"roster", "roster.csv", scenarioRoster},
		{"attendance", "attendance.csv", scenarioAttendance},
		{"claims", "claims.csv", scenarioClaims},
	} {
		if _, code := c.run("import", "--kind", f.kind, write(f.name, f.body)); code != exitOK {
			t.Fatalf("import %s: exit %d", f.name, code)
		}
	}
	if _, code := c.run("import", "--kind", "unit-sheet", "--unit", "U01", write("u01.csv", scenarioSheet)); code != exitOK {
		t.Fatalf("import unit sheet: exit %d", code)
	}
	// Without --year: the due year 2024-2025 and the year begun.
	if _, code := c.run("reconcile"); code != exitOK {
		t.Fatalf("reconcile: exit %d", code)
	}
	var before, current []reconcile.Discrepancy
	c.runJSON(&before, "discrepancies", "--year", "2024-2025", "--status", "all")
	c.runJSON(&current, "discrepancies", "--year", "2025-2026", "--status", "all")
	find := func(ds []reconcile.Discrepancy, staffNo string, code reconcile.FlagCode) (reconcile.Discrepancy, bool) {
		i := slices.IndexFunc(ds, func(d reconcile.Discrepancy) bool { return d.StaffNo == staffNo && d.Code == code })
		if i < 0 {
			return reconcile.Discrepancy{}, false
		}
		return ds[i], true
	}
	for _, want := range []struct {
		staffNo string
		code    reconcile.FlagCode
	}{
		{"000101", reconcile.FlagHoursMismatch},
		{"000101", reconcile.FlagUnclassifiedActivity},
		{"000102", reconcile.FlagCrossYear},
		{"000102", reconcile.FlagDateOutOfYear},
		{"000103", reconcile.FlagOverlapping},
	} {
		if _, ok := find(before, want.staffNo, want.code); !ok {
			t.Errorf("no %s discrepancy for %s; have %v", want.code, want.staffNo, codesOf(before))
		}
	}

	if _, ok := find(current, "000102", reconcile.FlagFutureDate); !ok {
		t.Errorf("no future-date discrepancy for 000102 in 2025-2026; have %v", codesOf(current))
	}

	// A week later the unit sends its corrected sheet.
	c.today = "2025-08-27"
	if _, code := c.run("import", "--kind", "unit-sheet", "--unit", "U01", write("u01-fixed.csv", scenarioSheetFixed)); code != exitOK {
		t.Fatalf("import corrected unit sheet: exit %d", code)
	}
	if _, code := c.run("reconcile", "--year", "2024-2025"); code != exitOK {
		t.Fatalf("reconcile: exit %d", code)
	}
	var after []reconcile.Discrepancy
	c.runJSON(&after, "discrepancies", "--year", "2024-2025", "--status", "all")
	fixedBefore, _ := find(before, "000101", reconcile.FlagUnclassifiedActivity)
	fixedAfter, ok := find(after, "000101", reconcile.FlagUnclassifiedActivity)
	if !ok || fixedAfter.ID != fixedBefore.ID || fixedAfter.Status != "resolved" {
		t.Errorf("corrected unclassified activity: before %+v, after %+v; want the same id, resolved", fixedBefore, fixedAfter)
	}
	keptBefore, _ := find(before, "000102", reconcile.FlagDateOutOfYear)
	keptAfter, ok := find(after, "000102", reconcile.FlagDateOutOfYear)
	if !ok || keptAfter.ID != keptBefore.ID || keptAfter.Status != "open" ||
		keptAfter.FirstSeen.String() != "2025-08-20" {
		t.Errorf("uncorrected date: before %+v, after %+v; want the same id, open, first seen 2025-08-20", keptBefore, keptAfter)
	}
}

func codesOf(ds []reconcile.Discrepancy) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.StaffNo+":"+string(d.Code))
	}
	return out
}
