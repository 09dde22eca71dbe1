package configs

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"gopkg.in/yaml.v3"

	"cehours/reconcile"
)

//go:embed rules.yaml
var defaultRules []byte

// ErrRules is the cause of every validation error of a rules file.
var ErrRules = errors.New("invalid rules")

// RulesError is a rules file's entry and key that failed validation, e.g.
// "rules.yaml: types[11].caps.per_year: must be positive". It unwraps to
// ErrRules.
type RulesError struct {
	File string // the file's name
	Path string // the entry and key, "types[11].caps.per_year"
	Msg  string
}

func (e *RulesError) Error() string { return e.File + ": " + e.Path + ": " + e.Msg }

// Unwrap returns ErrRules.
func (e *RulesError) Unwrap() error { return ErrRules }

// DefaultRules returns the rules embedded in the binary (configs/rules.yaml).
func DefaultRules() (*reconcile.RuleSet, error) {
	return ParseRules(defaultRules, "rules.yaml")
}

// LoadRules reads and validates the rules file at path.
func LoadRules(path string) (*reconcile.RuleSet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load rules: %w", err)
	}
	return ParseRules(data, filepath.Base(path))
}

// ParseRules reads and validates rules from data; name is the file's name
// for messages. Unknown keys are errors, so that a typo is not silently a
// missing cap. A validation error is a *RulesError wrapping ErrRules.
func ParseRules(data []byte, name string) (*reconcile.RuleSet, error) {
	var f rulesFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", name, ErrRules, err)
	}
	v := validator{file: name}
	types := make([]*reconcile.ActivityType, 0, len(f.Types))
	for i, t := range f.Types {
		types = append(types, v.activityType(fmt.Sprintf("types[%d]", i), t))
	}
	v.uniqueTypes(types)
	if len(f.Types) == 0 {
		v.fail("types", "must list at least one activity type")
	}
	profiles := make([]reconcile.Profile, 0, len(f.Profiles))
	for i, p := range f.Profiles {
		profiles = append(profiles, v.profile(fmt.Sprintf("profiles[%d]", i), p))
	}
	if !slices.ContainsFunc(profiles, func(p reconcile.Profile) bool { return p.Universal() }) {
		v.fail("profiles", "no profile applies to everyone: add one without conditions")
	}
	if v.err != nil {
		return nil, v.err
	}
	rs, err := reconcile.NewRuleSet(types, profiles)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", name, ErrRules, err)
	}
	return rs, nil
}

// rulesFile is rules.yaml as written.
type rulesFile struct {
	Types    []typeEntry    `yaml:"types"`
	Profiles []profileEntry `yaml:"profiles"`
}

type typeEntry struct {
	No         int               `yaml:"no"`
	Name       string            `yaml:"name"`
	Aliases    []string          `yaml:"aliases"`
	Scope      string            `yaml:"scope"`
	Categories []string          `yaml:"categories"`
	Effective  string            `yaml:"effective"`
	Rule       ruleEntry         `yaml:"rule"`
	Caps       capsEntry         `yaml:"caps"`
	Bonuses    []bonusEntry      `yaml:"bonuses"`
	Programmes []programmeEntry  `yaml:"programmes"`
	Completion *completionEntry  `yaml:"completion"`
	YearHours  map[string]hours  `yaml:"year_hours"`
	ShortStudy int               `yaml:"short_study_months"`
	FullTime   bool              `yaml:"full_time"`
	Notes      map[string]string `yaml:"notes"`
}

type ruleEntry struct {
	Shape      string           `yaml:"shape"`
	Hours      *hours           `yaml:"hours"`
	LevelHours map[string]hours `yaml:"level_hours"`
	RoleHours  map[string]hours `yaml:"role_hours"`
}

type capsEntry struct {
	PerEvent *hours           `yaml:"per_event"`
	PerYear  *hours           `yaml:"per_year"`
	Roles    map[string]hours `yaml:"roles"`
}

type bonusEntry struct {
	Roles []string `yaml:"roles"`
	Hours hours    `yaml:"hours"`
}

type programmeEntry struct {
	Title string `yaml:"title"`
	Hours hours  `yaml:"hours"`
}

type completionEntry struct {
	MinMonths int   `yaml:"min_months"`
	Hours     hours `yaml:"hours"`
}

type profileEntry struct {
	Name      string   `yaml:"name"`
	Series    []string `yaml:"series"`
	Teachers  bool     `yaml:"teachers"`
	FromYear  string   `yaml:"from_year"`
	UntilYear string   `yaml:"until_year"`
	MinAge    int      `yaml:"min_age"`
	MaxAge    int      `yaml:"max_age"`
	Exempt    bool     `yaml:"exempt"`
	Total     hours    `yaml:"total"`
	A         hours    `yaml:"A"`
	BC        hours    `yaml:"BC"`
}

// hours reads a yaml scalar as exact hours: 4, 4.5, 0.25, never through a
// float.
type hours struct {
	v   reconcile.Hours
	raw string
	bad bool
}

// UnmarshalYAML keeps the scalar's text; validation reports a bad value
// with its path.
func (h *hours) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		h.bad = true
		return nil
	}
	h.raw = n.Value
	v, err := reconcile.ParseHours(n.Value)
	h.v, h.bad = v, err != nil
	return nil
}

// validator collects the first error, with its path.
type validator struct {
	file string
	err  error
}

func (v *validator) fail(path, format string, args ...any) {
	if v.err == nil {
		v.err = &RulesError{File: v.file, Path: path, Msg: fmt.Sprintf(format, args...)}
	}
}

// positive checks that h is a number above zero.
func (v *validator) positive(path string, h hours) reconcile.Hours {
	switch {
	case h.bad:
		v.fail(path, "%q is not a number of hours", h.raw)
	case h.v <= 0:
		v.fail(path, "must be positive")
	}
	return h.v
}

// optional checks an optional positive amount; nil is 0, "none".
func (v *validator) optional(path string, h *hours) reconcile.Hours {
	if h == nil {
		return 0
	}
	return v.positive(path, *h)
}

var roles = []reconcile.Role{
	reconcile.RoleParticipant, reconcile.RoleConvener, reconcile.RoleSpeaker,
	reconcile.RoleHost, reconcile.RoleMember, reconcile.RoleMentor,
	reconcile.RoleAsking, reconcile.RoleAnswering,
}

func (v *validator) role(path, s string) reconcile.Role {
	r := reconcile.Role(s)
	if !slices.Contains(roles, r) {
		v.fail(path, "unknown role %q (one of participant, convener, speaker, host, "+
			"member, mentor, asking, answering)", s)
	}
	return r
}

// sortedKeys returns a map's keys in order, so that the first error is the
// same on every run.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// activityType validates one types[] entry and builds its type.
func (v *validator) activityType(path string, e typeEntry) *reconcile.ActivityType {
	t := &reconcile.ActivityType{
		No: e.No, Name: e.Name, Aliases: e.Aliases, Scope: reconcile.Scope(e.Scope),
		ShortStudy: e.ShortStudy, FullTime: e.FullTime, Notes: e.Notes,
	}
	if e.No <= 0 {
		v.fail(path+".no", "must be a positive number")
	}
	if e.Name == "" {
		v.fail(path+".name", "must not be empty")
	}
	if t.Scope != reconcile.ScopeInternal && t.Scope != reconcile.ScopeExternal {
		v.fail(path+".scope", "must be internal or external, not %q", e.Scope)
	}
	t.Categories = v.categories(path+".categories", e.Categories)
	if e.Effective != "" {
		d, err := reconcile.ParseDate(e.Effective)
		if err != nil {
			v.fail(path+".effective", "%q is not a date YYYY-MM-DD", e.Effective)
		}
		t.Effective = d
	}
	t.Rule = v.rule(path+".rule", e.Rule)
	v.caps(path+".caps", e.Caps, t)
	for i, b := range e.Bonuses {
		t.Bonuses = append(t.Bonuses, v.bonus(fmt.Sprintf("%s.bonuses[%d]", path, i), b))
	}
	v.extras(path, e, t)
	return t
}

// categories validates a list of A, B, C without repeats, kept in A, B, C
// order.
func (v *validator) categories(path string, cs []string) []reconcile.Category {
	if len(cs) == 0 {
		v.fail(path, "must list at least one of A, B, C")
	}
	var out []reconcile.Category
	for i, c := range cs {
		cat := reconcile.Category(c)
		switch {
		case cat != reconcile.CatA && cat != reconcile.CatB && cat != reconcile.CatC:
			v.fail(fmt.Sprintf("%s[%d]", path, i), "must be A, B or C, not %q", c)
		case slices.Contains(out, cat):
			v.fail(fmt.Sprintf("%s[%d]", path, i), "%s listed twice", c)
		}
		out = append(out, cat)
	}
	slices.Sort(out)
	return out
}

// rule validates a rule: its shape and the hours that shape needs.
func (v *validator) rule(path string, e ruleEntry) reconcile.HoursRule {
	r := reconcile.HoursRule{Shape: reconcile.Shape(e.Shape)}
	if !slices.Contains(reconcile.Shapes, r.Shape) {
		v.fail(path+".shape", "unknown shape %q", e.Shape)
		return r
	}
	switch r.Shape {
	case reconcile.ShapeLevel:
		r.LevelHours = make(map[reconcile.Level]reconcile.Hours)
		for _, lv := range []reconcile.Level{reconcile.LevelSchool,
			reconcile.LevelProvincial, reconcile.LevelNational} {
			h, ok := e.LevelHours[string(lv)]
			if !ok {
				v.fail(path+".level_hours."+string(lv), "must be set")
			}
			r.LevelHours[lv] = v.positive(path+".level_hours."+string(lv), h)
		}
	case reconcile.ShapeQuestionAnswer:
		if len(e.RoleHours) == 0 {
			v.fail(path+".role_hours", "must give the hours of asking and answering")
		}
		r.RoleHours = make(map[reconcile.Role]reconcile.Hours)
		for _, k := range sortedKeys(e.RoleHours) {
			p := path + ".role_hours." + k
			r.RoleHours[v.role(p, k)] = v.positive(p, e.RoleHours[k])
		}
	case reconcile.ShapeAsApproved:
		if e.Hours != nil {
			v.fail(path+".hours", "an as-approved rule takes no hours")
		}
	default:
		if e.Hours == nil {
			v.fail(path+".hours", "must be set for shape %s", e.Shape)
		}
		r.Hours = v.optional(path+".hours", e.Hours)
	}
	return r
}

// caps validates per-event, per-year and role caps into t.
func (v *validator) caps(path string, e capsEntry, t *reconcile.ActivityType) {
	t.PerEventCap = v.optional(path+".per_event", e.PerEvent)
	t.PerYearCap = v.optional(path+".per_year", e.PerYear)
	for _, k := range sortedKeys(e.Roles) {
		p := path + ".roles." + k
		r := reconcile.RoleOthers
		if k != string(reconcile.RoleOthers) {
			r = v.role(p, k)
		}
		t.RoleCaps = append(t.RoleCaps, reconcile.RoleCap{Role: r, Hours: v.positive(p, e.Roles[k])})
	}
}

func (v *validator) bonus(path string, e bonusEntry) reconcile.Bonus {
	b := reconcile.Bonus{Hours: v.positive(path+".hours", e.Hours)}
	if len(e.Roles) == 0 {
		v.fail(path+".roles", "must name at least one role")
	}
	for i, r := range e.Roles {
		b.Roles = append(b.Roles, v.role(fmt.Sprintf("%s.roles[%d]", path, i), r))
	}
	return b
}

// extras validates the parts only some shapes use: programmes,
// completion, year hours and the short-study limit.
func (v *validator) extras(path string, e typeEntry, t *reconcile.ActivityType) {
	for i, p := range e.Programmes {
		pp := fmt.Sprintf("%s.programmes[%d]", path, i)
		if p.Title == "" {
			v.fail(pp+".title", "must not be empty")
		}
		t.Programmes = append(t.Programmes, reconcile.Programme{
			Title: p.Title, Hours: v.positive(pp+".hours", p.Hours)})
	}
	if len(e.Programmes) > 0 && t.Rule.Shape != reconcile.ShapePerDay {
		v.fail(path+".programmes", "only a per-day rule has fixed programmes")
	}
	if c := e.Completion; c != nil {
		t.Completion = &reconcile.Completion{MinMonths: c.MinMonths,
			Hours: v.positive(path+".completion.hours", c.Hours)}
		if c.MinMonths < 0 {
			v.fail(path+".completion.min_months", "must not be negative")
		}
		if c.MinMonths > 0 && t.Rule.Shape != reconcile.ShapePerMonth {
			v.fail(path+".completion.min_months", "only a per-month rule counts months")
		}
	}
	if e.ShortStudy < 0 || e.ShortStudy > 0 && t.Rule.Shape != reconcile.ShapePerMonth {
		v.fail(path+".short_study_months", "must be a positive number of months on a per-month rule")
	}
	if len(e.YearHours) > 0 && t.Rule.Shape != reconcile.ShapeAsApproved {
		v.fail(path+".year_hours", "only an as-approved rule takes hours per year")
	}
	for _, k := range sortedKeys(e.YearHours) {
		y, err := reconcile.ParseYear(k)
		if err != nil {
			v.fail(path+".year_hours."+k, "%q is not an academic year like 2024-2025", k)
		}
		if t.YearHours == nil {
			t.YearHours = make(map[reconcile.Year]reconcile.Hours)
		}
		t.YearHours[y] = v.positive(path+".year_hours."+k, e.YearHours[k])
	}
}

// uniqueTypes checks that no number has two versions with one effective
// date and that no name or alias names two numbers.
func (v *validator) uniqueTypes(types []*reconcile.ActivityType) {
	type version struct {
		no int
		on reconcile.Date
	}
	seen := make(map[version]int)
	names := make(map[string]int)
	for i, t := range types {
		key := version{t.No, t.Effective}
		if j, ok := seen[key]; ok {
			v.fail(fmt.Sprintf("types[%d].no", i),
				"type %d already defined at types[%d] with the same effective date", t.No, j)
		}
		seen[key] = i
		for k, n := range append([]string{t.Name}, t.Aliases...) {
			if j, ok := names[n]; ok && types[j].No != t.No {
				p := fmt.Sprintf("types[%d].name", i)
				if k > 0 {
					p = fmt.Sprintf("types[%d].aliases[%d]", i, k-1)
				}
				v.fail(p, "%q already names type %d", n, types[j].No)
			}
			names[n] = i
		}
	}
}

// profile validates one profiles[] entry.
func (v *validator) profile(path string, e profileEntry) reconcile.Profile {
	p := reconcile.Profile{
		Name: e.Name, Series: e.Series, Teachers: e.Teachers,
		MinAge: e.MinAge, MaxAge: e.MaxAge, Exempt: e.Exempt,
		Total: e.Total.v, A: e.A.v, BC: e.BC.v,
	}
	if e.Name == "" {
		v.fail(path+".name", "must not be empty")
	}
	p.FromYear = v.year(path+".from_year", e.FromYear)
	p.UntilYear = v.year(path+".until_year", e.UntilYear)
	if p.FromYear != 0 && p.UntilYear != 0 && p.UntilYear < p.FromYear {
		v.fail(path+".until_year", "is before from_year")
	}
	if e.MinAge < 0 || e.MaxAge < 0 || e.MaxAge > 0 && e.MaxAge < e.MinAge {
		v.fail(path+".max_age", "ages must be positive and max_age at least min_age")
	}
	if !e.Exempt {
		v.positive(path+".total", e.Total)
	}
	for _, c := range []struct {
		key string
		h   hours
	}{{"A", e.A}, {"BC", e.BC}} {
		if c.h.bad || c.h.v < 0 {
			v.fail(path+"."+c.key, "must be a number of hours, zero or more")
		}
	}
	if !e.Exempt && e.A.v+e.BC.v > e.Total.v {
		v.fail(path+".total", "is less than A + BC")
	}
	return p
}

func (v *validator) year(path, s string) reconcile.Year {
	if s == "" {
		return 0
	}
	y, err := reconcile.ParseYear(s)
	if err != nil {
		v.fail(path, "%q is not an academic year like 2023-2024", s)
	}
	return y
}
