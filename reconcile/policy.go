package reconcile

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Evaluate applies the policy to one person's occurrences of year y and
// returns the person's standing for that year.
//
// occs must already be grouped and carry their Status. Evaluate fills in,
// in place, each occurrence's Standard, Bonus, Credited, Capped, Pending,
// WholeYear, Rule and CapNote, and replaces the flags it owns (overclaimed,
// category-not-allowed, capped, short-study), so calling it twice gives the
// same result. It does not reorder occs.
//
// Occurrences are taken in order of Start, then Key, so that per-year caps
// cut the same records on every run. Those whose Status counts are credited
// first; pending ones then fill what the caps leave, so that Pending is
// what would count once their evidence arrives and IfConfirmed is the
// status with every pending hour confirmed. Not-credited occurrences get a
// Standard, for the ledger, and nothing else. Hours a cap cuts from a
// pending occurrence are shown on it but not in the standing's Capped,
// which counts credited occurrences only.
//
// Bonuses sit outside every cap and are part of Credited (or Pending).
// An occurrence whose category is missing, or not allowed on a type of
// several categories, counts toward the total only, not toward A or B+C,
// and is flagged category-not-allowed; on a type of a single category it
// counts under that category.
func (rs *RuleSet) Evaluate(p Staff, y Year, occs []*Occurrence, today Date) Standing {
	// One person's occurrences in date order, then key order.
	items := make([]evalItem, len(occs))
	for i, o := range occs {
		items[i].o = o
	}
	slices.SortStableFunc(items, func(a, b evalItem) int {
		if c := cmpDate(a.o.Start, b.o.Start); c != 0 {
			return c
		}
		return strings.Compare(a.o.Key, b.o.Key)
	})
	prof := rs.Profile(p, y)
	st := Standing{StaffNo: p.No, Name: p.Name, UnitCode: p.UnitCode, Year: y}
	if prof != nil {
		st.Profile = prof.Name
	}

	// Each occurrence's standard from its own facts.
	for i := range items {
		items[i].cat, items[i].t = rs.assess(items[i].o, y)
	}

	// Credited occurrences take the per-year caps first, pending ones
	// then fill what is left.
	var caps capState
	pendingWhole := false
	for _, it := range items {
		if o := it.o; o.Status.Counts() && o.Standard+o.Bonus > 0 {
			o.Credited = caps.apply(it.t, o) + o.Bonus
			st.Hours.Add(it.cat, o.Credited)
			st.Capped += o.Capped
			st.WholeYear = st.WholeYear || o.WholeYear
		}
	}
	for _, it := range items {
		if o := it.o; o.Status == StatusPending && o.Standard+o.Bonus > 0 {
			o.Pending = caps.apply(it.t, o) + o.Bonus
			st.Pending.Add(it.cat, o.Pending)
			pendingWhole = pendingWhole || o.WholeYear
		}
	}

	// The verdict, now and with every pending hour confirmed.
	st.Status, st.Missing = judge(prof, st.Hours, st.WholeYear, y, today)
	confirmed := CategoryHours{A: st.Hours.A + st.Pending.A, B: st.Hours.B + st.Pending.B,
		C: st.Hours.C + st.Pending.C, Total: st.Hours.Total + st.Pending.Total}
	st.IfConfirmed, _ = judge(prof, confirmed, st.WholeYear || pendingWhole, y, today)
	return st
}

// evalItem is one occurrence under evaluation with its type (nil when
// unknown) and the category its hours count under.
type evalItem struct {
	o   *Occurrence
	t   *ActivityType
	cat Category
}

// ownFlags are the flag codes Evaluate raises and therefore replaces.
var ownFlags = []FlagCode{FlagOverclaimed, FlagCategoryNotAllowed, FlagCapped, FlagShortStudy}

// assess resets what Evaluate fills in on o, computes its standard and
// bonus, raises the flags that depend on o alone, and returns the category
// its hours count under ("" for the total only) and its type (nil when
// unknown).
func (rs *RuleSet) assess(o *Occurrence, y Year) (Category, *ActivityType) {
	o.Standard, o.Bonus, o.Credited, o.Capped, o.Pending = 0, 0, 0, 0, 0
	o.WholeYear, o.Rule, o.CapNote = false, "", ""
	o.Flags = slices.DeleteFunc(o.Flags, func(f Flag) bool {
		return slices.Contains(ownFlags, f.Code)
	})

	on := o.Start
	if on.IsZero() {
		on = y.Start()
	}
	t := rs.Type(o.Type, on)
	if t == nil {
		o.Rule = fmt.Sprintf("活动类型%d未知，不计学时", o.Type)
		return "", nil
	}

	// The standard from the facts, or a reviewer's accepted hours.
	c := compute(t, o, y)
	o.Standard, o.Bonus, o.WholeYear = c.standard, c.bonus, c.wholeYear
	o.Rule = c.rule
	if o.Accepted > 0 {
		o.Standard, o.Bonus = o.Accepted, 0
		o.Rule += "；审核认可" + hstr(o.Accepted) + "学时，按认可学时计"
		if o.Decision != "" {
			o.Rule += "（" + o.Decision + "）"
		}
	}

	// Flags on the record's own facts.
	if c.shortStudy {
		o.flag(FlagShortStudy, SevWarning,
			"类型"+itoa(int64(t.No))+"要求进修、学习"+itoa(int64(t.ShortStudy))+
				"个月及以上，本条仅"+itoa(int64(c.months))+"个月，应属3个月以下短期进修、学习",
			"请核实进修时间，并将活动类型更正为类型21")
	}
	if o.Stated > 0 && o.Accepted == 0 && o.Status != StatusNotCredited &&
		o.Stated > o.Standard+o.Bonus {
		std := hstr(o.Standard + o.Bonus)
		o.flag(FlagOverclaimed, SevWarning,
			"申报"+hstr(o.Stated)+"学时，超过计算标准"+std+"学时，按"+std+"学时计",
			"请所在单位更正学时；如确应认定，请审核人认可")
	}
	return creditCategory(t, o), t
}

// creditCategory returns the category o's hours count under and flags a
// category outside the type's set, or a missing one.
func creditCategory(t *ActivityType, o *Occurrence) Category {
	single := len(t.Categories) == 1
	switch {
	case t.Allows(o.Category):
		return o.Category
	case o.Category == "" && single:
		return t.Categories[0]
	case single:
		only := t.Categories[0]
		o.flag(FlagCategoryNotAllowed, SevWarning,
			typeLabel(t)+"只能归入"+string(only)+"（"+CategoryName(only)+"），填写为"+
				string(o.Category)+"，已按"+string(only)+"计",
			"请更正科目类型")
		return t.Categories[0]
	case o.Category == "":
		o.flag(FlagCategoryNotAllowed, SevWarning,
			typeLabel(t)+"未填写科目类型，学时只计入总学时，不计入A类或B+C类",
			"请补填科目类型（A、B或C）")
		return ""
	}
	o.flag(FlagCategoryNotAllowed, SevWarning,
		typeLabel(t)+"不允许科目类型"+string(o.Category)+"（可选"+joinCats(t.Categories)+
			"），学时只计入总学时，不计入A类或B+C类",
		"请更正科目类型")
	return ""
}

func joinCats(cs []Category) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, "、")
}

// flag appends a flag citing every source of o.
func (o *Occurrence) flag(code FlagCode, sev Severity, msg, action string) {
	srcs := make([]SourceRef, len(o.Records))
	for i, r := range o.Records {
		srcs[i] = r.Source
	}
	o.Flags = append(o.Flags, Flag{Code: code, Severity: sev, Message: msg, Action: action, Sources: srcs})
}

// capState is what one person has used of each per-year cap so far.
type capState struct {
	used []capUse
}

// capUse is the hours used of one type's cap (role "") or of one role cap.
type capUse struct {
	no   int
	role Role
	used Hours
}

// take returns a pointer to the hours used of the cap (no, role).
func (cs *capState) take(no int, role Role) *Hours {
	for i := range cs.used {
		if cs.used[i].no == no && cs.used[i].role == role {
			return &cs.used[i].used
		}
	}
	cs.used = append(cs.used, capUse{no: no, role: role})
	return &cs.used[len(cs.used)-1].used
}

// apply returns the part of o's standard that its type's per-year caps
// still admit, records it as used, and sets o.Capped, o.CapNote and the
// capped flag for what they cut.
func (cs *capState) apply(t *ActivityType, o *Occurrence) Hours {
	if t == nil || o.Standard <= 0 {
		return 0
	}
	amount := o.Standard
	var note string

	// The type's own cap; a per-year shape caps at its yearly hours.
	limit := t.PerYearCap
	if t.Rule.Shape == ShapePerYear && (limit == 0 || t.Rule.Hours < limit) {
		limit = t.Rule.Hours
	}
	var typeUsed, roleUsed *Hours
	if limit > 0 {
		typeUsed = cs.take(t.No, "")
		if left := max(0, limit-*typeUsed); left < amount {
			amount = left
			note = "类型" + itoa(int64(t.No)) + " 每学年最高" + hstr(limit) + "学时，已计满"
		}
	}

	// The cap of the person's role, on its own.
	role := o.Role
	if role == "" {
		role = RoleParticipant
	}
	if rc, ok := t.RoleCapFor(role); ok {
		roleUsed = cs.take(t.No, rc.Role)
		if left := max(0, rc.Hours-*roleUsed); left < amount {
			amount = left
			note = "类型" + itoa(int64(t.No)) + " " + RoleName(rc.Role) + "每学年最高" +
				hstr(rc.Hours) + "学时，已计满"
		}
	}

	if typeUsed != nil {
		*typeUsed += amount
	}
	if roleUsed != nil {
		*roleUsed += amount
	}
	if cut := o.Standard - amount; cut > 0 {
		o.Capped = cut
		o.CapNote = note + "（本条计入" + hstr(amount) + "学时，" + hstr(cut) + "学时不计）"
		o.flag(FlagCapped, SevInfo, o.CapNote, "无需处理：该类活动本学年学时已达上限")
	}
	return amount
}

// judge returns the status and what is missing for hours h (whole: a
// whole-year completion applies) under profile prof on day today.
//
// A year that has not ended (today ≤ 30 June) and whose total is below
// the profile's total × the elapsed share of the year's days (1 July to
// today, both included) is at-risk; any other year not met is short. So a
// person on pace but not yet done during the year is short: the hours are
// not there yet, and at-risk marks those falling behind. A year that has
// not begun has no pace and is short.
func judge(prof *Profile, h CategoryHours, whole bool, y Year, today Date) (StandingStatus, Missing) {
	if prof == nil {
		return StandingShort, Missing{}
	}
	if prof.Exempt {
		return StandingExempt, Missing{}
	}
	if whole {
		return StandingCompliant, Missing{}
	}
	m := Missing{
		Total: max(0, prof.Total-h.Total),
		A:     max(0, prof.A-h.A),
		BC:    max(0, prof.BC-(h.B+h.C)),
	}
	if m == (Missing{}) {
		return StandingCompliant, m
	}
	if !today.After(y.End()) {
		yearDays := int64(y.Start().DaysUntil(y.End()) + 1)
		elapsed := min(max(int64(y.Start().DaysUntil(today)+1), 0), yearDays)
		// total < Total × elapsed / yearDays, in integers
		if int64(h.Total)*yearDays < int64(prof.Total)*elapsed {
			return StandingAtRisk, m
		}
	}
	return StandingShort, m
}

// computed is one occurrence's hours under its type's rule.
type computed struct {
	standard   Hours
	bonus      Hours
	wholeYear  bool
	rule       string // how, in Chinese, "类型1 …：4学时/次 × 2次 = 8学时"
	months     int    // whole months, for per-month shapes
	shortStudy bool
}

// compute applies t's rule shape, per-event limit, whole-year completion
// and bonus to o's facts, and says how in one string built at once.
// Count 0 means 1; Days 0 means the dates, both ends included.
func compute(t *ActivityType, o *Occurrence, y Year) computed {
	count := int64(max(o.Count, 1))
	c := shapeHours(t, o, y, count)

	// Per-event limit, completion and the role bonus, in one string.
	eventCap, whole, bonus := "", "", ""
	if t.PerEventCap > 0 && c.standard > t.PerEventCap {
		eventCap = "，一次最高" + hstr(t.PerEventCap) + "学时"
		c.standard = t.PerEventCap
	}
	if t.Completion != nil && t.Completion.MinMonths == 0 {
		c.wholeYear = true
		whole = "，视为完成该学年继续教育要求"
	}
	if b := t.BonusFor(o.Role); b > 0 {
		c.bonus = b.Mul(count)
		bonus = "；" + RoleName(o.Role) + "另计" + hstr(b) + "学时/次 × " + itoa(count) +
			"次 = " + hstr(c.bonus) + "学时"
	}
	c.rule = "类型" + itoa(int64(t.No)) + " " + t.Name + "：" + c.rule + eventCap + " = " +
		hstr(c.standard) + "学时" + whole + bonus
	return c
}

// shapeHours is what o's facts earn under the shape of t's rule, before
// the per-event cap and the bonus.
func shapeHours(t *ActivityType, o *Occurrence, y Year, count int64) computed {
	var c computed
	r := t.Rule
	switch r.Shape {
	case ShapePerSession, ShapePerCourse, ShapePerItem:
		c.standard = r.Hours.Mul(count)
		unit := r.Shape.unitWord()
		c.rule = hstr(r.Hours) + "学时/" + unit + " × " + itoa(count) + unit
	case ShapePerDay:
		c = perDay(t, o)
	case ShapePerMonth:
		c = perMonth(t, o)
	case ShapePerYear:
		c.standard = r.Hours
		c.rule = "一学年计" + hstr(r.Hours) + "学时"
	case ShapeLevel:
		c = byLevel(t, o, count)
	case ShapeQuestionAnswer:
		h, ok := r.RoleHours[o.Role]
		if !ok {
			c.rule = fmt.Sprintf("角色为%s，非提问或答复，不计学时", RoleName(o.Role))
			break
		}
		c.standard = h.Mul(count)
		c.rule = RoleName(o.Role) + hstr(h) + "学时/次 × " + itoa(count) + "次"
	case ShapeShared:
		c.standard = r.Hours.Mul(count)
		c.rule = hstr(r.Hours) + "学时/门 × " + itoa(count) + "门"
		if o.Share > 0 && o.Share != 10000 {
			c.standard = c.standard.MulFrac(int64(o.Share), 10000)
			c.rule += fmt.Sprintf(" × 分摊比例%s%%", Hours(o.Share))
		}
	case ShapeAsApproved:
		if h, ok := t.YearHours[y]; ok {
			c.standard = h
			c.rule = fmt.Sprintf("%s学年认定%s学时", y, h)
		} else {
			c.standard = o.Stated
			c.rule = "按审核认定学时" + hstr(o.Stated) + "学时"
		}
	}
	return c
}

// perDay is days × hours, or a fixed programme's hours when the title
// names one.
func perDay(t *ActivityType, o *Occurrence) computed {
	var c computed
	if p := t.ProgrammeFor(o.Title); p != nil {
		c.standard = p.Hours
		c.rule = p.Title + "计" + hstr(p.Hours) + "学时"
		return c
	}
	days := o.Days
	if days <= 0 {
		days = 1
		if !o.End.IsZero() && !o.End.Before(o.Start) {
			days = o.Start.DaysUntil(o.End) + 1
		}
	}
	c.standard = t.Rule.Hours.Mul(int64(days))
	c.rule = hstr(t.Rule.Hours) + "学时/天 × " + itoa(int64(days)) + "天"
	return c
}

// perMonth is whole months × hours, or the completion's hours when the
// months reach it; it also notes a study too short for its type.
func perMonth(t *ActivityType, o *Occurrence) computed {
	var c computed
	c.months = WholeMonths(o.Start, o.End)
	c.standard = t.Rule.Hours.Mul(int64(c.months))
	c.rule = hstr(t.Rule.Hours) + "学时/月 × " + itoa(int64(c.months)) + "个月（" +
		o.Start.String() + "至" + o.End.String() + "）"
	if cp := t.Completion; cp != nil && cp.MinMonths > 0 && c.months >= cp.MinMonths {
		c.standard, c.wholeYear = cp.Hours, true
		c.rule = fmt.Sprintf("%d个月（%s至%s），%d个月及以上计%s学时并视为完成该学年继续教育要求",
			c.months, o.Start, o.End, cp.MinMonths, cp.Hours)
	}
	c.shortStudy = t.ShortStudy > 0 && c.months < t.ShortStudy
	return c
}

// byLevel is the level's hours × count. A record with no level stated
// earns the school level's hours, the lowest, and says so: the person
// loses nothing they can prove by stating the level.
func byLevel(t *ActivityType, o *Occurrence, count int64) computed {
	var c computed
	lv, note := o.Level, ""
	if lv == "" {
		lv, note = LevelSchool, "（级别未填写，按校级计）"
	}
	h := t.Rule.LevelHours[lv]
	c.standard = h.Mul(count)
	c.rule = LevelName(lv) + hstr(h) + "学时/项" + note + " × " + itoa(count) + "项"
	return c
}

// WholeMonths returns the whole calendar months from start to end, both
// included: the largest m with start + m months − 1 day ≤ end, where
// adding months clamps to the month's last day (Date.AddMonths). So
// 2024-09-01..2024-12-31 is 4 and 2024-01-31..2024-02-29 is 1. It returns
// 0 when either date is missing or end is before start.
func WholeMonths(start, end Date) int {
	if start.IsZero() || end.IsZero() || end.Before(start) {
		return 0
	}
	m := (end.Y-start.Y)*12 + int(end.M-start.M) + 1
	for m > 0 && start.AddMonths(m).AddDays(-1).After(end) {
		m--
	}
	return m
}

// LevelName returns the Chinese name of a level.
func LevelName(l Level) string {
	switch l {
	case LevelSchool:
		return "校级"
	case LevelProvincial:
		return "省级"
	case LevelNational:
		return "国家级"
	}
	return "未填写级别"
}

// typeLabel is how the ledger names a type: "类型1 各类培训、讲座、研讨、沙龙".
func typeLabel(t *ActivityType) string { return "类型" + itoa(int64(t.No)) + " " + t.Name }

// itoa formats n; small numbers cost no allocation.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// hstr formats h like Hours.String, without fmt for whole hours, which
// are most of them.
func hstr(h Hours) string {
	if h >= 0 && h%100 == 0 {
		return itoa(int64(h / 100))
	}
	return h.String()
}

// cmpDate orders dates as Date.Compare does, without building times.
func cmpDate(a, b Date) int {
	if c := cmp.Compare(a.Y, b.Y); c != 0 {
		return c
	}
	if c := cmp.Compare(a.M, b.M); c != 0 {
		return c
	}
	return cmp.Compare(a.D, b.D)
}
