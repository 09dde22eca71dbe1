package main

import (
	"fmt"
	"slices"

	"cehours/reconcile"
)

// Titles of the activities background staff report, by type.
var (
	conferences = []string{
		"中华医学会全国医学教育学术会议", "浙江省生理科学会学术年会", "全国高校药学教学研讨会",
		"中国药理学会学术年会", "全国预防医学教学研讨会", "长三角医学教育论坛",
		"中国卫生管理学术年会", "全国病理生理学教学研讨会", "浙江省药学会学术年会",
		"全国实验教学示范中心联席会", "中国高等教育学会医学教育专业委员会年会",
	}
	studies = []string{
		"浙江大学医学院短期进修", "复旦大学短期访学", "中国医学科学院短期研修",
		"中山大学医学院短期进修", "四川大学华西医学中心短期进修", "上海交通大学短期研修",
	}
	onlineA = []string{
		"中国大学MOOC：循证医学", "医学教育研究方法在线课程", "临床流行病学在线课程",
		"学堂在线：高校教师教学能力提升", "智慧树：医学统计学进阶",
	}
	meetings = []string{
		"实验室安全工作会议", "教学质量分析会", "学科建设研讨会", "设备管理工作会议",
		"信息化工作推进会", "年度业务工作会议",
	}
	lectures = []string{
		"科室业务学习讲座", "实验技术专题讲座", "仪器操作规范培训", "信息安全专题讲座",
	}
	services = []string{"社区健康义诊服务", "中小学科普进校园活动", "无偿献血志愿服务"}
)

// background gives every background person ordinary, clean records: a
// realistic spread of compliant and short staff, some with claims still
// under review, no caps reached and no mistakes.
func (w *world) background() {
	tdcType1 := []*event{e02, e04, e05, e07, e08}
	for _, p := range w.People {
		if !p.Background {
			continue
		}
		switch {
		case p.Series == "卫生技术":
			w.exemptRecords(p)
		case p.Teacher:
			w.teacherRecords(p, tdcType1)
		default:
			w.staffRecords(p)
		}
	}
}

// target draws what a background person ends the year with: compliant
// (about two thirds), compliant once a pending claim is reviewed, or short.
func (w *world) target(p *person) (goal reconcile.Hours, pending bool) {
	r := w.rng.Float64()
	switch {
	case r < 0.65:
		return reconcile.H(int64(90 + w.rng.IntN(20))), false
	case r < 0.80 && p.UnitCode != "U03":
		return reconcile.H(int64(90 + w.rng.IntN(12))), true
	default:
		return reconcile.H(int64(24 + w.rng.IntN(60))), false
	}
}

func (w *world) teacherRecords(p *person, tdcType1 []*event) {
	goal, pending := w.target(p)
	tally := map[string]reconcile.Hours{}
	count := func(a *activity) {
		if a.Status.Counts() {
			tally[a.CreditCat] += a.Credit
			tally["T"] += a.Credit
		}
	}

	// Internal events: the TDC's lists credit themselves; a college's or
	// the union's list is matched by a claim.
	if p.Hired.Y >= 2023 && p.Hired.Y <= 2024 {
		count(w.attend(p, e03, ""))
	}
	if p.Hired.Y == 2024 { // new teachers spend their first year in 助讲培养
		count(w.attend(p, e09, ""))
	}
	if w.rng.Float64() < 0.45 {
		count(w.attend(p, e01, ""))
	}
	if w.rng.Float64() < 0.35 {
		count(w.attend(p, e06, ""))
	}
	type1 := 0
	switch p.UnitCode {
	case "U01":
		if w.rng.Float64() < 0.4 {
			count(w.attend(p, e10, pick(w, []string{"审核通过", "审核通过", "待审核"})))
		}
	case "U02":
		if w.rng.Float64() < 0.4 {
			count(w.attend(p, e11, "审核通过"))
			type1++
		}
	}
	for _, i := range w.rng.Perm(len(tdcType1))[:w.rng.IntN(4-type1)] {
		count(w.attend(p, tdcType1[i], ""))
	}
	if w.rng.Float64() < 0.12 {
		count(w.attend(p, e12, "审核通过"))
	}

	// The provincial public-subject course gives most teachers their C hours.
	if goal >= reconcile.H(80) || w.rng.Float64() < 0.5 {
		count(w.claim(p, 29, "2024年浙江省专业技术人员公需科目网络培训", "C",
			d(2024, 9, 20+w.rng.IntN(10)), d(2024, 12, 20), reconcile.H(25), "审核通过"))
	}

	// External activities until the goal is met, the last one possibly
	// still under review.
	confs, studied := 0, false
	for tally["T"] < goal || (goal >= reconcile.H(90) && tally["A"] < reconcile.H(60)) {
		review := "审核通过"
		if pending && tally["T"]+reconcile.H(48) >= goal {
			review = "待审核"
		}
		var a *activity
		switch k := w.rng.IntN(4); {
		case k == 0 && confs < 2:
			confs++
			start := w.freeDate(p, 26, 2)
			a = w.claim(p, 26, pick(w, conferences), "A", start, start.AddDays(1), reconcile.H(8), review)
		case k == 1 && !studied:
			studied = true
			days := 5 + w.rng.IntN(8)
			start := w.freeDate(p, 21, days)
			a = w.claim(p, 21, pick(w, studies), "A", start, start.AddDays(days-1),
				reconcile.H(int64(min(4*days, 48))), review)
		default:
			start := w.freeDate(p, 29, 1)
			a = w.claim(p, 29, pick(w, onlineA)+fmt.Sprintf("（%d）", start.M), "A", start, start.AddDays(30),
				reconcile.H(25), review)
		}
		count(a)
		if a.Status == reconcile.StatusPending {
			break
		}
	}

	// The year in progress: the summer training and a few early claims.
	if w.rng.Float64() < 0.55 {
		w.attend(p, e14, "")
	}
	if w.rng.Float64() < 0.3 {
		w.attend(p, e13, "")
	}
	if p.UnitCode == "U02" && w.rng.Float64() < 0.3 {
		w.attend(p, e15, "待审核")
	}
	if w.rng.Float64() < 0.1 {
		start := d(2025, 7, 12+w.rng.IntN(10))
		w.claim(p, 26, pick(w, conferences), "A", start, start.AddDays(1), reconcile.H(8), "待审核")
	}
}

// staffRecords gives other professional staff their unit's reviewed rows.
func (w *world) staffRecords(p *person) {
	goal, pending := w.target(p)
	var total, a reconcile.Hours
	add := func(x *activity) {
		if x.Status.Counts() {
			total += x.Credit
			if x.CreditCat == "A" {
				a += x.Credit
			}
		}
	}
	if goal >= reconcile.H(80) || w.rng.Float64() < 0.6 {
		start := w.freeDate(p, 29, 40)
		add(w.unitRow(p, 29, "2024年浙江省专业技术人员公需科目网络培训", "C", start, start.AddDays(40), reconcile.H(25), "通过"))
	}
	if w.rng.Float64() < 0.3 {
		start := w.freeDate(p, 31, 1)
		add(w.unitRow(p, 31, pick(w, services), "B", start, start, reconcile.H(4), "通过"))
	}
	perType := map[int]reconcile.Hours{}
	for total < goal || (goal >= reconcile.H(90) && a < reconcile.H(60)) {
		review := "通过"
		if pending && total+reconcile.H(40) >= goal {
			review = "待审核"
		}
		var x *activity
		switch k := w.rng.IntN(4); {
		case k == 0 && perType[14] < reconcile.H(12):
			start := w.freeDate(p, 14, 1)
			x = w.unitRow(p, 14, unitByCode(p.UnitCode).Name+pick(w, meetings), "A", start, start, reconcile.H(4), review)
		case k == 1 && perType[1] < reconcile.H(12):
			start := w.freeDate(p, 1, 1)
			x = w.unitRow(p, 1, pick(w, lectures), "A", start, start, reconcile.H(4), review)
		case k == 2 && perType[26] < reconcile.H(8):
			start := w.freeDate(p, 26, 2)
			x = w.unitRow(p, 26, pick(w, conferences), "A", start, start.AddDays(1), reconcile.H(8), review)
		case perType[21] == 0:
			days := 5 + w.rng.IntN(8)
			start := w.freeDate(p, 21, days)
			x = w.unitRow(p, 21, pick(w, studies), "A", start, start.AddDays(days-1),
				reconcile.H(int64(min(4*days, 48))), review)
		default:
			start := w.freeDate(p, 29, 1)
			x = w.unitRow(p, 29, pick(w, onlineA)+fmt.Sprintf("（%d）", start.M), "A", start, start.AddDays(30),
				reconcile.H(25), review)
		}
		perType[x.Type] += x.Credit
		add(x)
		if x.Status == reconcile.StatusPending {
			break
		}
	}
}

// exemptRecords gives a health technician a row or two: tracked, exempt.
func (w *world) exemptRecords(p *person) {
	for range w.rng.IntN(3) {
		start := w.freeDate(p, 26, 2)
		w.unitRow(p, 26, pick(w, conferences), "A", start, start.AddDays(1), reconcile.H(8), "通过")
	}
}

// freeDate draws a start date in 2024-2025 for an activity of days days
// that ends by 30 June and keeps clear of p's other activities of typ.
func (w *world) freeDate(p *person, typ, days int) reconcile.Date {
	first := d(2024, 9, 2)
	span := first.DaysUntil(d(2025, 6, 30)) - days
	for {
		start := first.AddDays(w.rng.IntN(span))
		if start.Time().Weekday() >= 1 && start.Time().Weekday() <= 5 && w.free(p, typ, start) {
			return start
		}
	}
}

func pick[T any](w *world, xs []T) T { return xs[w.rng.IntN(len(xs))] }

// expectStanding is what a person's standing must be, from the credits
// the generator assigned.
type expectStanding struct {
	StaffNo     string            `json:"staff_no"`
	Name        string            `json:"name"`
	Unit        string            `json:"unit"`
	Year        string            `json:"year"`
	Status      string            `json:"status,omitempty"`
	IfConfirmed string            `json:"if_confirmed,omitempty"`
	WholeYear   bool              `json:"whole_year"`
	Hours       map[string]string `json:"hours"`
	Pending     map[string]string `json:"pending"`
	Capped      string            `json:"capped"`
	Missing     map[string]string `json:"missing,omitempty"`
	raw         map[string]reconcile.Hours
}

func (w *world) standings(y reconcile.Year) []*expectStanding {
	var out []*expectStanding
	for _, p := range w.People {
		h := map[string]reconcile.Hours{}
		pend := map[string]reconcile.Hours{}
		var capped reconcile.Hours
		whole := false
		for _, a := range w.Activities {
			if a.P != p || a.Year != y {
				continue
			}
			switch {
			case a.Status.Counts():
				h[a.CreditCat] += a.Credit - a.Capped
				h["total"] += a.Credit - a.Capped
				capped += a.Capped
				whole = whole || a.WholeYear
			case a.Status == reconcile.StatusPending:
				pend[a.CreditCat] += a.Credit
				pend["total"] += a.Credit
			}
		}
		miss := map[string]reconcile.Hours{
			"total": max(0, reconcile.H(90)-h["total"]),
			"A":     max(0, reconcile.H(60)-h["A"]),
			"BC":    max(0, reconcile.H(18)-h["B"]-h["C"]),
		}
		if whole {
			miss = map[string]reconcile.Hours{"total": 0, "A": 0, "BC": 0}
		}
		status := verdict(p, h, whole)
		ifConfirmed := status
		if pend["total"] > 0 {
			all := map[string]reconcile.Hours{}
			for _, k := range []string{"A", "B", "C", "total"} {
				all[k] = h[k] + pend[k]
			}
			ifConfirmed = verdict(p, all, whole)
		}
		out = append(out, &expectStanding{
			StaffNo: p.No, Name: p.Name, Unit: p.UnitCode, Year: y.String(), Status: status, IfConfirmed: ifConfirmed,
			WholeYear: whole, Hours: strs(h, "A", "B", "C", "total"), Pending: strs(pend, "A", "B", "C", "total"),
			Capped: capped.String(), Missing: strs(miss, "total", "A", "BC"), raw: h,
		})
		if status == "exempt" {
			out[len(out)-1].Missing = nil // an exempt profile states no requirement
		}
	}
	slices.SortFunc(out, func(a, b *expectStanding) int {
		return cmpStr(a.StaffNo, b.StaffNo)
	})
	return out
}

// verdict is the status of a finished year: exempt for the health
// technicians' profile, compliant when hours or a whole-year completion
// meet the requirement, short otherwise.
func verdict(p *person, h map[string]reconcile.Hours, whole bool) string {
	switch {
	case p.Series == "卫生技术":
		return "exempt"
	case whole || h["total"] >= reconcile.H(90) && h["A"] >= reconcile.H(60) && h["B"]+h["C"] >= reconcile.H(18):
		return "compliant"
	}
	return "short"
}

func strs(m map[string]reconcile.Hours, keys ...string) map[string]string {
	out := map[string]string{}
	for _, k := range keys {
		out[k] = m[k].String()
	}
	return out
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
