package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	"cehours/reconcile"
)

// d is a short constructor for dates in the tables below.
func d(y, m, dd int) reconcile.Date { return reconcile.NewDate(y, time.Month(m), dd) }

// event is one internal activity with a sign-in list.
type event struct {
	Code, Title    string
	Type           int
	Cat            string
	Start, End     reconcile.Date
	Organiser      string
	Hours          reconcile.Hours // stated on the list; 0 = none
	Style          string          // tdc | kv | union | college
	File           string
	Attendees      []*source
	AttendanceNote string
}

// The sign-in lists of 2024-2025 and 2025-2026.
var (
	e01 = &event{Code: "TDC2024-017", Title: "课程思政教学设计工作坊", Type: 2, Cat: "A", Start: d(2024, 9, 12), End: d(2024, 9, 12), Organiser: "教师发展中心", Hours: 400, Style: "tdc"}
	e02 = &event{Code: "TDC2024-021", Title: "人工智能赋能医学教学专题讲座", Type: 1, Cat: "A", Start: d(2024, 10, 10), End: d(2024, 10, 10), Organiser: "教师发展中心", Hours: 400, Style: "tdc"}
	e03 = &event{Code: "TDC2024-031", Title: "2024年新教师研习营", Type: 9, Cat: "A", Start: d(2024, 11, 14), End: d(2024, 11, 16), Organiser: "教师发展中心", Hours: 1600, Style: "kv"}
	e04 = &event{Code: "TDC2024-036", Title: "教学学术论文写作讲座", Type: 1, Cat: "A", Start: d(2024, 12, 12), End: d(2024, 12, 12), Organiser: "教师发展中心", Hours: 400, Style: "tdc"}
	e05 = &event{Code: "TDC2025-008", Title: "教学创新大赛备赛沙龙", Type: 1, Cat: "A", Start: d(2025, 3, 20), End: d(2025, 3, 20), Organiser: "教师发展中心", Hours: 400, Style: "tdc"}
	e06 = &event{Code: "TDC2025-012", Title: "混合式教学设计与实践工作坊", Type: 2, Cat: "A", Start: d(2025, 4, 24), End: d(2025, 4, 25), Organiser: "教师发展中心", Hours: 800, Style: "tdc"}
	e07 = &event{Code: "TDC2025-015", Title: "高校教师心理健康与压力管理讲座", Type: 1, Cat: "C", Start: d(2025, 5, 15), End: d(2025, 5, 15), Organiser: "教师发展中心", Hours: 400, Style: "tdc"}
	e08 = &event{Code: "TDC2025-019", Title: "临床医学教育改革研讨会", Type: 1, Cat: "A", Start: d(2025, 6, 5), End: d(2025, 6, 5), Organiser: "教师发展中心", Hours: 400, Style: "tdc"}
	e09 = &event{Code: "TDC2024-ZJ01", Title: "2024—2025学年青年教师助讲培养", Type: 11, Cat: "A", Start: d(2024, 9, 1), End: d(2025, 6, 30), Organiser: "教师发展中心", Hours: 9000, Style: "tdc"}
	e10 = &event{Code: "JC2024-12", Title: "PBL案例教学研讨会", Type: 3, Cat: "A", Start: d(2024, 12, 5), End: d(2024, 12, 5), Organiser: "基础医学院", Style: "college"}
	e11 = &event{Code: "YX2025-01", Title: "药学院学术沙龙：新药研发前沿", Type: 1, Cat: "A", Start: d(2025, 1, 9), End: d(2025, 1, 9), Organiser: "药学院", Style: "college"}
	e12 = &event{Code: "GH2025-04", Title: "2025年春季教职工健步走活动", Type: 16, Cat: "C", Start: d(2025, 4, 12), End: d(2025, 4, 12), Organiser: "校工会", Style: "union"}
	e13 = &event{Code: "TDC2025-041", Title: "人工智能时代的医学教育变革讲座", Type: 1, Cat: "A", Start: d(2025, 7, 10), End: d(2025, 7, 10), Organiser: "教师发展中心", Hours: 400, Style: "tdc"}
	e14 = &event{Code: "TDC2025-052", Title: "2025年暑期教师教学能力提升培训", Type: 9, Cat: "A", Start: d(2025, 8, 11), End: d(2025, 8, 14), Organiser: "教师发展中心", Hours: 1600, Style: "tdc"}
	e15 = &event{Code: "YX2025-07", Title: "药学院暑期教研活动", Type: 3, Cat: "A", Start: d(2025, 7, 8), End: d(2025, 7, 8), Organiser: "药学院", Style: "college"}

	events = []*event{e01, e02, e03, e04, e05, e06, e07, e08, e09, e10, e11, e12, e13, e14, e15}
)

// typeNames are the names of DESIGN §2.2 for the types the claims export
// names instead of numbering.
var typeNames = map[int]string{
	1: "各类培训、讲座、研讨、沙龙", 2: "工作坊", 3: "教研活动", 4: "示范课、公开课听课观摩",
	9: "短期培训", 11: "助讲培养", 14: "各类与专业技术工作相关的会议",
	16: "支部活动、工会活动、素质拓展活动", 18: "其他", 19: "专业技术资格或职业资格证书",
	20: "3 个月及以上脱产进修、学习", 21: "3 个月以下短期进修、学习", 26: "教研与学术会议",
	29: "网络在线学习", 30: "网络公益讲座", 31: "社会服务",
}

// source is one row about an activity in one file.
type source struct {
	Kind   string // attendance | claim | unit
	Event  *event // attendance only
	Review string // claim: 审核通过/待审核/审核不通过; unit: 通过/不通过/待审核
	Hours  reconcile.Hours
	// What this source writes differently from the activity's facts.
	Title      string
	Start, End reconcile.Date
	Name       string // the name as written when it disagrees with the roster
	StaffNo    string // the 工号 as written when it is not the roster's
	NoStaffNo  bool   // a name-only row
	Evidence   string
	Twice      bool   // listed twice on the same sheet
	DateText   string // the date as typed, overriding the file's usual form
	HoursText  string // the hours as typed
	Note       string // why the row is deliberate, for expected.json
	act        *activity
	ref        rowRef // where it was written; filled by the writers
	ref2       rowRef // the second listing of a Twice row
}

// rowRef locates a written row: file (relative to the inbox), sheet and
// 1-based row (a csv's line number).
type rowRef struct {
	File  string `json:"file"`
	Sheet string `json:"sheet,omitempty"`
	Row   int    `json:"row"`
}

// activity is one activity of one person in one year, however many rows
// report it: one occurrence once reconciled.
type activity struct {
	P          *person
	Year       reconcile.Year
	Type       int
	Title      string
	Cat        string // as stated by the person or the organiser
	Role       string // Chinese role; "" is a participant
	Start, End reconcile.Date
	Days       int
	Organiser  string
	// Credit is what the activity earns under its rule with the per-event
	// limits applied; CreditCat is the category it is credited under
	// (Cat, or the type's only category).
	Credit    reconcile.Hours
	CreditCat string
	Capped    reconcile.Hours // cut by a per-year cap
	Status    reconcile.Status
	WholeYear bool
	Held      bool // a name-mismatch row: credited to nobody
	Rejected  bool // every row of it is rejected by the importer
	Sources   []*source
}

// world is everything the generator writes.
type world struct {
	People     []*person
	Activities []*activity
	Rejects    []*activity // rows about nobody that the importer must reject
	Unknown    []*source   // rows whose 工号 is not in the roster
	rng        *rand.Rand
	used       map[string]bool // person|type|date, to keep background dates apart
	u03Ref     rowRef          // the summary row of the unit-total case
}

func (w *world) person(key string) *person {
	for _, p := range w.People {
		if p.Key == key {
			return p
		}
	}
	panic("no person " + key)
}

// attend records that p attended e, credited from the list alone
// (auto-credited organisers) or together with a claim of review.
func (w *world) attend(p *person, e *event, claimReview string) *activity {
	a := &activity{
		P: p, Year: reconcile.YearOf(e.Start), Type: e.Type, Title: e.Title, Cat: e.Cat,
		Start: e.Start, End: e.End, Organiser: e.Organiser, Credit: eventCredit(e), CreditCat: e.Cat,
	}
	att := &source{Kind: "attendance", Event: e, Hours: e.Hours, act: a}
	a.Sources = append(a.Sources, att)
	e.Attendees = append(e.Attendees, att)
	switch {
	case e.Organiser == "教师发展中心":
		a.Status = reconcile.StatusAutoCredited
		a.WholeYear = e.Type == 11
	case claimReview != "":
		a.Status = reconcile.StatusVerified
		a.Sources = append(a.Sources, &source{Kind: "claim", Review: claimReview, Hours: a.Credit, act: a})
	default:
		a.Status = reconcile.StatusNotCredited
	}
	w.Activities = append(w.Activities, a)
	w.mark(p, e.Type, e.Start)
	return a
}

// eventCredit is what one attendance of e earns: the list's hours, or
// 4 a session for the lists that state none.
func eventCredit(e *event) reconcile.Hours {
	if e.Hours > 0 {
		return e.Hours
	}
	return reconcile.H(4)
}

// claim records a self-reported activity of p in the claims export.
func (w *world) claim(p *person, typ int, title, cat string, start, end reconcile.Date,
	credit reconcile.Hours, review string) *activity {
	return w.record(p, "claim", typ, title, cat, start, end, credit, review)
}

// unitRow records an activity of p in p's unit sheet.
func (w *world) unitRow(p *person, typ int, title, cat string, start, end reconcile.Date,
	credit reconcile.Hours, review string) *activity {
	return w.record(p, "unit", typ, title, cat, start, end, credit, review)
}

func (w *world) record(p *person, kind string, typ int, title, cat string, start, end reconcile.Date,
	credit reconcile.Hours, review string) *activity {
	a := &activity{
		P: p, Year: reconcile.YearOf(start), Type: typ, Title: title, Cat: cat, Start: start, End: end,
		Credit: credit, CreditCat: cat,
	}
	if end.After(start) {
		a.Days = start.DaysUntil(end) + 1
	}
	switch review {
	case "审核通过", "通过":
		a.Status = reconcile.StatusVerified
	case "审核不通过", "不通过":
		a.Status = reconcile.StatusNotCredited
	default:
		a.Status = reconcile.StatusPending
	}
	a.Sources = append(a.Sources, &source{Kind: kind, Review: review, Hours: credit, act: a})
	w.Activities = append(w.Activities, a)
	w.mark(p, typ, start)
	return a
}

func (w *world) mark(p *person, typ int, day reconcile.Date) {
	w.used[fmt.Sprintf("%s|%d|%s", p.No, typ, day)] = true
}

// free reports whether p has no activity of typ within a day of day, so
// that two background activities never read as one occurrence.
func (w *world) free(p *person, typ int, day reconcile.Date) bool {
	for _, n := range []int{-1, 0, 1} {
		if w.used[fmt.Sprintf("%s|%d|%s", p.No, typ, day.AddDays(n))] {
			return false
		}
	}
	return true
}
