package reconcile

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Hours is a number of continuing-education hours, held exactly as an
// integer count of hundredths: 4 hours is Hours(400), a quarter hour is
// Hours(25). Hours are never carried in binary floating point.
type Hours int64

// H returns n whole hours.
func H(n int64) Hours { return Hours(n * 100) }

// ErrHours is the cause of every error returned by ParseHours.
var ErrHours = errors.New("not a number of hours")

// ParseHours reads a decimal such as "4", "4.0", "2.25" or "-1.5" with at
// most two decimal places. It accepts no units and no spaces; callers
// normalise input first. A third decimal place is an error, not rounded.
func ParseHours(s string) (Hours, error) {
	if s == "" {
		return 0, fmt.Errorf("parse hours %q: %w", s, ErrHours)
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || len(frac) > 2 || len(whole) > 12 {
		return 0, fmt.Errorf("parse hours %q: %w", s, ErrHours)
	}
	var w, f int64
	var err error
	if whole != "" {
		if w, err = strconv.ParseInt(whole, 10, 64); err != nil || whole[0] == '+' || whole[0] == '-' {
			return 0, fmt.Errorf("parse hours %q: %w", s, ErrHours)
		}
	}
	if frac != "" {
		for len(frac) < 2 {
			frac += "0"
		}
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil || frac[0] == '+' || frac[0] == '-' {
			return 0, fmt.Errorf("parse hours %q: %w", s, ErrHours)
		}
	}
	h := Hours(w*100 + f)
	if neg {
		h = -h
	}
	return h, nil
}

// String formats h with no trailing zeros: "4", "4.5", "2.25", "-0.75".
func (h Hours) String() string {
	sign := ""
	if h < 0 {
		sign, h = "-", -h
	}
	whole, frac := int64(h)/100, int64(h)%100
	switch {
	case frac == 0:
		return fmt.Sprintf("%s%d", sign, whole)
	case frac%10 == 0:
		return fmt.Sprintf("%s%d.%d", sign, whole, frac/10)
	default:
		return fmt.Sprintf("%s%d.%02d", sign, whole, frac)
	}
}

// MarshalJSON writes h as a JSON number with at most two decimals.
func (h Hours) MarshalJSON() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalJSON reads a JSON number or a quoted decimal.
func (h *Hours) UnmarshalJSON(b []byte) error {
	v, err := ParseHours(strings.Trim(string(b), `"`))
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// Mul returns h × n.
func (h Hours) Mul(n int64) Hours { return h * Hours(n) }

// MulFrac returns h × num / den rounded half away from zero to the
// hundredth. den must be positive.
func (h Hours) MulFrac(num, den int64) Hours {
	p := int64(h) * num
	q, r := p/den, p%den
	if r < 0 {
		r = -r
	}
	if 2*r >= den {
		if p < 0 {
			q--
		} else {
			q++
		}
	}
	return Hours(q)
}

// Min returns the smaller of h and o.
func (h Hours) Min(o Hours) Hours { return min(h, o) }

// Max returns the larger of h and o.
func (h Hours) Max(o Hours) Hours { return max(h, o) }

// Float returns h as a float64 for display only (spreadsheet cells,
// charts); never compute with it.
func (h Hours) Float() float64 { return float64(h) / 100 }
