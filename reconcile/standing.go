package reconcile

import "slices"

// Profile is a requirement profile: who it applies to and what they must
// earn in a year. RuleSet tries profiles in order; the first whose
// conditions all hold applies. A zero condition is no condition.
type Profile struct {
	Name      string
	Series    []string // 职称系列 it applies to; empty = any series
	Teachers  bool     // applies to teachers only
	FromYear  Year     // first academic year it applies to; 0 = open
	UntilYear Year     // last academic year it applies to; 0 = open
	MinAge    int      // age on the year's first day at least; 0 = open
	MaxAge    int      // age on the year's first day at most; 0 = open

	// Exempt profiles are tracked but never short: their series follows
	// a higher authority's rules (article 2).
	Exempt bool
	Total  Hours // hours a year in all
	A      Hours // hours of category A
	BC     Hours // hours of categories B and C together
}

// Universal reports whether the profile has no condition at all, so that
// it applies to everyone the profiles before it did not catch.
func (p *Profile) Universal() bool {
	return len(p.Series) == 0 && !p.Teachers && p.FromYear == 0 && p.UntilYear == 0 &&
		p.MinAge == 0 && p.MaxAge == 0
}

// Applies reports whether the profile applies to staff member s in year y.
// A profile with an age condition never applies to a person whose birth
// date is unknown.
func (p *Profile) Applies(s Staff, y Year) bool {
	switch {
	case len(p.Series) > 0 && !slices.Contains(p.Series, s.Series),
		p.Teachers && !s.Teacher,
		p.FromYear != 0 && y < p.FromYear,
		p.UntilYear != 0 && y > p.UntilYear:
		return false
	}
	if p.MinAge == 0 && p.MaxAge == 0 {
		return true
	}
	if s.Birth.IsZero() {
		return false
	}
	age := AgeOn(s.Birth, y.Start())
	return (p.MinAge == 0 || age >= p.MinAge) && (p.MaxAge == 0 || age <= p.MaxAge)
}

// AgeOn returns the age in whole years of a person born on birth, on day
// d: a person born 1984-07-01 is 40 on 2024-07-01. Someone born on 29
// February turns a year older on 1 March in common years.
func AgeOn(birth, d Date) int {
	age := d.Y - birth.Y
	if d.M < birth.M || d.M == birth.M && d.D < birth.D {
		age--
	}
	return age
}

// Profile returns the first profile that applies to s in year y. NewRuleSet
// guarantees one applies to everyone, so the result is never nil.
func (rs *RuleSet) Profile(s Staff, y Year) *Profile {
	for i := range rs.profiles {
		if rs.profiles[i].Applies(s, y) {
			return &rs.profiles[i]
		}
	}
	return nil
}
