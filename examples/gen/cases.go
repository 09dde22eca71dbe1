package main

import (
	"cehours/reconcile"
)

// expectCase is one deliberate mistake or situation and the outcome the
// pipeline must produce for it, written to expected.json and the README.
type expectCase struct {
	ID      string   `json:"id"`
	What    string   `json:"what"`
	StaffNo string   `json:"staff_no,omitempty"`
	Name    string   `json:"name,omitempty"`
	Unit    string   `json:"unit,omitempty"`
	Year    string   `json:"year,omitempty"`
	Rows    []rowRef `json:"rows"`
	// The occurrence's expected status and flags; Reject is the importer's
	// rejection code when the row must be rejected instead.
	Status   reconcile.Status     `json:"status,omitempty"`
	Flags    []reconcile.FlagCode `json:"flags,omitempty"`
	Credited string               `json:"credited,omitempty"`
	Reject   string               `json:"reject,omitempty"`
	Standing string               `json:"standing,omitempty"` // the person-year's status, when the case is about it
	Note     string               `json:"note,omitempty"`

	acts []*activity
}

// deliberate places the deliberate cases and returns them in the order
// the README lists them.
func (w *world) deliberate() []*expectCase {
	var cases []*expectCase
	for _, place := range []func() []*expectCase{
		w.caseCompliant,
		w.caseNameOnlyUnique,
		w.caseAmbiguousName,
		w.caseOneOccurrence,
		w.caseNoAttendance,
		w.caseCapped,
		w.caseSharedEvidence,
		w.caseUnclaimedAttendance,
		w.caseNameMismatch,
		w.caseLeftMidYear,
		w.caseOverclaimed,
		w.caseDuplicate,
		w.caseUnitTotalMismatch,
		w.caseWholeYear,
		w.caseExempt,
		w.caseShortStudy,
		w.caseCategoryNotAllowed,
		w.caseHoursAsText,
		w.caseImpossibleDate,
		w.caseFullWidth,
		w.caseAtRisk,
		w.caseUnitRejected,
		w.caseUnknownStaff,
	} {
		cases = append(cases, place()...)
	}
	return cases
}

// publicClaim claims the provincial public-subject course: C 25, approved.
func (w *world) publicClaim(p *person) *activity {
	return w.claim(p, 29, "2024年浙江省专业技术人员公需科目网络培训", "C", d(2024, 10, 8), d(2024, 12, 20),
		reconcile.H(25), "审核通过")
}

// publicUnitRow is the same course on a unit sheet, approved.
func (w *world) publicUnitRow(p *person, start reconcile.Date) *activity {
	return w.unitRow(p, 29, "2024年浙江省专业技术人员公需科目网络培训", "C", start, start.AddDays(40),
		reconcile.H(25), "通过")
}

// caseCompliant places a compliant teacher, on pace in the current year too.
func (w *world) caseCompliant() []*expectCase {
	var cases []*expectCase
	add := func(c *expectCase) { cases = append(cases, c) }
	p := w.person("compliant")
	w.attend(p, e01, "")
	w.attend(p, e06, "")
	w.attend(p, e07, "")
	w.publicClaim(p)
	w.claim(p, 26, "中华医学会第十八次全国病理学学术会议", "A", d(2024, 10, 25), d(2024, 10, 26), reconcile.H(8), "审核通过")
	w.claim(p, 21, "浙江大学医学院短期进修（病理学）", "A", d(2025, 1, 6), d(2025, 1, 17), reconcile.H(48), "审核通过")
	w.attend(p, e14, "")
	add(&expectCase{ID: "compliant",
		What: "a teacher who met every requirement (A 68, C 29, total 97)", Standing: "compliant", Year: "2024-2025",
		acts: w.of(p)})
	return cases
}

// caseNameOnlyUnique places a lab technician whose unit sheet gives one row by name only.
func (w *world) caseNameOnlyUnique() []*expectCase {
	var cases []*expectCase
	add := func(c *expectCase) { cases = append(cases, c) }
	p := w.person("name-only")
	w.unitRow(p, 1, "实验室安全管理专题讲座", "A", d(2024, 10, 16), d(2024, 10, 16), reconcile.H(4), "通过")
	a := w.unitRow(p, 14, "基础医学院实验教学工作会议", "A", d(2024, 11, 6), d(2024, 11, 6), reconcile.H(4), "通过")
	a.Sources[0].NoStaffNo = true
	w.publicUnitRow(p, d(2024, 11, 1))
	w.unitRow(p, 21, "复旦大学上海医学院实验技术进修", "A", d(2025, 3, 3), d(2025, 3, 12), reconcile.H(40), "通过")
	add(&expectCase{ID: "name-only-unique",
		What: "a unit-sheet row with a name and no 工号, the name unique in the unit: matched", Status: reconcile.StatusVerified, Credited: "4",
		acts: []*activity{a}})
	add(&expectCase{ID: "short",
		What: "a lab technician short of hours (A 48, C 25, total 73: missing 17, A 12)", Standing: "short", Year: "2024-2025",
		acts: w.of(p)})
	return cases
}

// caseAmbiguousName places a name-only row for a name two people of the unit bear.
func (w *world) caseAmbiguousName() []*expectCase {
	var cases []*expectCase
	add := func(c *expectCase) { cases = append(cases, c) }
	var a *activity
	zw := w.person("zhangwei-lab")
	a = &activity{P: zw, Year: 2024, Type: 14, Title: "基础医学院实验教学工作会议", Cat: "A", Start: d(2024, 11, 6), End: d(2024, 11, 6), Credit: reconcile.H(4), CreditCat: "A", Rejected: true}
	a.Sources = []*source{{Kind: "unit", Review: "通过", Hours: reconcile.H(4), NoStaffNo: true, act: a}}
	w.Rejects = append(w.Rejects, a)
	add(&expectCase{ID: "ambiguous-name",
		What: "a unit-sheet row with only the name 张伟, which two people of 基础医学院 bear", Reject: "ambiguous-name",
		acts: []*activity{a}})
	return cases
}

// caseOneOccurrence places one activity in three sources: titles differ, the claim a day late.
func (w *world) caseOneOccurrence() []*expectCase {
	var cases []*expectCase
	add := func(c *expectCase) { cases = append(cases, c) }
	var a *activity
	p := w.person("cross-source")
	a = w.attend(p, e10, "待审核")
	a.Sources[1].Title, a.Sources[1].Start, a.Sources[1].End = "PBL 案例教学研讨", d(2024, 12, 6), d(2024, 12, 6)
	a.Sources = append(a.Sources, &source{Kind: "unit", Review: "通过", Hours: reconcile.H(4), Title: "《PBL案例教学》研讨会", act: a})
	w.attend(p, e01, "")
	w.publicClaim(p)
	add(&expectCase{ID: "one-occurrence",
		What: "the same 教研活动 on 基础医学院's sign-in list, in a claim dated a day later with a slightly different title, and in the unit sheet: one occurrence, credited once", Status: reconcile.StatusVerified, Credited: "4",
		acts: []*activity{a}})
	return cases
}

// caseNoAttendance places a claim of an internal activity with no sign-in list, not yet reviewed.
func (w *world) caseNoAttendance() []*expectCase {
	var cases []*expectCase
	add := func(c *expectCase) { cases = append(cases, c) }
	var a *activity
	p := w.person("no-attendance")
	a = w.claim(p, 1, "基础医学院青年教师沙龙：科研选题经验分享", "B", d(2024, 11, 21), d(2024, 11, 21), reconcile.H(4), "待审核")
	a.Organiser = "基础医学院"
	w.attend(p, e05, "")
	w.attend(p, e07, "")
	w.publicClaim(p)
	w.claim(p, 21, "温州市中心医院短期进修（组织胚胎学）", "A", d(2025, 4, 7), d(2025, 4, 18), reconcile.H(48), "审核通过")
	w.claim(p, 26, "第十二届全国组织学与胚胎学教学研讨会", "A", d(2024, 10, 18), d(2024, 10, 19), reconcile.H(8), "审核通过")
	add(&expectCase{ID: "no-attendance",
		What: "a claim of an internal 沙龙 with no sign-in list, not yet reviewed", Status: reconcile.StatusPending, Flags: []reconcile.FlagCode{reconcile.FlagNoAttendance},
		acts: []*activity{a}})
	add(&expectCase{ID: "short-pending",
		What: "a teacher short by 1 hour (A 60, C 29, total 89) who would be compliant once the pending 4 B hours are confirmed", Standing: "short", Year: "2024-2025", Note: "if_confirmed: compliant",
		acts: w.of(p)})
	return cases
}

// caseCapped places five TDC lectures of type 1: the fifth is cut by the 16-hour cap.
func (w *world) caseCapped() []*expectCase {
	var cases []*expectCase
	add := func(c *expectCase) { cases = append(cases, c) }
	var a *activity
	p := w.person("capped")
	for _, e := range []*event{e02, e04, e05, e07} {
		w.attend(p, e, "")
	}
	a = w.attend(p, e08, "")
	a.Capped = reconcile.H(4)
	w.attend(p, e06, "")
	w.publicClaim(p)
	w.claim(p, 26, "全国生理学教学研讨会", "A", d(2024, 11, 15), d(2024, 11, 16), reconcile.H(8), "审核通过")
	add(&expectCase{ID: "capped",
		What: "five 讲座 of type 1 (20 hours) against the 16-hour yearly cap: the last by date, 临床医学教育改革研讨会 on 2025-06-05, is cut", Status: reconcile.StatusAutoCredited, Flags: []reconcile.FlagCode{reconcile.FlagCapped}, Credited: "0", Note: "standing capped = 4; A 28, C 29, total 57",
		acts: []*activity{a}})
	return cases
}

// caseSharedEvidence places two people claim one certificate number.
func (w *world) caseSharedEvidence() []*expectCase {
	var cases []*expectCase
	add := func(c *expectCase) { cases = append(cases, c) }
	var a *activity
	cert := "2024330100018827"
	var shared []*activity
	for _, key := range []string{"shared-evidence-1", "shared-evidence-2"} {
		p := w.person(key)
		a = w.claim(p, 19, "计算机技术与软件专业技术资格（信息系统项目管理师）", "A", d(2024, 11, 9), d(2024, 11, 9), reconcile.H(30), "审核通过")
		a.Sources[0].Evidence = cert
		shared = append(shared, a)
		w.attend(p, e01, "")
		w.attend(p, e06, "")
		w.publicClaim(p)
	}
	add(&expectCase{ID: "shared-evidence",
		What: "two teachers of different units claim the same certificate number " + cert, Status: reconcile.StatusVerified, Flags: []reconcile.FlagCode{reconcile.FlagSharedEvidence}, Credited: "30", Note: "a warning: the hours stay credited to both",
		acts: shared})
	return cases
}

// caseUnclaimedAttendance places a sign-in list of another organiser, never claimed.
func (w *world) caseUnclaimedAttendance() []*expectCase {
	var cases []*expectCase
	add := func(c *expectCase) { cases = append(cases, c) }
	var a *activity
	p := w.person("unclaimed")
	a = w.attend(p, e12, "")
	w.attend(p, e01, "")
	w.attend(p, e11, "审核通过")
	w.publicClaim(p)
	w.claim(p, 21, "中国药科大学短期进修（药物分析）", "A", d(2025, 5, 12), d(2025, 5, 23), reconcile.H(48), "审核通过")
	w.claim(p, 26, "第九届全国药物化学学术会议", "A", d(2024, 11, 22), d(2024, 11, 23), reconcile.H(8), "审核通过")
	add(&expectCase{ID: "unclaimed-attendance",
		What: "on 校工会's sign-in list (type 16) with no claim", Status: reconcile.StatusNotCredited, Flags: []reconcile.FlagCode{reconcile.FlagUnclaimedAttendance}, Credited: "0", Note: "the person stays short: A 64, C 25, total 89",
		acts: []*activity{a}})
	return cases
}

// caseNameMismatch places a unit-sheet row whose name is not the roster's for its 工号.
func (w *world) caseNameMismatch() []*expectCase {
	var cases []*expectCase
	add := func(c *expectCase) { cases = append(cases, c) }
	var a *activity
	p := w.person("name-mismatch")
	a = w.unitRow(p, 14, "药学院实验室安全工作会议", "A", d(2024, 10, 15), d(2024, 10, 15), reconcile.H(4), "通过")
	a.Held, a.Status = true, reconcile.StatusNotCredited
	a.Sources[0].Name = "王小明"
	w.publicUnitRow(p, d(2024, 9, 20))
	w.unitRow(p, 21, "沈阳药科大学实验技术进修", "A", d(2025, 3, 17), d(2025, 3, 26), reconcile.H(40), "通过")
	w.unitRow(p, 1, "药学院学术讲座：质谱分析新进展", "A", d(2024, 12, 10), d(2024, 12, 10), reconcile.H(4), "通过")
	add(&expectCase{ID: "name-mismatch",
		What: "a row of the GBK csv with 王晓明's 工号 and the name 王小明: held, credited to nobody until resolved", Flags: []reconcile.FlagCode{reconcile.FlagNameMismatch}, Credited: "0", Note: "his standing: A 44, C 25, total 69, short",
		acts: []*activity{a}})
	return cases
}

// caseLeftMidYear places a teacher who left in January.
func (w *world) caseLeftMidYear() []*expectCase {
	var cases []*expectCase
	add := func(c *expectCase) { cases = append(cases, c) }
	p := w.person("left")
	w.attend(p, e01, "")
	w.publicClaim(p)
	add(&expectCase{ID: "left-mid-year",
		What: "a teacher who left on 2025-01-15 (离职日期 in the roster), with 29 hours before leaving", Year: "2024-2025", Note: "DESIGN does not say whether a leaver is reported short; not asserted",
		acts: w.of(p)})
	return cases
}

// caseOverclaimed places a conference claimed at more than its standard.
func (w *world) caseOverclaimed() []*expectCase {
	var cases []*expectCase
	add := func(c *expectCase) { cases = append(cases, c) }
	var a *activity
	p := w.person("overclaimed")
	a = w.claim(p, 26, "第十届全国药理学教学研讨会", "A", d(2024, 11, 8), d(2024, 11, 9), reconcile.H(8), "审核通过")
	a.Sources[0].Hours = reconcile.H(12)
	w.attend(p, e01, "")
	w.attend(p, e06, "")
	w.attend(p, e07, "")
	w.publicClaim(p)
	w.claim(p, 21, "北京大学药学院短期进修", "A", d(2025, 3, 10), d(2025, 3, 21), reconcile.H(48), "审核通过")
	add(&expectCase{ID: "overclaimed",
		What: "a two-day conference (type 26: 4 a day, at most 8 a time) claimed at 12 hours", Status: reconcile.StatusVerified, Flags: []reconcile.FlagCode{reconcile.FlagOverclaimed}, Credited: "8", Note: "the person is still compliant: A 68, C 29, total 97",
		acts: []*activity{a}})
	return cases
}

// caseDuplicate places listed twice on one sign-in sheet.
func (w *world) caseDuplicate() []*expectCase {
	var cases []*expectCase
	add := func(c *expectCase) { cases = append(cases, c) }
	var a *activity
	p := w.person("duplicate")
	a = w.attend(p, e01, "")
	a.Sources[0].Twice = true
	w.attend(p, e06, "")
	w.publicClaim(p)
	add(&expectCase{ID: "duplicate",
		What: "listed twice on the 课程思政教学设计工作坊 sign-in list", Status: reconcile.StatusAutoCredited, Flags: []reconcile.FlagCode{reconcile.FlagDuplicate}, Credited: "4",
		acts: []*activity{a}})
	return cases
}

// caseUnitTotalMismatch places a unit whose per-person summary disagrees with the records.
func (w *world) caseUnitTotalMismatch() []*expectCase {
	var cases []*expectCase
	add := func(c *expectCase) { cases = append(cases, c) }
	p := w.person("unit-total")
	w.attend(p, e01, "")
	w.attend(p, e06, "")
	w.attend(p, e07, "")
	w.publicClaim(p)
	w.claim(p, 21, "复旦大学公共卫生学院短期进修", "A", d(2025, 1, 13), d(2025, 1, 24), reconcile.H(48), "审核通过")
	w.claim(p, 30, "健康中国行动网络公益讲座（主讲）", "B", d(2025, 3, 6), d(2025, 3, 6), reconcile.H(4), "审核通过")
	add(&expectCase{ID: "unit-total-mismatch",
		What: "公共卫生与管理学院's summary gives 专业科目 68 where the records give 60 (B 4, C 29 agree)", Flags: []reconcile.FlagCode{reconcile.FlagUnitTotalMismatch}, Standing: "compliant", Year: "2024-2025", Note: "computed: A 60, B 4, C 29, total 93",
		acts: w.of(p)})
	return cases
}

// caseWholeYear places a whole-year completion.
func (w *world) caseWholeYear() []*expectCase {
	var cases []*expectCase
	add := func(c *expectCase) { cases = append(cases, c) }
	p := w.person("whole-year")
	w.attend(p, e09, "")
	w.attend(p, e03, "")
	add(&expectCase{ID: "whole-year",
		What: "a new teacher in 助讲培养 (type 11) all year, also at 新教师研习营", Standing: "compliant", Year: "2024-2025", Note: "whole_year: true; missing all 0",
		acts: w.of(p)})
	return cases
}

// caseExempt places a health technician: exempt.
func (w *world) caseExempt() []*expectCase {
	var cases []*expectCase
	add := func(c *expectCase) { cases = append(cases, c) }
	p := w.person("exempt")
	w.unitRow(p, 26, "浙江省医学会心血管病学分会年会", "A", d(2024, 10, 11), d(2024, 10, 12), reconcile.H(8), "通过")
	add(&expectCase{ID: "exempt",
		What: "a 卫生技术 physician with 8 hours: an exempt profile, never reported short", Standing: "exempt", Year: "2024-2025",
		acts: w.of(p)})
	return cases
}

// caseShortStudy places a full-time study of two months, claimed as type 20.
func (w *world) caseShortStudy() []*expectCase {
	var cases []*expectCase
	add := func(c *expectCase) { cases = append(cases, c) }
	var a *activity
	p := w.person("short-study")
	a = w.claim(p, 20, "上海交通大学医学院附属瑞金医院脱产进修", "A", d(2024, 9, 1), d(2024, 10, 31), reconcile.H(48), "审核通过")
	w.publicClaim(p)
	add(&expectCase{ID: "short-study",
		What: "type 20 (3 months or more, full time) claimed for 2024-09-01 to 2024-10-31: 2 months", Status: reconcile.StatusVerified, Flags: []reconcile.FlagCode{reconcile.FlagShortStudy}, Credited: "48", Note: "48 either way: 2 months × 24, or as type 21 61 days × 4 capped at 48",
		acts: []*activity{a}})
	return cases
}

// caseCategoryNotAllowed places a category the type does not allow, and a rejected claim.
func (w *world) caseCategoryNotAllowed() []*expectCase {
	var cases []*expectCase
	add := func(c *expectCase) { cases = append(cases, c) }
	var a *activity
	p := w.person("category")
	a = w.claim(p, 4, "内科教学查房示范课观摩", "B", d(2024, 12, 18), d(2024, 12, 18), reconcile.H(4), "审核通过")
	a.CreditCat = "A"
	rej := w.claim(p, 30, "基层医生健康科普网络公益讲座", "B", d(2025, 2, 27), d(2025, 2, 27), reconcile.H(4), "审核不通过")
	w.attend(p, e01, "")
	w.publicClaim(p)
	add(&expectCase{ID: "category-not-allowed",
		What: "type 4 (A only) claimed as category B", Status: reconcile.StatusVerified, Flags: []reconcile.FlagCode{reconcile.FlagCategoryNotAllowed}, Credited: "4", Note: "credited under A, the type's only category",
		acts: []*activity{a}})
	add(&expectCase{ID: "claim-rejected",
		What: "a claim the TDC rejected (审核不通过)", Status: reconcile.StatusNotCredited, Flags: []reconcile.FlagCode{reconcile.FlagUnitRejected}, Credited: "0",
		acts: []*activity{rej}})
	return cases
}

// caseHoursAsText places hours typed as "4学时" in a hospital's sheet.
func (w *world) caseHoursAsText() []*expectCase {
	var cases []*expectCase
	add := func(c *expectCase) { cases = append(cases, c) }
	var a *activity
	p := w.person("hours-text")
	a = w.unitRow(p, 14, "检验科质量管理工作会议", "A", d(2024, 11, 27), d(2024, 11, 27), reconcile.H(4), "通过")
	w.unitRow(p, 26, "浙江省临床检验学术年会", "A", d(2025, 4, 18), d(2025, 4, 19), reconcile.H(8), "通过")
	w.publicUnitRow(p, d(2024, 10, 9))
	add(&expectCase{ID: "hours-as-text",
		What: "附属第一医院 types hours as \"4学时\"", Status: reconcile.StatusVerified, Credited: "4",
		acts: []*activity{a}})
	return cases
}

// caseImpossibleDate places an impossible date.
func (w *world) caseImpossibleDate() []*expectCase {
	var cases []*expectCase
	add := func(c *expectCase) { cases = append(cases, c) }
	var a *activity
	p := w.person("bad-date")
	a = &activity{P: p, Year: 2024, Type: 1, Title: "教学管理业务培训讲座", Cat: "A", Credit: reconcile.H(4), CreditCat: "A", Rejected: true}
	a.Sources = []*source{{Kind: "unit", Review: "通过", Hours: reconcile.H(4), DateText: "2024.2.30", act: a}}
	w.Rejects = append(w.Rejects, a)
	w.publicUnitRow(p, d(2024, 11, 20))
	w.unitRow(p, 21, "浙江大学教学管理实务进修", "A", d(2025, 4, 8), d(2025, 4, 17), reconcile.H(40), "通过")
	w.unitRow(p, 14, "本科教学审核评估工作推进会", "A", d(2025, 3, 12), d(2025, 3, 12), reconcile.H(4), "通过")
	add(&expectCase{ID: "impossible-date",
		What: "a row dated 2024.2.30", Reject: "bad-date",
		acts: []*activity{a}})
	return cases
}

// caseFullWidth places full-width digits.
func (w *world) caseFullWidth() []*expectCase {
	var cases []*expectCase
	add := func(c *expectCase) { cases = append(cases, c) }
	var a *activity
	p := w.person("full-width")
	a = w.unitRow(p, 14, "教务系统升级项目协调会", "A", d(2024, 12, 4), d(2024, 12, 4), reconcile.H(4), "通过")
	a.Sources[0].StaffNo, a.Sources[0].HoursText = fullWidth(p.No), fullWidth("4")
	w.unitRow(p, 26, "全国高校教务管理信息化研讨会", "A", d(2024, 11, 5), d(2024, 11, 6), reconcile.H(8), "通过")
	w.publicUnitRow(p, d(2024, 10, 20))
	add(&expectCase{ID: "full-width",
		What: "工号 and 学时 typed in full-width digits", Status: reconcile.StatusVerified, Credited: "4",
		acts: []*activity{a}})
	return cases
}

// caseAtRisk places behind pace in the year in progress.
func (w *world) caseAtRisk() []*expectCase {
	var cases []*expectCase
	add := func(c *expectCase) { cases = append(cases, c) }
	p := w.person("at-risk")
	w.attend(p, e01, "")
	w.attend(p, e06, "")
	w.attend(p, e07, "")
	w.publicClaim(p)
	w.claim(p, 21, "华东师范大学教育管理短期研修", "A", d(2025, 1, 6), d(2025, 1, 17), reconcile.H(48), "审核通过")
	w.claim(p, 26, "全国高等医学教育学会年会", "A", d(2024, 11, 29), d(2024, 11, 30), reconcile.H(8), "审核通过")
	w.attend(p, e13, "")
	add(&expectCase{ID: "at-risk",
		What: "compliant in 2024-2025 (97 hours), but only 4 hours in 2025-2026 by 2025-08-20", Standing: "at-risk", Year: "2025-2026",
		acts: w.ofYear(p, 2025)})
	return cases
}

// caseUnitRejected places a unit rejects a row; another awaits review.
func (w *world) caseUnitRejected() []*expectCase {
	var cases []*expectCase
	add := func(c *expectCase) { cases = append(cases, c) }
	var a *activity
	p := w.person("rejected")
	a = w.unitRow(p, 18, "校园网络安全宣传周志愿服务", "A", d(2024, 9, 23), d(2024, 9, 23), reconcile.H(8), "不通过")
	w.publicUnitRow(p, d(2024, 10, 14))
	w.unitRow(p, 21, "华为ICT学院网络工程技术进修", "A", d(2025, 5, 6), d(2025, 5, 15), reconcile.H(40), "通过")
	w.unitRow(p, 14, "信息化建设专题工作会议", "A", d(2025, 1, 8), d(2025, 1, 8), reconcile.H(4), "通过")
	add(&expectCase{ID: "unit-rejected",
		What: "a unit-sheet row the unit marked 不通过", Status: reconcile.StatusNotCredited, Flags: []reconcile.FlagCode{reconcile.FlagUnitRejected}, Credited: "0",
		acts: []*activity{a}})
	p = w.person("pending-unit")
	a = w.unitRow(p, 26, "中国高校计算机教育大会", "A", d(2025, 6, 13), d(2025, 6, 14), reconcile.H(8), "待审核")
	w.publicUnitRow(p, d(2024, 9, 25))
	w.unitRow(p, 21, "浙江大学网络空间安全实验技术进修", "A", d(2024, 12, 2), d(2024, 12, 13), reconcile.H(48), "通过")
	add(&expectCase{ID: "unit-pending",
		What: "a unit-sheet row still 待审核", Status: reconcile.StatusPending, Credited: "0", Note: "pending 8 A",
		acts: []*activity{a}})
	return cases
}

// caseUnknownStaff places a 工号 the roster does not know.
func (w *world) caseUnknownStaff() []*expectCase {
	var cases []*expectCase
	add := func(c *expectCase) { cases = append(cases, c) }
	var a *activity
	stranger := &person{Staff: reconcile.Staff{No: "169999", Name: "吴宇航", UnitCode: ""}}
	a = &activity{P: stranger, Year: 2024, Type: 1, Title: e05.Title, Cat: "A", Start: e05.Start, End: e05.End, Credit: reconcile.H(4), CreditCat: "A"}
	s := &source{Kind: "attendance", Event: e05, Hours: e05.Hours, act: a}
	a.Sources = []*source{s}
	e05.Attendees = append(e05.Attendees, s)
	w.Unknown = append(w.Unknown, s)
	add(&expectCase{ID: "unknown-staff",
		What: "a visiting doctor (工号 169999, 单位 温州医科大学附属第二医院) on a TDC sign-in list", Flags: []reconcile.FlagCode{reconcile.FlagUnknownStaff}, Note: "stored and flagged, credited to nobody",
		acts: []*activity{a}})
	return cases
}

// of returns p's activities of 2024-2025.
func (w *world) of(p *person) []*activity { return w.ofYear(p, 2024) }

func (w *world) ofYear(p *person, y reconcile.Year) []*activity {
	var out []*activity
	for _, a := range w.Activities {
		if a.P == p && a.Year == y {
			out = append(out, a)
		}
	}
	return out
}
