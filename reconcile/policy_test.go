package reconcile_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"cehours/configs"
	"cehours/reconcile"
)

// The real embedded rules: every test here checks rules.yaml and the
// engine together.
var defaultRules = sync.OnceValue(func() *reconcile.RuleSet {
	rs, err := configs.DefaultRules()
	if err != nil {
		panic(err)
	}
	return rs
})

// opt sets one fact of a test occurrence.
type opt func(*reconcile.Occurrence)

func cat(c reconcile.Category) opt  { return func(o *reconcile.Occurrence) { o.Category = c } }
func role(r reconcile.Role) opt     { return func(o *reconcile.Occurrence) { o.Role = r } }
func count(n int) opt               { return func(o *reconcile.Occurrence) { o.Count = n } }
func days(n int) opt                { return func(o *reconcile.Occurrence) { o.Days = n } }
func until(d string) opt            { return func(o *reconcile.Occurrence) { o.End = date(d) } }
func level(l reconcile.Level) opt   { return func(o *reconcile.Occurrence) { o.Level = l } }
func share(parts int) opt           { return func(o *reconcile.Occurrence) { o.Share = parts } }
func stated(h string) opt           { return func(o *reconcile.Occurrence) { o.Stated = hrs(h) } }
func title(s string) opt            { return func(o *reconcile.Occurrence) { o.Title = s } }
func status(s reconcile.Status) opt { return func(o *reconcile.Occurrence) { o.Status = s } }
func key(k string) opt              { return func(o *reconcile.Occurrence) { o.Key = k } }
func accepted(h string) opt         { return func(o *reconcile.Occurrence) { o.Accepted = hrs(h) } }

// occ returns a verified occurrence of type typ on start, category A,
// with a key that keeps the order the test lists occurrences in when
// starts tie.
func occ(typ int, start string, opts ...opt) *reconcile.Occurrence {
	o := &reconcile.Occurrence{
		StaffNo: "T001", Type: typ, Start: date(start), End: date(start),
		Category: reconcile.CatA, Status: reconcile.StatusVerified, Title: "测试活动",
		Records: []reconcile.Record{{Source: reconcile.SourceRef{
			Kind: reconcile.KindUnitSheet, File: "u01.xlsx", Sheet: "Sheet1", Row: 3}}},
	}
	for _, f := range opts {
		f(o)
	}
	if o.Key == "" {
		o.Key = fmt.Sprintf("%s/%d/%s/%s/%d", o.StaffNo, typ, start, o.Role, o.Count)
	}
	return o
}

func date(s string) reconcile.Date {
	d, err := reconcile.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func hrs(s string) reconcile.Hours {
	h, err := reconcile.ParseHours(s)
	if err != nil {
		panic(err)
	}
	return h
}

// want is what Evaluate must fill into one occurrence: "standard bonus
// credited capped", as hours, e.g. "4 4 8 0".
type want struct {
	hours string
	flags []reconcile.FlagCode // flags Evaluate owns, in any order
	whole bool
}

var (
	teacher = reconcile.Staff{No: "T001", Name: "张伟", UnitCode: "U01", Teacher: true,
		Series: "教师", Birth: date("1985-03-02")}
	y2024   = reconcile.Year(2024)
	yearEnd = date("2025-09-01")
)

// TestTypes runs every activity type of the policy's table, with caps
// reached and not, bonuses, fixed programmes, levels, roles and shares.
func TestTypes(t *testing.T) {
	capped := []reconcile.FlagCode{reconcile.FlagCapped}
	cases := []struct {
		name string
		occs []*reconcile.Occurrence
		want []want
	}{
		{"1 two sessions", []*reconcile.Occurrence{occ(1, "2024-09-10", count(2))},
			[]want{{hours: "8 0 8 0"}}},
		{"1 year cap reached within one record", []*reconcile.Occurrence{
			occ(1, "2024-09-10", count(5))},
			[]want{{hours: "20 0 16 4", flags: capped}}},
		{"1 speaker bonus outside the cap", []*reconcile.Occurrence{
			occ(1, "2024-09-10", count(4)),
			occ(1, "2024-10-10", role(reconcile.RoleSpeaker))},
			[]want{{hours: "16 0 16 0"}, {hours: "4 4 4 4", flags: capped}}},
		{"1 convener bonus per session", []*reconcile.Occurrence{
			occ(1, "2024-09-10", role(reconcile.RoleConvener), count(2))},
			[]want{{hours: "8 8 16 0"}}},
		{"2 days inclusive and convener bonus per session", []*reconcile.Occurrence{
			occ(2, "2024-10-08", until("2024-10-10"), role(reconcile.RoleConvener))},
			[]want{{hours: "12 4 16 0"}}},
		{"2 stated days win over dates", []*reconcile.Occurrence{
			occ(2, "2024-10-08", until("2024-10-10"), days(2))},
			[]want{{hours: "8 0 8 0"}}},
		{"2 year cap", []*reconcile.Occurrence{
			occ(2, "2024-10-08", until("2024-10-12"))},
			[]want{{hours: "20 0 16 4", flags: capped}}},
		{"3 cap cuts the later record, whatever the keys", []*reconcile.Occurrence{
			occ(3, "2024-09-01", count(3), key("z")), occ(3, "2024-11-01", count(2), key("a"))},
			[]want{{hours: "12 0 12 0"}, {hours: "8 0 4 4", flags: capped}}},
		{"4 lecturing teacher bonus", []*reconcile.Occurrence{
			occ(4, "2024-09-01", role(reconcile.RoleSpeaker))},
			[]want{{hours: "4 4 8 0"}}},
		{"4 cap", []*reconcile.Occurrence{occ(4, "2024-09-01", count(5))},
			[]want{{hours: "20 0 16 4", flags: capped}}},
		{"5 cap 8", []*reconcile.Occurrence{occ(5, "2024-09-01", count(2)),
			occ(5, "2024-09-02")},
			[]want{{hours: "8 0 8 0"}, {hours: "4 0 0 4", flags: capped}}},
		{"6 per course, cap 16", []*reconcile.Occurrence{occ(6, "2024-09-01", count(5))},
			[]want{{hours: "20 0 16 4", flags: capped}}},
		{"7 per day, cap 8", []*reconcile.Occurrence{
			occ(7, "2024-09-01", until("2024-09-03"))},
			[]want{{hours: "12 0 8 4", flags: capped}}},
		{"8 per time, no cap", []*reconcile.Occurrence{occ(8, "2024-09-01", count(5))},
			[]want{{hours: "20 0 20 0"}}},
		{"9 新教师研习营 fixed whatever the days", []*reconcile.Occurrence{
			occ(9, "2024-08-20", until("2024-08-25"), title("2024年新教师研习营"))},
			[]want{{hours: "16 0 16 0"}}},
		{"9 the other fixed programmes", []*reconcile.Occurrence{
			occ(9, "2024-09-01", title("现代教育技术培训（第3期）")),
			occ(9, "2024-09-02", title("动物实验技术培训")),
			occ(9, "2024-09-03", title("新辅导员岗前培训")),
			occ(9, "2024-09-04", title("新教师上岗前教育"))},
			[]want{{hours: "12 0 12 0"}, {hours: "8 0 8 0"}, {hours: "20 0 20 0"},
				{hours: "8 0 8 0"}}},
		{"9 other training per day", []*reconcile.Occurrence{
			occ(9, "2024-09-01", until("2024-09-02"), title("实验室安全培训"))},
			[]want{{hours: "8 0 8 0"}}},
		{"9 other training capped at 24 a programme", []*reconcile.Occurrence{
			occ(9, "2024-09-01", until("2024-09-07"), title("科研能力提升培训班"))},
			[]want{{hours: "24 0 24 0"}}},
		{"10 thirty a year however many records", []*reconcile.Occurrence{
			occ(10, "2024-09-01"), occ(10, "2025-03-01")},
			[]want{{hours: "30 0 30 0"}, {hours: "30 0 0 30", flags: capped}}},
		{"11 ninety and the whole year", []*reconcile.Occurrence{
			occ(11, "2024-09-01", cat(reconcile.CatB))},
			[]want{{hours: "90 0 90 0", whole: true}}},
		{"12 host: school and provincial, capped at 24", []*reconcile.Occurrence{
			occ(12, "2024-09-01", role(reconcile.RoleHost), level(reconcile.LevelSchool)),
			occ(12, "2024-10-01", role(reconcile.RoleHost), level(reconcile.LevelProvincial))},
			[]want{{hours: "12 0 12 0"}, {hours: "24 0 12 12", flags: capped}}},
		{"12 host of one and member of another: 32", []*reconcile.Occurrence{
			occ(12, "2024-09-01", role(reconcile.RoleHost), level(reconcile.LevelNational)),
			occ(12, "2024-10-01", role(reconcile.RoleMember), level(reconcile.LevelProvincial))},
			[]want{{hours: "24 0 24 0"}, {hours: "24 0 8 16", flags: capped}}},
		{"12 member and participant share the others' cap", []*reconcile.Occurrence{
			occ(12, "2024-09-01", role(reconcile.RoleMember), level(reconcile.LevelSchool)),
			occ(12, "2024-10-01", level(reconcile.LevelSchool))},
			[]want{{hours: "12 0 8 4", flags: capped}, {hours: "12 0 0 12", flags: capped}}},
		{"12 level not stated counts as school", []*reconcile.Occurrence{
			occ(12, "2024-09-01", role(reconcile.RoleHost))},
			[]want{{hours: "12 0 12 0"}}},
		{"13 nine questions are 2.25, capped at 2", []*reconcile.Occurrence{
			occ(13, "2024-09-01", role(reconcile.RoleAsking), count(9))},
			[]want{{hours: "2.25 0 2 0.25", flags: capped}}},
		{"13 four questions are one hour", []*reconcile.Occurrence{
			occ(13, "2024-09-01", role(reconcile.RoleAsking), count(4))},
			[]want{{hours: "1 0 1 0"}}},
		{"13 answers uncapped, questions capped on their own", []*reconcile.Occurrence{
			occ(13, "2024-09-01", role(reconcile.RoleAsking), count(6)),
			occ(13, "2024-09-02", role(reconcile.RoleAnswering), count(5)),
			occ(13, "2024-09-03", role(reconcile.RoleAsking), count(3))},
			[]want{{hours: "1.5 0 1.5 0"}, {hours: "5 0 5 0"},
				{hours: "0.75 0 0.5 0.25", flags: capped}}},
		{"13 neither asking nor answering earns nothing", []*reconcile.Occurrence{
			occ(13, "2024-09-01", count(3))},
			[]want{{hours: "0 0 0 0"}}},
		{"14 cap 16", []*reconcile.Occurrence{occ(14, "2024-09-01", count(3)),
			occ(14, "2024-10-01", count(3))},
			[]want{{hours: "12 0 12 0"}, {hours: "12 0 4 8", flags: capped}}},
		{"15 shared by three mentors", []*reconcile.Occurrence{
			occ(15, "2024-09-01", role(reconcile.RoleMentor), share(3333))},
			[]want{{hours: "5.33 0 5.33 0"}}},
		{"15 two courses, half share", []*reconcile.Occurrence{
			occ(15, "2024-09-01", count(2), share(5000))},
			[]want{{hours: "16 0 16 0"}}},
		{"15 no share is the whole", []*reconcile.Occurrence{occ(15, "2024-09-01")},
			[]want{{hours: "16 0 16 0"}}},
		{"16 per day, cap 8", []*reconcile.Occurrence{
			occ(16, "2024-09-01", until("2024-09-02")), occ(16, "2024-12-01")},
			[]want{{hours: "8 0 8 0"}, {hours: "4 0 0 4", flags: capped}}},
		{"17 as stated without a year's setting, category C", []*reconcile.Occurrence{
			occ(17, "2024-09-01", cat(""), stated("6"))},
			[]want{{hours: "6 0 6 0"}}},
		{"18 as approved within 16", []*reconcile.Occurrence{
			occ(18, "2024-09-01", stated("10")), occ(18, "2024-10-01", stated("10"))},
			[]want{{hours: "10 0 10 0"}, {hours: "10 0 6 4", flags: capped}}},
		{"19 per certificate", []*reconcile.Occurrence{occ(19, "2024-09-01", count(2))},
			[]want{{hours: "60 0 60 0"}}},
		{"20 exactly four months: 90 and the whole year", []*reconcile.Occurrence{
			occ(20, "2024-09-01", until("2024-12-31"))},
			[]want{{hours: "90 0 90 0", whole: true}}},
		{"20 one day short of four months", []*reconcile.Occurrence{
			occ(20, "2024-09-01", until("2024-12-30"))},
			[]want{{hours: "72 0 72 0"}}},
		{"20 exactly three months is no short study", []*reconcile.Occurrence{
			occ(20, "2024-09-15", until("2024-12-14"))},
			[]want{{hours: "72 0 72 0"}}},
		{"20 under three months is flagged", []*reconcile.Occurrence{
			occ(20, "2024-09-15", until("2024-12-13"))},
			[]want{{hours: "48 0 48 0", flags: []reconcile.FlagCode{reconcile.FlagShortStudy}}}},
		{"21 per day, 48 a study", []*reconcile.Occurrence{
			occ(21, "2024-09-01", until("2024-09-15"))},
			[]want{{hours: "48 0 48 0"}}},
		{"21 under the study cap", []*reconcile.Occurrence{
			occ(21, "2024-09-01", until("2024-09-05"))},
			[]want{{hours: "20 0 20 0"}}},
		{"22 sixty-four", []*reconcile.Occurrence{occ(22, "2024-09-01")},
			[]want{{hours: "64 0 64 0"}}},
		{"23 exactly six months: 90 and the whole year", []*reconcile.Occurrence{
			occ(23, "2024-09-01", until("2025-02-28"))},
			[]want{{hours: "90 0 90 0", whole: true}}},
		{"23 one day short of six months", []*reconcile.Occurrence{
			occ(23, "2024-09-01", until("2025-02-27"))},
			[]want{{hours: "75 0 75 0"}}},
		{"24 per day, 24 a time", []*reconcile.Occurrence{
			occ(24, "2024-09-01", until("2024-09-07")), occ(24, "2024-10-01", days(2))},
			[]want{{hours: "24 0 24 0"}, {hours: "8 0 8 0"}}},
		{"25 8 a time and 8 a year", []*reconcile.Occurrence{
			occ(25, "2024-09-01", until("2024-09-03")), occ(25, "2024-10-01")},
			[]want{{hours: "8 0 8 0"}, {hours: "4 0 0 4", flags: capped}}},
		{"26 8 a time, 16 a year, speaker bonus outside", []*reconcile.Occurrence{
			occ(26, "2024-09-01", until("2024-09-03"), role(reconcile.RoleSpeaker)),
			occ(26, "2024-10-01", until("2024-10-02")),
			occ(26, "2024-11-01", role(reconcile.RoleSpeaker))},
			[]want{{hours: "8 4 12 0"}, {hours: "8 0 8 0"}, {hours: "4 4 4 4", flags: capped}}},
		{"27 per time", []*reconcile.Occurrence{occ(27, "2024-09-01", count(2))},
			[]want{{hours: "8 0 8 0"}}},
		{"28 speaker bonus", []*reconcile.Occurrence{
			occ(28, "2024-09-01", role(reconcile.RoleSpeaker)), occ(28, "2024-09-02")},
			[]want{{hours: "4 4 8 0"}, {hours: "4 0 4 0"}}},
		{"29 per course", []*reconcile.Occurrence{occ(29, "2024-09-01", count(2))},
			[]want{{hours: "50 0 50 0"}}},
		{"30 speaker bonus", []*reconcile.Occurrence{
			occ(30, "2024-09-01", role(reconcile.RoleSpeaker), count(2))},
			[]want{{hours: "8 8 16 0"}}},
		{"31 cap 16", []*reconcile.Occurrence{occ(31, "2024-09-01", count(5))},
			[]want{{hours: "20 0 16 4", flags: capped}}},
		{"32 as approved within 16", []*reconcile.Occurrence{
			occ(32, "2024-09-01", stated("20"))},
			[]want{{hours: "20 0 16 4", flags: capped}}},
		{"caps are per type", []*reconcile.Occurrence{
			occ(1, "2024-09-01", count(4)), occ(14, "2024-09-02", count(4))},
			[]want{{hours: "16 0 16 0"}, {hours: "16 0 16 0"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defaultRules().Evaluate(teacher, y2024, tc.occs, yearEnd)
			for i, o := range tc.occs {
				checkOcc(t, i, o, tc.want[i])
			}
		})
	}
}

// checkOcc compares what Evaluate filled into o with w.
func checkOcc(t *testing.T, i int, o *reconcile.Occurrence, w want) {
	t.Helper()
	got := fmt.Sprintf("%s %s %s %s", o.Standard, o.Bonus, o.Credited, o.Capped)
	if got != w.hours {
		t.Errorf("occurrence %d: standard bonus credited capped = %q, want %q (rule %q)",
			i, got, w.hours, o.Rule)
	}
	if o.WholeYear != w.whole {
		t.Errorf("occurrence %d: whole year %v, want %v", i, o.WholeYear, w.whole)
	}
	var codes []reconcile.FlagCode
	for _, f := range o.Flags {
		codes = append(codes, f.Code)
	}
	slices.Sort(codes)
	wantCodes := slices.Clone(w.flags)
	slices.Sort(wantCodes)
	if !slices.Equal(codes, wantCodes) {
		t.Errorf("occurrence %d: flags %v, want %v", i, codes, wantCodes)
	}
	if o.Capped > 0 && !strings.Contains(o.CapNote, "已计满") {
		t.Errorf("occurrence %d: cap note %q does not say the cap was reached", i, o.CapNote)
	}
	if o.Rule == "" {
		t.Errorf("occurrence %d: no rule text", i)
	}
}

func TestWholeMonths(t *testing.T) {
	cases := []struct {
		name       string
		start, end string
		want       int
	}{
		{"four calendar months", "2024-09-01", "2024-12-31", 4},
		{"a day short", "2024-09-01", "2024-12-30", 3},
		{"mid-month to mid-month", "2024-09-15", "2025-01-14", 4},
		{"leap February from 31 January", "2024-01-31", "2024-02-29", 1},
		{"common February from 31 January", "2023-01-31", "2023-02-28", 1},
		{"February alone, leap year", "2024-02-01", "2024-02-29", 1},
		{"February one day short, leap year", "2024-02-01", "2024-02-28", 0},
		{"across the year end", "2024-11-01", "2025-04-30", 6},
		{"one day", "2024-09-01", "2024-09-01", 0},
		{"end before start", "2024-09-01", "2024-08-01", 0},
		{"no end date", "2024-09-01", "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var end reconcile.Date
			if tc.end != "" {
				end = date(tc.end)
			}
			if got := reconcile.WholeMonths(date(tc.start), end); got != tc.want {
				t.Errorf("WholeMonths(%s, %s) = %d, want %d", tc.start, tc.end, got, tc.want)
			}
		})
	}
}

// TestCategories checks a category outside the type's set, a missing one
// and a single-category type.
func TestCategories(t *testing.T) {
	notAllowed := []reconcile.FlagCode{reconcile.FlagCategoryNotAllowed}
	cases := []struct {
		name      string
		o         *reconcile.Occurrence
		want      want
		wantHours reconcile.CategoryHours
	}{
		{"allowed category counts under it", occ(1, "2024-09-01", cat(reconcile.CatB)),
			want{hours: "4 0 4 0"}, reconcile.CategoryHours{B: hrs("4"), Total: hrs("4")}},
		{"single-category type takes its category", occ(4, "2024-09-01", cat(reconcile.CatB)),
			want{hours: "4 0 4 0", flags: notAllowed},
			reconcile.CategoryHours{A: hrs("4"), Total: hrs("4")}},
		{"single-category type, none stated, no flag", occ(17, "2024-09-01", cat(""), stated("8")),
			want{hours: "8 0 8 0"}, reconcile.CategoryHours{C: hrs("8"), Total: hrs("8")}},
		{"missing category counts to the total only", occ(1, "2024-09-01", cat("")),
			want{hours: "4 0 4 0", flags: notAllowed}, reconcile.CategoryHours{Total: hrs("4")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := defaultRules().Evaluate(teacher, y2024, []*reconcile.Occurrence{tc.o}, yearEnd)
			checkOcc(t, 0, tc.o, tc.want)
			if st.Hours != tc.wantHours {
				t.Errorf("hours %+v, want %+v", st.Hours, tc.wantHours)
			}
		})
	}
}

// unitRules adds a unit's own type (note 4) allowing A and B only, a
// revised type 1 from 2025-07-01 and type 17's hours for 2024-2025.
const unitRules = `
types:
  - {no: 1, name: 各类培训、讲座、研讨、沙龙, scope: internal, categories: [A, B, C],
     rule: {shape: per-session, hours: 4}, caps: {per_year: 16}}
  - {no: 1, name: 各类培训、讲座、研讨、沙龙, scope: internal, categories: [A, B, C],
     effective: 2025-07-01, rule: {shape: per-session, hours: 4}, caps: {per_year: 8}}
  - {no: 17, name: 师德培训, scope: internal, categories: [C],
     rule: {shape: as-approved}, year_hours: {"2024-2025": 8}}
  - {no: 33, name: 临床带教能力培训, scope: internal, categories: [A, B],
     effective: 2024-09-01, rule: {shape: per-day, hours: 6}, caps: {per_year: 12}}
profiles:
  - {name: 专业技术人员, total: 90, A: 60, BC: 18}
`

func TestUnitRules(t *testing.T) {
	rs, err := configs.ParseRules([]byte(unitRules), "unit.yaml")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("a unit's type is data", func(t *testing.T) {
		occs := []*reconcile.Occurrence{occ(33, "2024-09-02", until("2024-09-04"))}
		rs.Evaluate(teacher, y2024, occs, yearEnd)
		checkOcc(t, 0, occs[0], want{hours: "18 0 12 6", flags: []reconcile.FlagCode{reconcile.FlagCapped}})
	})
	t.Run("a unit's type not yet in force", func(t *testing.T) {
		if rs.Type(33, date("2024-08-31")) != nil {
			t.Error("type 33 in force before its effective date")
		}
		occs := []*reconcile.Occurrence{occ(33, "2024-08-30")}
		st := rs.Evaluate(teacher, y2024, occs, yearEnd)
		if occs[0].Credited != 0 || st.Hours.Total != 0 {
			t.Errorf("credited %s before the type existed", occs[0].Credited)
		}
	})
	t.Run("category outside a multi-category set counts to the total only", func(t *testing.T) {
		occs := []*reconcile.Occurrence{occ(33, "2024-09-02", cat(reconcile.CatC))}
		st := rs.Evaluate(teacher, y2024, occs, yearEnd)
		checkOcc(t, 0, occs[0], want{hours: "6 0 6 0",
			flags: []reconcile.FlagCode{reconcile.FlagCategoryNotAllowed}})
		if st.Hours != (reconcile.CategoryHours{Total: hrs("6")}) {
			t.Errorf("hours %+v, want the total only", st.Hours)
		}
	})
	t.Run("the version in force applies", func(t *testing.T) {
		if c := rs.Type(1, date("2025-06-30")).PerYearCap; c != hrs("16") {
			t.Errorf("cap on 2025-06-30 = %s, want 16", c)
		}
		occs := []*reconcile.Occurrence{occ(1, "2025-09-01", count(3))}
		rs.Evaluate(teacher, 2025, occs, date("2026-09-01"))
		checkOcc(t, 0, occs[0], want{hours: "12 0 8 4", flags: []reconcile.FlagCode{reconcile.FlagCapped}})
	})
	t.Run("type 17 takes the year's configured hours", func(t *testing.T) {
		occs := []*reconcile.Occurrence{occ(17, "2024-09-01", cat(reconcile.CatC), stated("4")),
			occ(17, "2023-09-01", cat(reconcile.CatC), stated("4"))}
		rs.Evaluate(teacher, y2024, occs[:1], yearEnd)
		rs.Evaluate(teacher, 2023, occs[1:], yearEnd)
		checkOcc(t, 0, occs[0], want{hours: "8 0 8 0"})
		checkOcc(t, 1, occs[1], want{hours: "4 0 4 0"})
	})
}

// TestStatusesAndClaims checks statuses, pending hours against the caps,
// overclaims and accepted hours.
func TestStatusesAndClaims(t *testing.T) {
	t.Run("pending fills what the caps leave", func(t *testing.T) {
		occs := []*reconcile.Occurrence{
			occ(1, "2024-09-01", count(2), status(reconcile.StatusPending)),
			occ(1, "2024-10-01", count(3)),
		}
		st := defaultRules().Evaluate(teacher, y2024, occs, yearEnd)
		if occs[1].Credited != hrs("12") || occs[0].Pending != hrs("4") || occs[0].Credited != 0 {
			t.Errorf("credited %s, pending %s; want 12 credited and 4 pending",
				occs[1].Credited, occs[0].Pending)
		}
		if st.Hours.A != hrs("12") || st.Pending.A != hrs("4") || st.Capped != 0 {
			t.Errorf("standing hours %s pending %s capped %s", st.Hours.A, st.Pending.A, st.Capped)
		}
	})
	t.Run("not credited earns a standard and takes no cap", func(t *testing.T) {
		occs := []*reconcile.Occurrence{
			occ(1, "2024-09-01", count(4), status(reconcile.StatusNotCredited)),
			occ(1, "2024-10-01", count(4), status(reconcile.StatusAutoCredited)),
		}
		st := defaultRules().Evaluate(teacher, y2024, occs, yearEnd)
		checkOcc(t, 0, occs[0], want{hours: "16 0 0 0"})
		checkOcc(t, 1, occs[1], want{hours: "16 0 16 0"})
		if st.Hours.Total != hrs("16") {
			t.Errorf("total %s, want 16", st.Hours.Total)
		}
	})
	t.Run("overclaim credited at the standard", func(t *testing.T) {
		occs := []*reconcile.Occurrence{occ(1, "2024-09-01", stated("8"))}
		defaultRules().Evaluate(teacher, y2024, occs, yearEnd)
		checkOcc(t, 0, occs[0], want{hours: "4 0 4 0",
			flags: []reconcile.FlagCode{reconcile.FlagOverclaimed}})
	})
	t.Run("a speaker's stated hours include the bonus", func(t *testing.T) {
		occs := []*reconcile.Occurrence{occ(1, "2024-09-01", stated("8"), role(reconcile.RoleSpeaker))}
		defaultRules().Evaluate(teacher, y2024, occs, yearEnd)
		checkOcc(t, 0, occs[0], want{hours: "4 4 8 0"})
	})
	t.Run("accepted hours replace the standard", func(t *testing.T) {
		occs := []*reconcile.Occurrence{occ(1, "2024-09-01", stated("8"), accepted("8"))}
		defaultRules().Evaluate(teacher, y2024, occs, yearEnd)
		checkOcc(t, 0, occs[0], want{hours: "8 0 8 0"})
		if !strings.Contains(occs[0].Rule, "审核认可8学时") {
			t.Errorf("rule %q does not say the hours were accepted", occs[0].Rule)
		}
	})
	t.Run("unknown type earns nothing", func(t *testing.T) {
		occs := []*reconcile.Occurrence{occ(0, "2024-09-01", stated("8"))}
		st := defaultRules().Evaluate(teacher, y2024, occs, yearEnd)
		if occs[0].Credited != 0 || st.Hours.Total != 0 {
			t.Errorf("credited %s for an unknown type", occs[0].Credited)
		}
	})
	t.Run("evaluating twice changes nothing", func(t *testing.T) {
		occs := []*reconcile.Occurrence{occ(1, "2024-09-01", count(5), stated("40"), cat(""))}
		first := defaultRules().Evaluate(teacher, y2024, occs, yearEnd)
		flags := len(occs[0].Flags)
		second := defaultRules().Evaluate(teacher, y2024, occs, yearEnd)
		if first != second || len(occs[0].Flags) != flags || flags != 3 {
			t.Errorf("second run: %+v flags %d, first %+v flags %d", second,
				len(occs[0].Flags), first, flags)
		}
	})
}
