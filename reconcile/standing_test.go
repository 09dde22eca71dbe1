package reconcile_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"cehours/reconcile"
)

// TestStandings checks each way a person-year ends: compliant by hours or
// by a whole-year completion, short on each requirement, at-risk and
// on pace during the year, exempt, the pre-2023 teacher rules and pending
// hours that would change the verdict.
func TestStandings(t *testing.T) {
	nurse := teacher
	nurse.Series, nurse.Teacher = "卫生技术", false
	engineer := teacher
	engineer.Series, engineer.Teacher = "工程", false
	young := teacher // 37 on 2022-07-01
	old := teacher
	old.Birth = date("1980-05-01")
	turns40 := teacher // 40 on the year's first day: the 40-and-older rule
	turns40.Birth = date("1982-07-01")
	day39 := teacher // 40 one day after: still under 40
	day39.Birth = date("1982-07-02")
	noBirth := teacher
	noBirth.Birth = reconcile.Date{}

	enough := func() []*reconcile.Occurrence { // A 80, B 25: 105
		return []*reconcile.Occurrence{
			occ(29, "2024-09-01", count(2)), occ(19, "2024-10-01"),
			occ(29, "2024-11-01", cat(reconcile.CatB)),
		}
	}
	cases := []struct {
		name        string
		staff       reconcile.Staff
		year        reconcile.Year
		occs        []*reconcile.Occurrence
		today       string
		status      reconcile.StandingStatus
		ifConfirmed reconcile.StandingStatus
		missing     string // total A BC
		profile     string
	}{
		{"compliant by hours", teacher, y2024, enough(), "2025-09-01",
			reconcile.StandingCompliant, reconcile.StandingCompliant, "0 0 0", "专业技术人员"},
		{"compliant by hours before the year ends", teacher, y2024, enough(), "2024-12-01",
			reconcile.StandingCompliant, reconcile.StandingCompliant, "0 0 0", "专业技术人员"},
		{"compliant by a whole-year completion", teacher, y2024, []*reconcile.Occurrence{
			occ(23, "2024-09-01", until("2025-03-05"), cat(reconcile.CatC))}, "2025-09-01",
			reconcile.StandingCompliant, reconcile.StandingCompliant, "0 0 0", "专业技术人员"},
		{"short of A", teacher, y2024, []*reconcile.Occurrence{
			occ(29, "2024-09-01", count(2)), occ(29, "2024-10-01", count(2), cat(reconcile.CatB))},
			"2025-09-01", reconcile.StandingShort, reconcile.StandingShort, "0 10 0", "专业技术人员"},
		{"short of B+C", teacher, y2024, []*reconcile.Occurrence{
			occ(29, "2024-09-01", count(4)), occ(30, "2024-10-02", cat(reconcile.CatB), count(2))},
			"2025-09-01", reconcile.StandingShort, reconcile.StandingShort, "0 0 10", ""},
		{"no records at all", teacher, y2024, nil, "2025-09-01",
			reconcile.StandingShort, reconcile.StandingShort, "90 60 18", "专业技术人员"},
		{"behind pace mid-year", teacher, y2024, []*reconcile.Occurrence{
			occ(19, "2024-09-01", count(1)), occ(30, "2024-10-02", count(2))},
			"2025-01-01", reconcile.StandingAtRisk, reconcile.StandingAtRisk, "52 22 18", ""},
		{"on pace mid-year is short, not at-risk", teacher, y2024, []*reconcile.Occurrence{
			occ(19, "2024-09-01", count(1)), occ(30, "2024-10-02", count(4))},
			"2025-01-01", reconcile.StandingShort, reconcile.StandingShort, "44 14 18", ""},
		{"pending hours would make it compliant", teacher, y2024, append(enough()[:2],
			occ(29, "2024-11-01", cat(reconcile.CatB), status(reconcile.StatusPending))),
			"2025-09-01", reconcile.StandingShort, reconcile.StandingCompliant, "10 0 18", ""},
		{"pending whole year would complete it", teacher, y2024, []*reconcile.Occurrence{
			occ(11, "2024-09-01", status(reconcile.StatusPending))}, "2025-09-01",
			reconcile.StandingShort, reconcile.StandingCompliant, "90 60 18", ""},
		{"exempt series", nurse, y2024, nil, "2025-09-01",
			reconcile.StandingExempt, reconcile.StandingExempt, "0 0 0", "卫生技术（执行上级继续医学教育规定）"},
		{"other series follows the policy", engineer, y2024, nil, "2025-09-01",
			reconcile.StandingShort, reconcile.StandingShort, "90 60 18", "专业技术人员"},
		{"pre-2023 teacher under 40 needs 36", young, 2022, []*reconcile.Occurrence{
			occ(29, "2022-09-01", cat(reconcile.CatC)), occ(3, "2022-10-01", count(3))},
			"2023-09-01", reconcile.StandingCompliant, reconcile.StandingCompliant, "0 0 0",
			"教师（2023年6月30日及以前，40周岁以下）"},
		{"pre-2023 teacher under 40 short of 36", young, 2022, []*reconcile.Occurrence{
			occ(29, "2022-09-01", cat(reconcile.CatC))}, "2023-09-01",
			reconcile.StandingShort, reconcile.StandingShort, "11 0 0", ""},
		{"pre-2023 teacher 40 or older needs 24", old, 2022, []*reconcile.Occurrence{
			occ(29, "2022-09-01", cat(reconcile.CatC))}, "2023-09-01",
			reconcile.StandingCompliant, reconcile.StandingCompliant, "0 0 0",
			"教师（2023年6月30日及以前，40周岁及以上）"},
		{"40 on the first day of the year", turns40, 2022, nil, "2023-09-01",
			reconcile.StandingShort, reconcile.StandingShort, "24 0 0",
			"教师（2023年6月30日及以前，40周岁及以上）"},
		{"40 the day after the first day", day39, 2022, nil, "2023-09-01",
			reconcile.StandingShort, reconcile.StandingShort, "36 0 0",
			"教师（2023年6月30日及以前，40周岁以下）"},
		{"pre-2023 teacher without a birth date", noBirth, 2022, nil, "2023-09-01",
			reconcile.StandingShort, reconcile.StandingShort, "36 0 0",
			"教师（2023年6月30日及以前，出生日期未知）"},
		{"pre-2023 other staff", engineer, 2022, nil, "2023-09-01",
			reconcile.StandingShort, reconcile.StandingShort, "90 60 18", "专业技术人员"},
		{"teachers from 2023-2024 need 90", old, 2023, []*reconcile.Occurrence{
			occ(29, "2023-09-01", cat(reconcile.CatC))}, "2024-09-01",
			reconcile.StandingShort, reconcile.StandingShort, "65 60 0", "专业技术人员"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := defaultRules().Evaluate(tc.staff, tc.year, tc.occs, date(tc.today))
			if st.Status != tc.status || st.IfConfirmed != tc.ifConfirmed {
				t.Errorf("status %s if confirmed %s, want %s and %s (hours %+v pending %+v)",
					st.Status, st.IfConfirmed, tc.status, tc.ifConfirmed, st.Hours, st.Pending)
			}
			missing := fmt.Sprintf("%s %s %s", st.Missing.Total, st.Missing.A, st.Missing.BC)
			if missing != tc.missing {
				t.Errorf("missing %s, want %s", missing, tc.missing)
			}
			if tc.profile != "" && st.Profile != tc.profile {
				t.Errorf("profile %q, want %q", st.Profile, tc.profile)
			}
			if st.StaffNo != tc.staff.No || st.Year != tc.year {
				t.Errorf("standing of %s %s, want %s %s", st.StaffNo, st.Year, tc.staff.No, tc.year)
			}
		})
	}
}

// TestPace checks the at-risk boundary to the day: 90 × elapsed / 365.
func TestPace(t *testing.T) {
	// 2024-07-01..2025-06-30 has 365 days. Type 29, 25 a course.
	cases := []struct {
		name  string
		total int
		today string
		want  reconcile.StandingStatus
	}{
		// 2024-10-09 is day 101: pace 90 × 101 / 365 = 24.9
		{"25 hours on day 101 is on pace", 1, "2024-10-09", reconcile.StandingShort},
		// 2024-10-10 is day 102: pace 25.15
		{"25 hours on day 102 is behind", 1, "2024-10-10", reconcile.StandingAtRisk},
		{"the last day of the year", 3, "2025-06-30", reconcile.StandingAtRisk},
		{"the day after the year ends", 3, "2025-07-01", reconcile.StandingShort},
		{"before the year starts", 0, "2024-06-30", reconcile.StandingShort},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var occs []*reconcile.Occurrence
			if tc.total > 0 {
				occs = append(occs, occ(29, "2024-07-02", count(tc.total)))
			}
			st := defaultRules().Evaluate(teacher, y2024, occs, date(tc.today))
			if st.Status != tc.want {
				t.Errorf("status %s with %s hours on %s, want %s", st.Status, st.Hours.Total,
					tc.today, tc.want)
			}
		})
	}
}

// TestDeterminism evaluates one person's year in many orders and compares
// every result with the first.
func TestDeterminism(t *testing.T) {
	build := func() []*reconcile.Occurrence {
		return []*reconcile.Occurrence{
			occ(1, "2024-09-01", count(2), key("a")), occ(1, "2024-09-01", count(2), key("b")),
			occ(1, "2024-09-01", count(2), key("c"), status(reconcile.StatusPending)),
			occ(12, "2024-10-01", role(reconcile.RoleMember), level(reconcile.LevelSchool)),
			occ(12, "2024-10-01", role(reconcile.RoleHost), level(reconcile.LevelNational)),
			occ(13, "2024-11-01", role(reconcile.RoleAsking), count(7)),
			occ(13, "2024-11-02", role(reconcile.RoleAsking), count(7)),
			occ(26, "2024-12-01", days(2), role(reconcile.RoleSpeaker)),
			occ(26, "2024-12-01", days(2), key("z")), occ(26, "2024-12-03", days(2)),
			occ(18, "2025-01-01", stated("9")), occ(18, "2025-01-01", stated("9"), key("y")),
		}
	}
	snapshot := func(occs []*reconcile.Occurrence) map[string]string {
		m := make(map[string]string)
		for _, o := range occs {
			m[o.Key] = fmt.Sprintf("%s %s %s %s %s %q", o.Standard, o.Bonus, o.Credited,
				o.Capped, o.Pending, o.CapNote)
		}
		return m
	}
	first := build()
	want := defaultRules().Evaluate(teacher, y2024, first, yearEnd)
	wantOccs := snapshot(first)
	if want.Capped == 0 {
		t.Fatal("the test needs caps that cut")
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 50 {
		occs := build()
		r.Shuffle(len(occs), func(i, j int) { occs[i], occs[j] = occs[j], occs[i] })
		got := defaultRules().Evaluate(teacher, y2024, occs, yearEnd)
		if got != want {
			t.Fatalf("shuffle %d: standing %+v, want %+v", i, got, want)
		}
		for k, v := range snapshot(occs) {
			if wantOccs[k] != v {
				t.Fatalf("shuffle %d: occurrence %s: %s, want %s", i, k, v, wantOccs[k])
			}
		}
	}
}
