package reconcile

import (
	"cmp"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar date in Asia/Shanghai with no time of day. The zero
// Date means "not given".
type Date struct {
	Y int
	M time.Month
	D int
}

// ErrDate is the cause of every error returned by ParseDate.
var ErrDate = errors.New("not a date")

// NewDate returns the date y-m-d, normalising overflow the way time.Date
// does (2024-02-30 becomes 2024-03-01).
func NewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// DateOf returns the calendar date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads the canonical form "2006-01-02" and rejects impossible
// dates such as 2024-02-30. Importers read the many human forms and hand
// the result over as a Date; this parser is for stored and typed values.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: %w", s, ErrDate)
	}
	return DateOf(t), nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight of d in UTC, suitable for date arithmetic.
func (d Date) Time() time.Time { return time.Date(d.Y, d.M, d.D, 0, 0, 0, 0, time.UTC) }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return DateOf(d.Time().AddDate(0, 0, n)) }

// AddMonths returns the same day n months later, clamped to the last day
// of the target month (2024-01-31 plus one month is 2024-02-29).
func (d Date) AddMonths(n int) Date {
	first := time.Date(d.Y, d.M+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return Date{first.Year(), first.Month(), min(d.D, last)}
}

// Compare returns -1, 0 or +1 as d is before, equal to or after o. Both
// dates must be normalised (as every constructor here returns them).
func (d Date) Compare(o Date) int {
	return cmp.Or(cmp.Compare(d.Y, o.Y), cmp.Compare(d.M, o.M), cmp.Compare(d.D, o.D))
}

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// DaysUntil returns the number of days from d to o; negative when o is
// earlier.
func (d Date) DaysUntil(o Date) int { return o.dayNumber() - d.dayNumber() }

// dayNumber counts days from 1970-01-01 in the proleptic Gregorian
// calendar (the days-from-civil algorithm), without building a time.Time.
func (d Date) dayNumber() int {
	y, m := d.Y, int(d.M)
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d.D - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// String returns "2006-01-02", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	b := make([]byte, 0, 10)
	b = appendPadded(b, d.Y, 4)
	b = append(b, '-')
	b = appendPadded(b, int(d.M), 2)
	b = append(b, '-')
	b = appendPadded(b, d.D, 2)
	return string(b)
}

// appendPadded appends n in decimal with leading zeros to width digits.
func appendPadded(b []byte, n, width int) []byte {
	var buf [20]byte
	s := strconv.AppendInt(buf[:0], int64(n), 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// MarshalJSON writes the date as a string, null when zero.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads what MarshalJSON writes: a "2006-01-02" string, or
// null (or "") for the zero Date.
func (d *Date) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		*d = Date{}
		return nil
	}
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return fmt.Errorf("parse date %s: %w", s, ErrDate)
	}
	return d.scanText(s[1 : len(s)-1])
}

// Value stores d as "2006-01-02" text, or NULL when zero; both SQLite and
// MySQL accept that for DATE columns.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a date from NULL, text, bytes or a time.Time, as the SQLite
// and MySQL drivers return DATE columns differently.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = DateOf(v)
		return nil
	case []byte:
		return d.scanText(string(v))
	case string:
		return d.scanText(v)
	}
	return fmt.Errorf("scan date: unsupported type %T", src)
}

func (d *Date) scanText(s string) error {
	if s == "" {
		*d = Date{}
		return nil
	}
	if len(s) > 10 {
		s = s[:10]
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Year is an academic year, 1 July to 30 June, named by the calendar year
// it starts in: Year(2024) is "2024-2025". The zero Year means "not given".
type Year int

// ErrYear is the cause of every error returned by ParseYear.
var ErrYear = errors.New("not an academic year")

// YearOf returns the academic year that contains d.
func YearOf(d Date) Year {
	if d.M >= time.July {
		return Year(d.Y)
	}
	return Year(d.Y - 1)
}

// ParseYear reads "2024-2025" and the forms people type for it: "2024—2025",
// "2024-25", "2024～2025学年", "2024/2025", "2024". The second year, when
// given, must follow the first.
func ParseYear(s string) (Year, error) {
	t := strings.TrimSuffix(strings.TrimSpace(s), "学年")
	t = strings.Map(func(r rune) rune {
		switch r {
		case '—', '–', '－', '~', '～', '/', '至':
			return '-'
		}
		return r
	}, t)
	first, second, hasSecond := strings.Cut(t, "-")
	y, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || y < 1900 || y > 2999 {
		return 0, fmt.Errorf("parse academic year %q: %w", s, ErrYear)
	}
	if hasSecond {
		n, err := strconv.Atoi(strings.TrimSpace(second))
		if err != nil || (n != y+1 && n != (y+1)%100) {
			return 0, fmt.Errorf("parse academic year %q: %w", s, ErrYear)
		}
	}
	return Year(y), nil
}

// String returns "2024-2025", or "" for the zero Year.
func (y Year) String() string {
	if y == 0 {
		return ""
	}
	return fmt.Sprintf("%d-%d", int(y), int(y)+1)
}

// MarshalJSON writes the year as "2024-2025".
func (y Year) MarshalJSON() ([]byte, error) { return []byte(`"` + y.String() + `"`), nil }

// UnmarshalJSON reads "2024-2025", or null as the zero Year.
func (y *Year) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" || s == `""` {
		*y = 0
		return nil
	}
	v, err := ParseYear(strings.Trim(s, `"`))
	if err != nil {
		return err
	}
	*y = v
	return nil
}

// Start returns 1 July of the year.
func (y Year) Start() Date { return Date{int(y), time.July, 1} }

// End returns 30 June of the following calendar year.
func (y Year) End() Date { return Date{int(y) + 1, time.June, 30} }

// Contains reports whether d falls within the year.
func (y Year) Contains(d Date) bool { return !d.Before(y.Start()) && !d.After(y.End()) }

// Deadline returns 31 August after the year ends: the day staff must have
// submitted the year's claims.
func (y Year) Deadline() Date { return Date{int(y) + 1, time.August, 31} }

// ReviewDeadline returns 15 September after the year ends: the day
// reviewers must have finished.
func (y Year) ReviewDeadline() Date { return Date{int(y) + 1, time.September, 15} }

// DueYear returns the year whose claims are being collected on today:
// between 1 July and 15 September it is the year that has just ended,
// otherwise there is none and DueYear returns 0.
func DueYear(today Date) Year {
	prev := YearOf(today) - 1
	if !today.After(prev.ReviewDeadline()) {
		return prev
	}
	return 0
}
