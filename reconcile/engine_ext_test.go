package reconcile_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"cehours/configs"
	"cehours/reconcile"
)

// The tests in this file run Reconcile with the real rules.yaml.

var (
	staff = reconcile.Staff{No: "T001", Name: "张伟", UnitCode: "U01", Teacher: true,
		Series: "高等学校教师"}
	today = reconcile.Date{Y: 2025, M: time.May, D: 1}
)

func engine(t testing.TB) *reconcile.Engine {
	t.Helper()
	rs, err := configs.DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	return &reconcile.Engine{Rules: rs}
}

// day returns a date of the 2024-2025 academic year.
func day(m time.Month, d int) reconcile.Date {
	if m >= time.July {
		return reconcile.Date{Y: 2024, M: m, D: d}
	}
	return reconcile.Date{Y: 2025, M: m, D: d}
}

type recOpt func(*reconcile.Record)

// record returns a one-day record of T001, type 1, category A, changed by
// opts.
func record(kind reconcile.SourceKind, row int, title string, on reconcile.Date,
	opts ...recOpt) reconcile.Record {
	r := reconcile.Record{
		StaffNo: "T001", Name: "张伟", UnitCode: "U01",
		Source: reconcile.SourceRef{Kind: kind, File: string(kind) + ".xlsx",
			Sheet: "Sheet1", Row: row},
		Title: title, Type: 1, Category: reconcile.CatA, Start: on, End: on,
	}
	for _, o := range opts {
		o(&r)
	}
	return r
}

func withType(no int) recOpt                    { return func(r *reconcile.Record) { r.Type = no } }
func withCat(c reconcile.Category) recOpt       { return func(r *reconcile.Record) { r.Category = c } }
func withHours(h int64) recOpt                  { return func(r *reconcile.Record) { r.Hours = reconcile.H(h) } }
func withCode(c string) recOpt                  { return func(r *reconcile.Record) { r.EventCode = c } }
func withOrg(o string) recOpt                   { return func(r *reconcile.Record) { r.Organiser = o } }
func withEnd(e reconcile.Date) recOpt           { return func(r *reconcile.Record) { r.End = e } }
func withYear(y reconcile.Year) recOpt          { return func(r *reconcile.Record) { r.Year = y } }
func withEvidence(s string) recOpt              { return func(r *reconcile.Record) { r.Evidence = s } }
func withStaff(no string) recOpt                { return func(r *reconcile.Record) { r.StaffNo = no } }
func withFlags(fs ...reconcile.FlagCode) recOpt { return func(r *reconcile.Record) { r.Flags = fs } }
func withRaw(s string) recOpt                   { return func(r *reconcile.Record) { r.TypeRaw = s } }
func approved(r *reconcile.Record)              { r.Review = reconcile.ReviewApproved }
func rejected(r *reconcile.Record)              { r.Review = reconcile.ReviewRejected }
func withRole(x reconcile.Role) recOpt          { return func(r *reconcile.Record) { r.Role = x } }
func withName(n string) recOpt                  { return func(r *reconcile.Record) { r.Name = n } }
func sessions(title string, n int) []reconcile.Record {
	var out []reconcile.Record
	for i := range n {
		out = append(out, record(reconcile.KindUnitSheet, i+1, title, day(9, 2+7*i), approved))
	}
	return out
}

func discrepancyCodes(res reconcile.Result) []reconcile.FlagCode {
	var out []reconcile.FlagCode
	for _, d := range res.Discrepancies {
		if !slices.Contains(out, d.Code) {
			out = append(out, d.Code)
		}
	}
	slices.Sort(out)
	return out
}

func TestReconcileEveryFlag(t *testing.T) {
	const (
		att   = reconcile.KindAttendance
		unit  = reconcile.KindUnitSheet
		claim = reconcile.KindClaims
	)
	F := func(cs ...reconcile.FlagCode) []reconcile.FlagCode { slices.Sort(cs); return cs }
	tests := []struct {
		name     string
		recs     []reconcile.Record
		totals   []reconcile.UnitTotal
		want     []reconcile.FlagCode
		credited int64 // the standing's total hours
		pending  int64
	}{
		{"claim and attendance: clean", []reconcile.Record{
			record(claim, 2, "教学沙龙", day(3, 5)),
			record(att, 3, "教学沙龙", day(3, 5), withOrg("护理学院")),
		}, nil, F(), 4, 0},
		{"auto-credited attendance: clean", []reconcile.Record{
			record(att, 3, "教学沙龙", day(3, 5), withOrg("教师发展中心")),
		}, nil, F(), 4, 0},
		{"no-attendance", []reconcile.Record{
			record(claim, 2, "教学沙龙", day(3, 5)),
		}, nil, F(reconcile.FlagNoAttendance), 0, 4},
		{"unclaimed-attendance", []reconcile.Record{
			record(att, 3, "教学沙龙", day(3, 5), withOrg("护理学院")),
		}, nil, F(reconcile.FlagUnclaimedAttendance), 0, 0},
		{"duplicate", []reconcile.Record{
			record(att, 3, "教学沙龙", day(3, 5), withOrg("教师发展中心"), withCode("E1")),
			record(att, 8, "教学沙龙", day(3, 5), withOrg("教师发展中心"), withCode("E1")),
		}, nil, F(reconcile.FlagDuplicate), 4, 0},
		{"overclaimed", []reconcile.Record{
			record(claim, 2, "教学沙龙", day(3, 5), approved, withHours(8)),
		}, nil, F(reconcile.FlagOverclaimed), 4, 0},
		{"hours-mismatch", []reconcile.Record{
			record(unit, 4, "教学沙龙", day(3, 5), approved, withHours(4)),
			record(claim, 2, "教学沙龙", day(3, 5), withHours(6)),
		}, nil, F(reconcile.FlagHoursMismatch), 4, 0},
		{"category-not-allowed", []reconcile.Record{
			record(unit, 4, "公开课观摩", day(3, 5), approved, withType(4), withCat(reconcile.CatC)),
		}, nil, F(reconcile.FlagCategoryNotAllowed), 4, 0},
		{"capped", sessions("教学沙龙", 5), nil, F(reconcile.FlagCapped), 16, 0},
		{"cross-year", []reconcile.Record{
			record(claim, 2, "短期进修", day(6, 29), approved, withType(21),
				withEnd(reconcile.Date{Y: 2025, M: time.July, D: 2})),
		}, nil, F(reconcile.FlagCrossYear), 16, 0},
		{"date-out-of-year", []reconcile.Record{
			record(claim, 2, "学术会议", reconcile.Date{Y: 2023, M: time.March, D: 1},
				approved, withType(26), withYear(2024)),
		}, nil, F(reconcile.FlagDateOutOfYear), 0, 4},
		{"future-date", []reconcile.Record{
			record(claim, 2, "学术会议", day(6, 1), approved, withType(26)),
		}, nil, F(reconcile.FlagFutureDate), 0, 4},
		{"name-mismatch", []reconcile.Record{
			record(unit, 4, "教学沙龙", day(3, 5), approved, withName("张玮"),
				withFlags(reconcile.FlagNameMismatch)),
		}, nil, F(reconcile.FlagNameMismatch), 0, 0},
		{"ambiguous-name", []reconcile.Record{
			record(unit, 4, "教学沙龙", day(3, 5), approved, withFlags(reconcile.FlagAmbiguousName)),
		}, nil, F(reconcile.FlagAmbiguousName), 0, 0},
		{"unit-rejected", []reconcile.Record{
			record(unit, 4, "教学沙龙", day(3, 5), rejected),
		}, nil, F(reconcile.FlagUnitRejected), 0, 0},
		{"unit-total-mismatch", []reconcile.Record{
			record(unit, 4, "教学沙龙", day(3, 5), approved),
		}, []reconcile.UnitTotal{{StaffNo: "T001", UnitCode: "U01", Year: 2024,
			A: reconcile.H(8), Source: reconcile.SourceRef{Kind: unit, File: "汇总.xlsx", Row: 3}}},
			F(reconcile.FlagUnitTotalMismatch), 4, 0},
		{"unit total that agrees", []reconcile.Record{
			record(unit, 4, "教学沙龙", day(3, 5), approved),
		}, []reconcile.UnitTotal{{StaffNo: "T001", UnitCode: "U01", Year: 2024,
			A: reconcile.H(4)}}, F(), 4, 0},
		{"unclassified-activity", []reconcile.Record{
			record(unit, 4, "读书会", day(3, 5), approved, withType(0), withRaw("读书分享会"),
				withFlags(reconcile.FlagUnclassifiedActivity)),
		}, nil, F(reconcile.FlagUnclassifiedActivity), 0, 0},
		{"overlapping full-time studies", []reconcile.Record{
			record(claim, 2, "国内访学", day(9, 1), approved, withType(20), withEnd(day(10, 31))),
			record(claim, 3, "海外研修", day(10, 1), approved, withType(20), withEnd(day(11, 30))),
		}, nil, F(reconcile.FlagOverlapping, reconcile.FlagShortStudy), 96, 0},
		{"internal activity during a full-time posting", []reconcile.Record{
			record(unit, 2, "援疆支医", day(9, 1), approved, withType(23), withEnd(day(12, 31))),
			record(att, 3, "教学沙龙", day(10, 9), withOrg("教师发展中心")),
		}, nil, F(reconcile.FlagOverlapping), 64, 0},
		{"short-study", []reconcile.Record{
			record(unit, 2, "进修", day(9, 1), approved, withType(20), withEnd(day(10, 31))),
		}, nil, F(reconcile.FlagShortStudy), 48, 0},
	}
	// The year has ended when the cross-year study does.
	todayFor := map[string]reconcile.Date{"cross-year": {Y: 2025, M: time.August, D: 1}}
	e := engine(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.Reconcile(reconcile.Input{Staff: staff, Year: 2024, Records: tt.recs,
				Totals: tt.totals, Today: cmp.Or(todayFor[tt.name], today)})
			if got := discrepancyCodes(res); !slices.Equal(got, tt.want) {
				t.Errorf("discrepancies %v, want %v", got, tt.want)
			}
			if got := res.Standing.Hours.Total; got != reconcile.H(tt.credited) {
				t.Errorf("credited %v, want %d", got, tt.credited)
			}
			if got := res.Standing.Pending.Total; got != reconcile.H(tt.pending) {
				t.Errorf("pending %v, want %d", got, tt.pending)
			}
			for _, d := range res.Discrepancies {
				checkDiscrepancy(t, d)
			}
		})
	}
}

// checkDiscrepancy checks what every discrepancy must carry.
func checkDiscrepancy(t *testing.T, d reconcile.Discrepancy) {
	t.Helper()
	if !strings.HasPrefix(d.ID, "D-") || len(d.ID) != 18 {
		t.Errorf("%s: id %q", d.Code, d.ID)
	}
	if d.StaffNo == "" || d.Year == 0 || d.Severity == "" || d.Status != "open" ||
		d.Action == "" || d.Subject == "" || len(d.Sources) == 0 || d.FirstSeen.IsZero() {
		t.Errorf("%s: incomplete %+v", d.Code, d)
	}
	// The message names the activity (or the year, for a unit summary).
	if !strings.Contains(d.Message, "「") && !strings.Contains(d.Message, "学年") {
		t.Errorf("%s: message %q names no activity", d.Code, d.Message)
	}
}

func TestReconcileSameActivityFromThreeSources(t *testing.T) {
	recs := []reconcile.Record{
		record(reconcile.KindAttendance, 12, "2024年“临床教学”沙龙（第三期）", day(3, 5),
			withOrg("护理学院"), withHours(4)),
		record(reconcile.KindUnitSheet, 7, "临床教学沙龙第三期", day(3, 6), withHours(4)),
		record(reconcile.KindClaims, 3, "临床教学沙龙 第三期", day(3, 4), withHours(4),
			withCat(reconcile.CatB)),
	}
	res := engine(t).Reconcile(reconcile.Input{Staff: staff, Year: 2024, Records: recs,
		Today: today})
	if len(res.Occurrences) != 1 {
		t.Fatalf("%d occurrences, want 1", len(res.Occurrences))
	}
	o := res.Occurrences[0]
	if len(o.Records) != 3 || o.Status != reconcile.StatusVerified {
		t.Errorf("occurrence has %d records, status %s; want 3, verified", len(o.Records),
			o.Status)
	}
	if o.Credited != reconcile.H(4) || res.Standing.Hours.Total != reconcile.H(4) {
		t.Errorf("credited %v (standing %v), want 4 once", o.Credited, res.Standing.Hours.Total)
	}
	if len(res.Discrepancies) != 0 {
		t.Errorf("discrepancies %+v, want none", res.Discrepancies)
	}
}

func TestReconcileDifferentRolesCountApart(t *testing.T) {
	recs := []reconcile.Record{
		record(reconcile.KindUnitSheet, 1, "课程思政教改项目", day(9, 1), approved, withType(12),
			withRole(reconcile.RoleHost), func(r *reconcile.Record) { r.Level = reconcile.LevelSchool }),
		record(reconcile.KindUnitSheet, 2, "课程思政教改项目", day(9, 1), approved, withType(12),
			withRole(reconcile.RoleMember), func(r *reconcile.Record) { r.Level = reconcile.LevelSchool }),
	}
	res := engine(t).Reconcile(reconcile.Input{Staff: staff, Year: 2024, Records: recs,
		Today: today})
	if len(res.Occurrences) != 2 {
		t.Fatalf("%d occurrences, want 2", len(res.Occurrences))
	}
	// Host 12, member 8 (its role cap): counted apart.
	if got := res.Standing.Hours.Total; got != reconcile.H(20) {
		t.Errorf("credited %v, want 20", got)
	}
}

// idOf returns the id of the discrepancy of code, failing when none.
func idOf(t *testing.T, res reconcile.Result, c reconcile.FlagCode) string {
	t.Helper()
	for _, d := range res.Discrepancies {
		if d.Code == c {
			return d.ID
		}
	}
	t.Fatalf("no %s discrepancy in %+v", c, res.Discrepancies)
	return ""
}

func TestReconcileResolutions(t *testing.T) {
	const (
		unit  = reconcile.KindUnitSheet
		claim = reconcile.KindClaims
	)
	tests := []struct {
		name     string
		recs     []reconcile.Record
		code     reconcile.FlagCode
		accepted bool
		status   reconcile.Status
		credited int64
		pending  int64
	}{
		{"no-attendance accepted", []reconcile.Record{record(claim, 2, "教学沙龙", day(3, 5))},
			reconcile.FlagNoAttendance, true, reconcile.StatusVerified, 4, 0},
		{"no-attendance rejected", []reconcile.Record{record(claim, 2, "教学沙龙", day(3, 5))},
			reconcile.FlagNoAttendance, false, reconcile.StatusNotCredited, 0, 0},
		{"unclaimed-attendance accepted", []reconcile.Record{
			record(reconcile.KindAttendance, 2, "教学沙龙", day(3, 5), withOrg("药学院"))},
			reconcile.FlagUnclaimedAttendance, true, reconcile.StatusVerified, 4, 0},
		{"overclaimed accepted", []reconcile.Record{
			record(claim, 2, "教学沙龙", day(3, 5), approved, withHours(6))},
			reconcile.FlagOverclaimed, true, reconcile.StatusVerified, 6, 0},
		{"overclaimed rejected", []reconcile.Record{
			record(claim, 2, "教学沙龙", day(3, 5), approved, withHours(6))},
			reconcile.FlagOverclaimed, false, reconcile.StatusVerified, 4, 0},
		{"name-mismatch accepted", []reconcile.Record{
			record(unit, 4, "教学沙龙", day(3, 5), approved, withName("张玮"),
				withFlags(reconcile.FlagNameMismatch))},
			reconcile.FlagNameMismatch, true, reconcile.StatusVerified, 4, 0},
		{"date-out-of-year accepted", []reconcile.Record{
			record(claim, 2, "学术会议", reconcile.Date{Y: 2023, M: time.March, D: 1},
				approved, withType(26), withYear(2024))},
			reconcile.FlagDateOutOfYear, true, reconcile.StatusVerified, 4, 0},
		{"future-date rejected", []reconcile.Record{
			record(claim, 2, "学术会议", day(6, 1), approved, withType(26))},
			reconcile.FlagFutureDate, false, reconcile.StatusNotCredited, 0, 0},
		{"overlapping rejected", []reconcile.Record{
			record(unit, 2, "援疆支医", day(9, 1), approved, withType(23), withEnd(day(12, 31))),
			record(reconcile.KindAttendance, 3, "教学沙龙", day(10, 9), withOrg("教师发展中心"))},
			reconcile.FlagOverlapping, false, reconcile.StatusNotCredited, 60, 0},
		{"unit-rejected accepted changes nothing", []reconcile.Record{
			record(unit, 4, "教学沙龙", day(3, 5), rejected)},
			reconcile.FlagUnitRejected, true, reconcile.StatusNotCredited, 0, 0},
	}
	e := engine(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := reconcile.Input{Staff: staff, Year: 2024, Records: tt.recs, Today: today}
			id := idOf(t, e.Reconcile(in), tt.code)
			in.Resolutions = map[string]reconcile.Resolution{id: {DiscrepancyID: id,
				Accepted: tt.accepted, Note: "已核实", By: "王老师",
				At: reconcile.Date{Y: 2025, M: time.May, D: 1}}}
			res := e.Reconcile(in)

			// The occurrence the decision is about, and its ledger line.
			var o *reconcile.Occurrence
			for _, x := range res.Occurrences {
				if strings.Contains(x.Decision, "王老师") {
					o = x
				}
			}
			if o == nil {
				t.Fatalf("no occurrence records the decision: %+v", res.Occurrences)
			}
			verdict := "不认可"
			if tt.accepted {
				verdict = "认可"
			}
			if !strings.Contains(o.Decision, "王老师于2025-05-01"+verdict) ||
				!strings.HasSuffix(o.Decision, "：已核实") {
				t.Errorf("decision %q", o.Decision)
			}
			if o.Status != tt.status {
				t.Errorf("status %s, want %s", o.Status, tt.status)
			}
			if got := res.Standing.Hours.Total; got != reconcile.H(tt.credited) {
				t.Errorf("credited %v, want %d", got, tt.credited)
			}
			if got := res.Standing.Pending.Total; got != reconcile.H(tt.pending) {
				t.Errorf("pending %v, want %d", got, tt.pending)
			}

			// The discrepancy, where it still occurs, carries the decision.
			for _, d := range res.Discrepancies {
				if d.ID == id && (d.Status != "resolved" || d.DecidedBy != "王老师" ||
					d.Note != "已核实" || (d.Resolution == "accepted") != tt.accepted) {
					t.Errorf("discrepancy %+v", d)
				}
			}
		})
	}
}

func TestReconcileIDsStable(t *testing.T) {
	e := engine(t)
	ids := func(recs ...reconcile.Record) map[reconcile.FlagCode]string {
		res := e.Reconcile(reconcile.Input{Staff: staff, Year: 2024, Records: recs,
			Today: today})
		out := map[reconcile.FlagCode]string{}
		for _, d := range res.Discrepancies {
			out[d.Code] = d.ID
		}
		return out
	}
	over := record(reconcile.KindClaims, 2, "教学沙龙（第三期）", day(3, 5), approved,
		withHours(6), withCat(reconcile.CatC), withType(4))
	before := ids(over)
	if before[reconcile.FlagOverclaimed] == "" || before[reconcile.FlagCategoryNotAllowed] == "" {
		t.Fatalf("setup: %v", before)
	}

	// A second source arrives: the same discrepancies keep their ids.
	att := record(reconcile.KindAttendance, 9, "2025年教学沙龙第三期", day(3, 6), withType(4),
		withOrg("护理学院"), withCat(""))
	after := ids(att, over)
	for c, id := range before {
		if after[c] != id {
			t.Errorf("%s: id %s after attendance arrived, was %s", c, after[c], id)
		}
	}

	// The claim is re-imported with its hours corrected, on another row:
	// overclaimed is gone, category-not-allowed keeps its id.
	fixed := over
	fixed.Hours, fixed.Source.Row = reconcile.H(4), 5
	again := ids(fixed)
	if _, ok := again[reconcile.FlagOverclaimed]; ok {
		t.Error("overclaimed still raised after the correction")
	}
	if again[reconcile.FlagCategoryNotAllowed] != before[reconcile.FlagCategoryNotAllowed] {
		t.Errorf("category-not-allowed id changed: %v vs %v", again, before)
	}
}

// person returns a varied year of records for one person: every source
// kind, duplicates, near-matches, caps and flags.
func person(no string, rng *rand.Rand) []reconcile.Record {
	titles := []string{"教学沙龙", "临床技能培训", "课程思政研讨", "医学教育会议", "科研写作讲座"}
	kinds := []reconcile.SourceKind{reconcile.KindAttendance, reconcile.KindUnitSheet,
		reconcile.KindClaims}
	types := []int{1, 1, 2, 3, 14, 26, 21, 29, 17, 0}
	var out []reconcile.Record
	for i := range 40 {
		title := titles[rng.IntN(len(titles))]
		if rng.IntN(3) == 0 {
			title = "2024年" + title + "（第" + string(rune('一'+rng.IntN(3))) + "期）"
		}
		on := day(time.Month(1+rng.IntN(12)), 1+rng.IntN(27))
		r := record(kinds[rng.IntN(3)], i+2, title, on, withStaff(no), withType(types[rng.IntN(len(types))]))
		if rng.IntN(4) == 0 {
			r.Hours = reconcile.H(int64(2 + rng.IntN(8)))
		}
		r.Review = []reconcile.Review{"", reconcile.ReviewApproved, reconcile.ReviewRejected}[rng.IntN(3)]
		if rng.IntN(3) == 0 {
			r.Organiser = "教师发展中心"
		}
		out = append(out, r)
		if rng.IntN(5) == 0 { // the same activity from another source, a day off
			twin := r
			twin.Source.Kind = kinds[rng.IntN(3)]
			twin.Start, twin.End = on.AddDays(1), on.AddDays(1)
			out = append(out, twin)
		}
	}
	return out[:40]
}

func TestReconcileIgnoresInputOrder(t *testing.T) {
	e := engine(t)
	rng := rand.New(rand.NewPCG(7, 11))
	recs := person("T001", rng)
	in := reconcile.Input{Staff: staff, Year: 2024, Records: slices.Clone(recs), Today: today}
	want := e.Reconcile(in)
	if len(want.Discrepancies) == 0 || len(want.Occurrences) < 10 {
		t.Fatalf("setup: %d occurrences, %d discrepancies", len(want.Occurrences),
			len(want.Discrepancies))
	}
	for i := range 20 {
		rng.Shuffle(len(recs), func(a, b int) { recs[a], recs[b] = recs[b], recs[a] })
		in.Records = slices.Clone(recs)
		if got := e.Reconcile(in); !reflect.DeepEqual(got, want) {
			t.Fatalf("shuffle %d gave a different result", i)
		}
	}
}

func TestSharedEvidence(t *testing.T) {
	recs := []reconcile.Record{
		record(reconcile.KindClaims, 2, "执业医师资格", day(9, 1), withType(19), withEvidence("证书 2024-0001")),
		record(reconcile.KindClaims, 3, "执业医师资格", day(9, 2), withType(19), withStaff("T002"),
			withEvidence("证书２０２４－０００１")),
		record(reconcile.KindUnitSheet, 4, "执业医师资格", day(9, 2), withType(19), withStaff("T002"),
			withEvidence("证书2024-0001")),
		record(reconcile.KindClaims, 5, "学术会议", day(9, 3), withType(26), withStaff("T003"),
			withEvidence("证书")),
		record(reconcile.KindClaims, 6, "学术会议", day(9, 3), withType(26), withStaff("T004"),
			withEvidence("证书")),
		record(reconcile.KindClaims, 7, "网络课程", day(9, 3), withType(29), withStaff("T005"),
			withEvidence("MOOC-778")),
		record(reconcile.KindUnitSheet, 8, "网络课程", day(9, 3), withType(29), withStaff("T005"),
			withEvidence("MOOC-778")),
	}
	ds := reconcile.SharedEvidence(recs)
	var who []string
	for _, d := range ds {
		who = append(who, d.StaffNo)
		if d.Code != reconcile.FlagSharedEvidence || d.Severity != reconcile.SevWarning ||
			!strings.Contains(d.Message, "另有1人引用") || d.Year != 2024 {
			t.Errorf("discrepancy %+v", d)
		}
	}
	// T002 cites the number twice: one discrepancy with both sources.
	if !slices.Equal(who, []string{"T001", "T002"}) {
		t.Fatalf("people flagged %v, want T001 and T002", who)
	}
	if len(ds[1].Sources) != 2 || ds[0].ID == ds[1].ID {
		t.Errorf("T002 sources %v; ids %s, %s", ds[1].Sources, ds[0].ID, ds[1].ID)
	}

	// A reviewer rejecting it takes the certificate's hours away.
	id := ds[0].ID
	res := engine(t).Reconcile(reconcile.Input{Staff: staff, Year: 2024,
		Records: recs[:1], Today: today,
		Resolutions: map[string]reconcile.Resolution{id: {DiscrepancyID: id, By: "人事处"}}})
	if res.Standing.Hours.Total != 0 || res.Occurrences[0].Status != reconcile.StatusNotCredited {
		t.Errorf("after rejection: %v credited, status %s", res.Standing.Hours.Total,
			res.Occurrences[0].Status)
	}
}

func TestUnknown(t *testing.T) {
	r := record(reconcile.KindClaims, 2, "教学沙龙", day(3, 5), withStaff("X999"), withName("李雷"))
	again := r
	again.Source.File = "claims-2.xlsx"
	other := record(reconcile.KindClaims, 3, "学术会议", day(4, 5), withStaff("X999"),
		withName("李雷"), withType(26))
	ds := engine(t).Unknown([]reconcile.Record{r, again, other}, today)
	if len(ds) != 2 {
		t.Fatalf("%d discrepancies, want 2: %+v", len(ds), ds)
	}
	for _, d := range ds {
		if d.Code != reconcile.FlagUnknownStaff || d.StaffNo != "X999" || d.UnitCode != "U01" ||
			d.Year != 2024 || d.FirstSeen != today || !strings.Contains(d.Message, "X999") {
			t.Errorf("discrepancy %+v", d)
		}
	}
	if n := len(ds[0].Sources) + len(ds[1].Sources); n != 3 {
		t.Errorf("%d sources in all, want 3", n)
	}
}

// typical returns a more usual year of 40 records: 20 activities, each
// reported by an attendance list or unit sheet and by a claim with a
// slightly different title and date, few of them flagged.
func typical(no string, rng *rand.Rand) []reconcile.Record {
	titles := []string{"教学沙龙", "临床技能培训", "课程思政研讨", "医学教育会议", "科研写作讲座"}
	var out []reconcile.Record
	for i := range 20 {
		title := titles[i%len(titles)] + "（第" + string(rune('一'+i/len(titles))) + "期）"
		on := day(time.Month(1+rng.IntN(12)), 1+rng.IntN(27))
		evidence := record(reconcile.KindAttendance, i+2, "2024年"+title, on,
			withStaff(no), withOrg("教师发展中心"))
		if i%4 == 0 {
			evidence = record(reconcile.KindUnitSheet, i+2, title, on, withStaff(no),
				withType(26), approved, withHours(4))
		}
		claim := record(reconcile.KindClaims, i+2, title, on.AddDays(rng.IntN(2)),
			withStaff(no), withType(evidence.Type), withHours(4))
		out = append(out, evidence, claim)
	}
	return out
}

// BenchmarkReconcile reconciles 20,000 people × 40 records (1,000 with
// -short): "flagged" is a worst case where nearly every occurrence has a
// flag, "typical" a year of matched claims with few flags.
func BenchmarkReconcile(b *testing.B) {
	people := 20000
	if testing.Short() {
		people = 1000
	}
	gens := []struct {
		name string
		gen  func(string, *rand.Rand) []reconcile.Record
	}{{"flagged", person}, {"typical", typical}}
	e := engine(b)
	for _, g := range gens {
		b.Run(g.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			inputs := make([]reconcile.Input, people)
			for i := range inputs {
				no := fmt.Sprintf("T%06d", i)
				inputs[i] = reconcile.Input{Staff: reconcile.Staff{No: no, UnitCode: "U01"},
					Year: 2024, Records: g.gen(no, rng), Today: today}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				for _, in := range inputs {
					e.Reconcile(in)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*people*40),
				"ns/record")
		})
	}
}
