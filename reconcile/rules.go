package reconcile

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Scope says whether an activity type is organised inside the university
// (校内, types 1–18) or outside it (校外, types 19–32).
type Scope string

// The scopes.
const (
	ScopeInternal Scope = "internal"
	ScopeExternal Scope = "external"
)

// Shape is how an activity type turns a record's facts into hours. The
// code knows these shapes; rules.yaml instantiates them.
type Shape string

// The rule shapes.
const (
	// ShapePerSession, ShapePerCourse and ShapePerItem earn count × hours;
	// they differ only in the unit named to people (次, 门, 项).
	ShapePerSession Shape = "per-session"
	ShapePerCourse  Shape = "per-course"
	ShapePerItem    Shape = "per-item"
	// ShapePerDay earns days × hours, then the per-event cap.
	ShapePerDay Shape = "per-day"
	// ShapePerMonth earns whole calendar months × hours (see WholeMonths).
	ShapePerMonth Shape = "per-month"
	// ShapePerYear earns its hours once a year, however many records: the
	// hours are also the type's per-year cap.
	ShapePerYear Shape = "per-year"
	// ShapeLevel earns the hours of the record's level × count.
	ShapeLevel Shape = "level"
	// ShapeQuestionAnswer earns the hours of the record's role × count
	// (asking 0.25 a question, answering 1 an answer).
	ShapeQuestionAnswer Shape = "question-answer"
	// ShapeShared earns count × hours × the record's share.
	ShapeShared Shape = "shared"
	// ShapeAsApproved earns the hours an approving source stated, or,
	// where the type sets hours for the academic year (type 17), those
	// hours for each record whatever it stated.
	ShapeAsApproved Shape = "as-approved"
)

// Shapes lists every shape the engine knows, for validation.
var Shapes = []Shape{
	ShapePerSession, ShapePerCourse, ShapePerItem, ShapePerDay, ShapePerMonth,
	ShapePerYear, ShapeLevel, ShapeQuestionAnswer, ShapeShared, ShapeAsApproved,
}

// RoleOthers in a RoleCap stands for every role that no other role cap of
// the same type names: "团队其他成员" of type 12.
const RoleOthers Role = "others"

// HoursRule is an activity type's rule shape and the hours it uses.
type HoursRule struct {
	Shape Shape
	// Hours per unit of the shape (per session, day, month, course, item,
	// year); unused by ShapeLevel and ShapeQuestionAnswer.
	Hours Hours
	// LevelHours are the hours per project of each level (ShapeLevel).
	LevelHours map[Level]Hours
	// RoleHours are the hours per question or answer of each role
	// (ShapeQuestionAnswer).
	RoleHours map[Role]Hours
}

// RoleCap is a per-year cap on the participation hours earned in one role
// of a type, applied on its own beside the type's per-year cap.
type RoleCap struct {
	Role  Role // a role, or RoleOthers
	Hours Hours
}

// Bonus is the extra hours a role earns on a type, count × Hours, on top
// of the participation hours and outside every cap ("另外再计").
type Bonus struct {
	Roles []Role
	Hours Hours
}

// Programme is a fixed programme of short training (type 9): a record
// whose title contains Title earns Hours, whatever its days.
type Programme struct {
	Title string
	Hours Hours
}

// Completion is a whole-year completion: a record of at least MinMonths
// whole months (0: any record) earns Hours and completes the year, all
// category requirements included.
type Completion struct {
	MinMonths int
	Hours     Hours
}

// ActivityType is one activity type of the policy's table (附件 计算标准) or
// one a unit added (note 4), in the version in force from Effective.
type ActivityType struct {
	No         int
	Name       string
	Aliases    []string // other names importers may meet for the type
	Scope      Scope
	Categories []Category // allowed categories, in A, B, C order
	// Effective is the first day this version applies; the zero Date
	// means it has always applied.
	Effective Date

	Rule        HoursRule
	PerEventCap Hours // per time, programme or study; 0 = none
	PerYearCap  Hours // per person and academic year; 0 = none
	RoleCaps    []RoleCap
	Bonuses     []Bonus
	Programmes  []Programme       // fixed programmes (type 9)
	Completion  *Completion       // whole-year completion; nil = none
	YearHours   map[Year]Hours    // as-approved hours set per year (17)
	ShortStudy  int               // months below which short-study is flagged
	FullTime    bool              // full-time away: other activities overlap
	Notes       map[string]string // free Chinese remarks, printed by rules
}

// External reports whether the type is organised outside the university.
func (a *ActivityType) External() bool { return a.Scope == ScopeExternal }

// Allows reports whether c is one of the type's categories. The empty
// Category is never allowed.
func (a *ActivityType) Allows(c Category) bool {
	return c != "" && slices.Contains(a.Categories, c)
}

// RoleCapFor returns the per-year cap that applies to role r and whether
// there is one: r's own cap, else a RoleOthers cap.
func (a *ActivityType) RoleCapFor(r Role) (RoleCap, bool) {
	var others RoleCap
	found := false
	for _, c := range a.RoleCaps {
		if c.Role == r {
			return c, true
		}
		if c.Role == RoleOthers {
			others, found = c, true
		}
	}
	return others, found
}

// BonusFor returns the bonus hours per count that role r earns on the type,
// 0 when none.
func (a *ActivityType) BonusFor(r Role) Hours {
	for _, b := range a.Bonuses {
		if slices.Contains(b.Roles, r) {
			return b.Hours
		}
	}
	return 0
}

// ProgrammeFor returns the fixed programme whose name the title contains,
// or nil. The longest matching name wins, so a more specific programme is
// preferred.
func (a *ActivityType) ProgrammeFor(title string) *Programme {
	var best *Programme
	for i := range a.Programmes {
		p := &a.Programmes[i]
		if strings.Contains(title, p.Title) && (best == nil || len(p.Title) > len(best.Title)) {
			best = p
		}
	}
	return best
}

// RuleSet is the activity types (every version) and the requirement
// profiles in force. It is immutable once built and safe for concurrent
// use.
type RuleSet struct {
	versions map[int][]*ActivityType // by number, oldest Effective first
	numbers  []int
	names    map[string]int
	profiles []Profile
}

// ErrRuleSet is the cause of every error NewRuleSet returns.
var ErrRuleSet = errors.New("invalid rule set")

// NewRuleSet builds a RuleSet from activity type versions and requirement
// profiles (tried in order, first match wins). It fails, with ErrRuleSet,
// on two versions of one number with the same Effective date, on a name or
// alias used by two numbers, and when no profile applies to everyone.
// Callers (configs) validate field by field first; this is the last check.
func NewRuleSet(types []*ActivityType, profiles []Profile) (*RuleSet, error) {
	rs := &RuleSet{
		versions: make(map[int][]*ActivityType),
		names:    make(map[string]int),
		profiles: slices.Clone(profiles),
	}
	for _, t := range types {
		for _, v := range rs.versions[t.No] {
			if v.Effective == t.Effective {
				return nil, fmt.Errorf("new rule set: type %d effective %q twice: %w",
					t.No, t.Effective, ErrRuleSet)
			}
		}
		rs.versions[t.No] = append(rs.versions[t.No], t)
		for _, n := range append([]string{t.Name}, t.Aliases...) {
			key := normName(n)
			if no, ok := rs.names[key]; ok && no != t.No {
				return nil, fmt.Errorf("new rule set: name %q names types %d and %d: %w",
					n, no, t.No, ErrRuleSet)
			}
			rs.names[key] = t.No
		}
	}
	for no, vs := range rs.versions {
		slices.SortFunc(vs, func(a, b *ActivityType) int { return a.Effective.Compare(b.Effective) })
		rs.numbers = append(rs.numbers, no)
	}
	slices.Sort(rs.numbers)
	if !slices.ContainsFunc(profiles, func(p Profile) bool { return p.Universal() }) {
		return nil, fmt.Errorf("new rule set: no profile applies to everyone: %w", ErrRuleSet)
	}
	return rs, nil
}

// Type returns the version of type no in force on the given date, or nil
// when the number is unknown or none of its versions is yet in force.
func (rs *RuleSet) Type(no int, on Date) *ActivityType {
	var found *ActivityType
	for _, v := range rs.versions[no] {
		if v.Effective.IsZero() || cmpDate(v.Effective, on) <= 0 {
			found = v
		}
	}
	return found
}

// Types returns the types in force on the given date, in number order.
func (rs *RuleSet) Types(on Date) []*ActivityType {
	out := make([]*ActivityType, 0, len(rs.numbers))
	for _, no := range rs.numbers {
		if t := rs.Type(no, on); t != nil {
			out = append(out, t)
		}
	}
	return out
}

// TypeByName returns the number of the type whose name or alias is name,
// under any version. Spaces, full-width parentheses and the difference
// between "、" and "," are ignored; it returns false when no type bears the
// name.
func (rs *RuleSet) TypeByName(name string) (int, bool) {
	no, ok := rs.names[normName(name)]
	return no, ok
}

// Profiles returns the requirement profiles in the order they are tried.
func (rs *RuleSet) Profiles() []Profile { return slices.Clone(rs.profiles) }

// normName folds the spellings of a type name that people vary without
// meaning to: spaces, full-width parentheses and commas.
func normName(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\u3000':
			return -1
		case '（':
			return '('
		case '）':
			return ')'
		case '，', ',':
			return '、'
		}
		return r
	}, s)
}

// unitWord is the Chinese unit a shape counts in.
func (s Shape) unitWord() string {
	switch s {
	case ShapePerDay:
		return "天"
	case ShapePerMonth:
		return "月"
	case ShapePerCourse, ShapeShared:
		return "门"
	case ShapePerItem, ShapeLevel:
		return "项"
	case ShapePerYear:
		return "学年"
	}
	return "次"
}

// Describe returns the type's hours rule, caps and bonuses in Chinese, as
// the policy's table would state them, e.g. "4学时/次；每学年最高16学时；
// 召集人、主讲人另计4学时/次".
func (a *ActivityType) Describe() string {
	var parts []string
	r := a.Rule
	switch r.Shape {
	case ShapeLevel:
		parts = append(parts, fmt.Sprintf("校级%s学时/项，省级%s学时/项，国家级%s学时/项",
			r.LevelHours[LevelSchool], r.LevelHours[LevelProvincial], r.LevelHours[LevelNational]))
	case ShapeQuestionAnswer:
		parts = append(parts, fmt.Sprintf("提问%s学时/次，答复%s学时/次",
			r.RoleHours[RoleAsking], r.RoleHours[RoleAnswering]))
	case ShapeAsApproved:
		parts = append(parts, "按审核认定学时")
		for _, y := range sortedYears(a.YearHours) {
			parts = append(parts, fmt.Sprintf("%s学年%s学时", y, a.YearHours[y]))
		}
	case ShapeShared:
		parts = append(parts, fmt.Sprintf("%s学时/门，多人共同承担按比例计算", r.Hours))
	case ShapePerYear:
		parts = append(parts, fmt.Sprintf("一学年计%s学时", r.Hours))
	default:
		parts = append(parts, fmt.Sprintf("%s学时/%s", r.Hours, r.Shape.unitWord()))
	}
	for _, p := range a.Programmes {
		parts = append(parts, fmt.Sprintf("%s%s学时", p.Title, p.Hours))
	}
	if a.PerEventCap > 0 {
		parts = append(parts, fmt.Sprintf("一次最高%s学时", a.PerEventCap))
	}
	if a.PerYearCap > 0 {
		parts = append(parts, fmt.Sprintf("每学年最高%s学时", a.PerYearCap))
	}
	for _, c := range a.RoleCaps {
		parts = append(parts, fmt.Sprintf("%s每学年最高%s学时", RoleName(c.Role), c.Hours))
	}
	for _, b := range a.Bonuses {
		names := make([]string, len(b.Roles))
		for i, r := range b.Roles {
			names[i] = RoleName(r)
		}
		parts = append(parts, fmt.Sprintf("%s另计%s学时/次", strings.Join(names, "、"), b.Hours))
	}
	if c := a.Completion; c != nil {
		if c.MinMonths > 0 {
			parts = append(parts, fmt.Sprintf("%d个月及以上计%s学时并视为完成该学年继续教育要求",
				c.MinMonths, c.Hours))
		} else {
			parts = append(parts, "视为完成该学年继续教育要求")
		}
	}
	return strings.Join(parts, "；")
}

// RoleName returns the Chinese name of a role as the ledger prints it.
func RoleName(r Role) string {
	switch r {
	case RoleParticipant, "":
		return "参加人"
	case RoleConvener:
		return "召集人"
	case RoleSpeaker:
		return "主讲人"
	case RoleHost:
		return "主持人"
	case RoleMember:
		return "成员"
	case RoleMentor:
		return "导师"
	case RoleAsking:
		return "提问"
	case RoleAnswering:
		return "答复"
	case RoleOthers:
		return "其他成员"
	}
	return string(r)
}

// CategoryName returns the Chinese name of a category.
func CategoryName(c Category) string {
	switch c {
	case CatA:
		return "专业科目"
	case CatB:
		return "行业公需科目"
	case CatC:
		return "一般公需科目"
	}
	return "未填写"
}

func sortedYears(m map[Year]Hours) []Year {
	ys := make([]Year, 0, len(m))
	for y := range m {
		ys = append(ys, y)
	}
	slices.SortFunc(ys, cmp.Compare)
	return ys
}
