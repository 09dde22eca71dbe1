package reconcile

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// d returns a date of 2024-2025: months 7–12 in 2024, 1–6 in 2025.
func d(m time.Month, day int) Date {
	if m >= time.July {
		return Date{2024, m, day}
	}
	return Date{2025, m, day}
}

// rec returns a type-1 participant record of person T001 of the given
// kind and row, titled and dated as given, changed by opts.
func rec(kind SourceKind, row int, title string, on Date, opts ...func(*Record)) Record {
	r := Record{
		StaffNo: "T001", Name: "张伟", UnitCode: "U01",
		Source: SourceRef{Kind: kind, File: string(kind) + ".xlsx", Sheet: "Sheet1", Row: row},
		Title:  title, Type: 1, Category: CatA, Start: on, End: on,
	}
	for _, o := range opts {
		o(&r)
	}
	return r
}

func withRole(role Role) func(*Record)   { return func(r *Record) { r.Role = role } }
func withCode(code string) func(*Record) { return func(r *Record) { r.EventCode = code } }
func withType(no int) func(*Record)      { return func(r *Record) { r.Type = no } }
func withHours(h Hours) func(*Record)    { return func(r *Record) { r.Hours = h } }
func withReview(v Review) func(*Record)  { return func(r *Record) { r.Review = v } }
func withOrg(org string) func(*Record)   { return func(r *Record) { r.Organiser = org } }
func withCat(c Category) func(*Record)   { return func(r *Record) { r.Category = c } }

// groupShape describes occurrences as "kind:row+kind:row" strings with
// their matching flags, sorted, so that tests can compare them.
func groupShape(occs []*Occurrence) []string {
	var out []string
	for _, o := range occs {
		var parts []string
		for _, r := range o.Records {
			parts = append(parts, fmt.Sprintf("%s:%d", r.Source.Kind, r.Source.Row))
		}
		slices.Sort(parts)
		s := strings.Join(parts, "+")
		for _, f := range o.Flags {
			s += " !" + string(f.Code)
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func TestGroup(t *testing.T) {
	const (
		att   = KindAttendance
		unit  = KindUnitSheet
		claim = KindClaims
	)
	ok := withReview(ReviewApproved)
	tests := []struct {
		name string
		recs []Record
		want []string
	}{
		{"three sources, slightly different titles, a day apart", []Record{
			rec(att, 3, "2024年教学沙龙（第三期）", d(3, 5)),
			rec(unit, 7, "教学沙龙第三期", d(3, 6), ok),
			rec(claim, 2, "教学沙龙 第三期", d(3, 5)),
		}, []string{"attendance:3+claims:2+unit-sheet:7"}},
		{"same event code, titles unlike", []Record{
			rec(att, 3, "临床技能培训", d(10, 9), withCode("E-17")),
			rec(claim, 2, "参加学校组织的模拟教学", d(10, 12), withCode("E-17")),
		}, []string{"attendance:3+claims:2"}},
		{"different roles on one event code never merge", []Record{
			rec(att, 3, "教学沙龙", d(3, 5), withCode("E-1")),
			rec(claim, 2, "教学沙龙", d(3, 5), withCode("E-1"), withRole(RoleSpeaker)),
		}, []string{"attendance:3", "claims:2"}},
		{"host and member of a similar project never merge", []Record{
			rec(unit, 1, "课程思政教改项目", d(9, 1), withType(12), withRole(RoleHost), ok),
			rec(unit, 2, "课程思政教改项目", d(9, 1), withType(12), withRole(RoleMember), ok),
		}, []string{"unit-sheet:1", "unit-sheet:2"}},
		{"empty role is a participant", []Record{
			rec(att, 3, "教学沙龙", d(3, 5)),
			rec(claim, 2, "教学沙龙", d(3, 5), withRole(RoleParticipant)),
		}, []string{"attendance:3+claims:2"}},
		{"signed in twice on one sheet", []Record{
			rec(att, 3, "教学沙龙", d(3, 5), withCode("E-1")),
			rec(att, 9, "教学沙龙", d(3, 5), withCode("E-1")),
			rec(claim, 2, "教学沙龙", d(3, 5)),
		}, []string{"attendance:3+attendance:9+claims:2 !duplicate"}},
		{"claim submitted twice", []Record{
			rec(claim, 2, "医学教育研讨会", d(11, 20), withType(26)),
			rec(claim, 5, "医学教育研讨会。", d(11, 20), withType(26)),
		}, []string{"claims:2+claims:5 !duplicate"}},
		{"two sessions a day apart in one source", []Record{
			rec(att, 1, "教学沙龙", d(3, 5)),
			rec(att, 2, "教学沙龙", d(3, 6)),
		}, []string{"attendance:1", "attendance:2"}},
		{"same code on two days in one source are two sessions", []Record{
			rec(att, 1, "工作坊", d(3, 5), withCode("W-1"), withType(2)),
			rec(att, 2, "工作坊", d(3, 6), withCode("W-1"), withType(2)),
		}, []string{"attendance:1", "attendance:2"}},
		{"two days apart", []Record{
			rec(att, 3, "教学沙龙", d(3, 5)),
			rec(claim, 2, "教学沙龙", d(3, 7)),
		}, []string{"attendance:3", "claims:2"}},
		{"different types", []Record{
			rec(att, 3, "教学沙龙", d(3, 5)),
			rec(claim, 2, "教学沙龙", d(3, 5), withType(14)),
		}, []string{"attendance:3", "claims:2"}},
		{"different event codes", []Record{
			rec(att, 3, "教学沙龙", d(3, 5), withCode("E-1")),
			rec(claim, 2, "教学沙龙", d(3, 5), withCode("E-2")),
		}, []string{"attendance:3", "claims:2"}},
		{"dissimilar titles", []Record{
			rec(att, 3, "教学沙龙", d(3, 5)),
			rec(claim, 2, "科研论文写作讲座", d(3, 5)),
		}, []string{"attendance:3", "claims:2"}},
		{"a week of daily sessions does not chain into one", []Record{
			rec(att, 1, "新教师培训", d(9, 2)),
			rec(att, 2, "新教师培训", d(9, 3)),
			rec(att, 3, "新教师培训", d(9, 4)),
			rec(att, 4, "新教师培训", d(9, 5)),
			rec(claim, 1, "新教师培训", d(9, 4)),
		}, []string{"attendance:1", "attendance:2", "attendance:3+claims:1", "attendance:4"}},
		{"sources disagree on hours", []Record{
			rec(unit, 7, "教学沙龙", d(3, 5), withHours(H(4)), ok),
			rec(claim, 2, "教学沙龙", d(3, 5), withHours(H(8))),
		}, []string{"claims:2+unit-sheet:7 !hours-mismatch"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := groupShape(Matcher{}.Group("T001", 2024, tt.recs))
			if !slices.Equal(got, tt.want) {
				t.Errorf("groups\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestGroupFactsFromStrongestSource(t *testing.T) {
	recs := []Record{
		rec(KindClaims, 2, "教学沙龙（第三期）", d(3, 6), withCat(CatB), withHours(H(8)),
			func(r *Record) { r.Count = 2 }),
		rec(KindAttendance, 3, "教学沙龙第三期", d(3, 5), withCat(""), withHours(H(4))),
	}
	occs := Matcher{}.Group("T001", 2024, recs)
	if len(occs) != 1 {
		t.Fatalf("got %d occurrences, want 1", len(occs))
	}
	o := occs[0]
	if o.Records[0].Source.Kind != KindAttendance {
		t.Errorf("strongest record is %s, want attendance", o.Records[0].Source.Kind)
	}
	// Dates, title and hours from the attendance; the category, which the
	// attendance does not state, and the count from the claim.
	if o.Start != d(3, 5) || o.Title != "教学沙龙第三期" || o.Stated != H(4) {
		t.Errorf("facts = %v %q %v, want the attendance's", o.Start, o.Title, o.Stated)
	}
	if o.Category != CatB || o.Count != 2 {
		t.Errorf("category, count = %q, %d, want B, 2 from the claim", o.Category, o.Count)
	}
}

func TestOccurrenceKeyStable(t *testing.T) {
	claim := rec(KindClaims, 2, "教学沙龙（第三期）", d(3, 6), withHours(H(8)))
	att := rec(KindAttendance, 3, "2024年教学沙龙第三期", d(3, 5), withCode("E-9"))
	unit := rec(KindUnitSheet, 4, "教学沙龙", d(3, 5), withReview(ReviewApproved))
	other := rec(KindClaims, 5, "科研写作讲座", d(4, 1))
	key := func(recs ...Record) string {
		t.Helper()
		for _, o := range (Matcher{}).Group("T001", 2024, recs) {
			if slices.ContainsFunc(o.Records, func(r Record) bool { return r.Source.Row == 2 }) {
				return o.Key
			}
		}
		t.Fatal("claim not grouped")
		return ""
	}
	base := key(claim, other)
	corrected := claim
	corrected.Hours, corrected.Category, corrected.Source.Row = H(4), CatC, 2
	tests := []struct {
		name string
		recs []Record
	}{
		{"another order", []Record{other, claim}},
		{"attendance arrives", []Record{claim, other, att}},
		{"attendance and unit sheet arrive", []Record{unit, att, other, claim}},
		{"hours and category corrected", []Record{corrected, other}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := key(tt.recs...); got != base {
				t.Errorf("key = %s, want %s", got, base)
			}
		})
	}
	if !strings.HasPrefix(base, "O-") || len(base) != 18 {
		t.Errorf("key %q: want O- and 16 hex digits", base)
	}
}

func TestGroupKeysUnique(t *testing.T) {
	// Three sessions of one event code on three days: one key each.
	var recs []Record
	for i := range 3 {
		recs = append(recs, rec(KindClaims, i+1, "工作坊", d(3, 5+i), withCode("W-1")))
	}
	occs := Matcher{}.Group("T001", 2024, recs)
	keys := map[string]bool{}
	for _, o := range occs {
		keys[o.Key] = true
	}
	if len(occs) != 3 || len(keys) != 3 {
		t.Errorf("got %d occurrences with %d keys, want 3 and 3", len(occs), len(keys))
	}
}

func TestGroupIgnoresInputOrder(t *testing.T) {
	recs := []Record{
		rec(KindAttendance, 3, "2024年教学沙龙（第三期）", d(3, 5)),
		rec(KindUnitSheet, 7, "教学沙龙第三期", d(3, 6), withReview(ReviewApproved)),
		rec(KindClaims, 2, "教学沙龙 第三期", d(3, 5)),
		rec(KindClaims, 4, "教学沙龙 第三期", d(3, 5)),
		rec(KindAttendance, 1, "新教师培训", d(9, 2)),
		rec(KindAttendance, 2, "新教师培训", d(9, 3)),
		rec(KindClaims, 1, "新教师培训", d(9, 3)),
	}
	want := groupShape(Matcher{}.Group("T001", 2024, recs))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 50 {
		rng.Shuffle(len(recs), func(a, b int) { recs[a], recs[b] = recs[b], recs[a] })
		if got := groupShape(Matcher{}.Group("T001", 2024, recs)); !slices.Equal(got, want) {
			t.Fatalf("shuffle %d: got %q, want %q", i, got, want)
		}
	}
}

func TestNormalizeTitle(t *testing.T) {
	tests := []struct{ in, want string }{
		{"教学沙龙（第三期）", "教学沙龙第三期"},
		{" 教学 沙龙　第三期。", "教学沙龙第三期"},
		{"ＡＩ辅助教学：Ｃhat", "ai辅助教学chat"},
		{"《医学教育》研讨会—2024", "医学教育研讨会2024"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := NormalizeTitle(tt.in); got != tt.want {
			t.Errorf("NormalizeTitle(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTitleSimilarity(t *testing.T) {
	tests := []struct {
		name    string
		a, b    string
		atLeast float64
		below   float64
	}{
		{"equal after punctuation", "教学沙龙（第三期）", "教学沙龙第三期", 1, 2},
		{"year prefix", "2024年教学沙龙（第三期）", "教学沙龙第三期", 0.6, 0.8},
		{"unrelated", "教学沙龙", "科研论文写作讲座", 0, 0.1},
		{"one character each, equal", "会", "会", 1, 2},
		{"one character each, different", "会", "课", 0, 0.01},
		{"empty", "", "教学", 0, 0.01},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := TitleSimilarity(tt.a, tt.b)
			if s < tt.atLeast || s >= tt.below {
				t.Errorf("similarity = %.3f, want in [%.2f, %.2f)", s, tt.atLeast, tt.below)
			}
			if r := TitleSimilarity(tt.b, tt.a); r != s {
				t.Errorf("not symmetric: %.3f vs %.3f", s, r)
			}
		})
	}
}

func FuzzTitleSimilarity(f *testing.F) {
	f.Add("教学沙龙（第三期）", "2024年教学沙龙第三期")
	f.Add("", "a")
	f.Add("\xff\xfe", "ＡＩ")
	f.Fuzz(func(t *testing.T, a, b string) {
		s := TitleSimilarity(a, b)
		if s < 0 || s > 1 || s != TitleSimilarity(b, a) {
			t.Fatalf("similarity(%q, %q) = %v", a, b, s)
		}
		if NormalizeTitle(a) == NormalizeTitle(b) && s != 1 {
			t.Fatalf("equal titles %q, %q: similarity %v", a, b, s)
		}
	})
}
