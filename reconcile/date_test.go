package reconcile

import (
	"testing"
	"time"
)

// TestDateArithmeticAgreesWithTime checks the hand-written date
// arithmetic against the time package, over leap years and month ends.
func TestDateArithmeticAgreesWithTime(t *testing.T) {
	base := NewDate(1999, time.December, 25)
	for i := 0; i < 12000; i += 7 {
		d := base.AddDays(i)
		o := base.AddDays(i * 3 % 911)
		want := int(o.Time().Sub(d.Time()).Hours() / 24)
		if got := d.DaysUntil(o); got != want {
			t.Fatalf("%s.DaysUntil(%s) = %d, want %d", d, o, got, want)
		}
		if got, want := d.Compare(o), d.Time().Compare(o.Time()); got != want {
			t.Fatalf("%s.Compare(%s) = %d, want %d", d, o, got, want)
		}
		if got, want := d.String(), d.Time().Format(time.DateOnly); got != want {
			t.Fatalf("String() = %q, want %q", got, want)
		}
	}
}

func TestAddMonthsClampsToMonthEnd(t *testing.T) {
	tests := []struct {
		d    Date
		n    int
		want Date
	}{
		{NewDate(2024, 1, 31), 1, NewDate(2024, 2, 29)},
		{NewDate(2023, 1, 31), 1, NewDate(2023, 2, 28)},
		{NewDate(2024, 9, 1), 4, NewDate(2025, 1, 1)},
		{NewDate(2024, 12, 15), 2, NewDate(2025, 2, 15)},
	}
	for _, tt := range tests {
		if got := tt.d.AddMonths(tt.n); got != tt.want {
			t.Errorf("%s + %d months = %s, want %s", tt.d, tt.n, got, tt.want)
		}
	}
}

func TestParseYear(t *testing.T) {
	good := map[string]Year{"2024-2025": 2024, "2024—2025": 2024, "2024-25": 2024,
		"2024～2025学年": 2024, "2024/2025": 2024, "2024": 2024}
	for in, want := range good {
		if got, err := ParseYear(in); err != nil || got != want {
			t.Errorf("ParseYear(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "2024-2026", "24-25", "abc", "2024-20"} {
		if _, err := ParseYear(in); err == nil {
			t.Errorf("ParseYear(%q) succeeded, want an error", in)
		}
	}
}

func TestDueYear(t *testing.T) {
	tests := map[string]Year{"2025-06-30": 0, "2025-07-01": 2024, "2025-09-15": 2024, "2025-09-16": 0}
	for day, want := range tests {
		d, _ := ParseDate(day)
		if got := DueYear(d); got != want {
			t.Errorf("DueYear(%s) = %v, want %v", day, got, want)
		}
	}
}

func TestHoursParseAndFormat(t *testing.T) {
	tests := []struct {
		in   string
		want Hours
		out  string
	}{
		{"4", 400, "4"}, {"4.0", 400, "4"}, {"2.25", 225, "2.25"}, {"0.5", 50, "0.5"},
		{".75", 75, "0.75"}, {"-1.5", -150, "-1.5"},
	}
	for _, tt := range tests {
		h, err := ParseHours(tt.in)
		if err != nil || h != tt.want || h.String() != tt.out {
			t.Errorf("ParseHours(%q) = %v (%q), %v; want %v (%q)", tt.in, int64(h), h, err, int64(tt.want), tt.out)
		}
	}
	for _, in := range []string{"", "4.125", "abc", "1e3", "--1", "4.-1"} {
		if _, err := ParseHours(in); err == nil {
			t.Errorf("ParseHours(%q) succeeded, want an error", in)
		}
	}
	if got := H(16).MulFrac(1, 3); got != 533 {
		t.Errorf("16 × 1/3 = %v, want 5.33", got)
	}
	if got := Hours(25).Mul(9); got != 225 {
		t.Errorf("0.25 × 9 = %v, want 2.25", got)
	}
}
