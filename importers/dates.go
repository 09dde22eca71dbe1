package importers

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"cehours/reconcile"
)

// Dates people type lie between these years; anything else is a typo or a
// number that is no date.
const (
	minDateYear = 1900
	maxDateYear = 2100
)

// Excel serial numbers taken for dates: 1930-01-01 to 2100-12-31 in the
// 1900 system. Smaller numbers are refused, so that a year typed alone
// ("2024", serial 2024 = 1905-07-16) is no date.
const (
	minSerial = 10959
	maxSerial = 73415
)

// ParseDateText reads one date as people and spreadsheets write it:
// 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305, an Excel serial
// number such as 45356 (a date-formatted cell read raw), and any of these
// followed by a time of day. It returns reconcile.ErrDate for anything
// else, including impossible dates such as 2024-02-30.
func ParseDateText(s string, date1904 bool) (reconcile.Date, error) {
	t := dateText(s)
	d, ok := parseFullDate(t, date1904, true)
	if !ok {
		return reconcile.Date{}, fmt.Errorf("parse date %q: %w", s, reconcile.ErrDate)
	}
	return d, nil
}

// ParseDateRange reads a date or a range: "2024.3.5-3.7",
// "2024.3.5-2024.3.7", "2024-03-05至2024-03-07", "2024年3月5日至7日",
// "2024/3/5~3/7". The end repeats the start for a single date. An end
// before the start is an error.
func ParseDateRange(s string, date1904 bool) (start, end reconcile.Date, err error) {
	t := dateText(s)
	bad := fmt.Errorf("parse date %q: %w", s, reconcile.ErrDate)
	if d, ok := parseFullDate(t, date1904, true); ok {
		return d, d, nil
	}
	for _, sep := range []string{"至", "到", "~", "～", "—", "–", "-"} {
		for off := 0; ; {
			i := strings.Index(t[off:], sep)
			if i < 0 {
				break
			}
			i += off
			off = i + len(sep)
			left, right := t[:i], t[i+len(sep):]
			a, ok := parseFullDate(left, date1904, false)
			if !ok {
				continue
			}
			b, ok := parseFullDate(right, date1904, false)
			if !ok {
				b, ok = parsePartialDate(right, a)
			}
			if !ok {
				continue
			}
			if b.Before(a) {
				return reconcile.Date{}, reconcile.Date{}, fmt.Errorf(
					"parse date %q: end before start: %w", s, reconcile.ErrDate)
			}
			return a, b, nil
		}
	}
	return reconcile.Date{}, reconcile.Date{}, bad
}

// parseFullDate reads a date that names its year, or with serial set an
// Excel serial number; t is folded and has no spaces.
func parseFullDate(t string, date1904, serial bool) (reconcile.Date, bool) {
	if t == "" {
		return reconcile.Date{}, false
	}
	if allDigits(t) && len(t) == 8 {
		y, _ := strconv.Atoi(t[:4])
		m, _ := strconv.Atoi(t[4:6])
		d, _ := strconv.Atoi(t[6:])
		return makeDate(y, m, d)
	}
	if f, err := strconv.ParseFloat(t, 64); err == nil && serial && isSerialText(t) {
		if f < minSerial || f > maxSerial {
			return reconcile.Date{}, false
		}
		tm, err := excelize.ExcelDateToTime(f, date1904)
		if err != nil {
			return reconcile.Date{}, false
		}
		return reconcile.DateOf(tm), true
	}
	parts := splitDate(t)
	if len(parts) != 3 || len(parts[0]) != 4 {
		return reconcile.Date{}, false
	}
	return makeDateText(parts[0], parts[1], parts[2])
}

// isSerialText reports whether t looks like a bare number: digits with at
// most one decimal point, so that "2024.3" is not taken for a serial.
func isSerialText(t string) bool {
	whole, frac, _ := strings.Cut(t, ".")
	return allDigits(whole) && len(whole) <= 5 && (frac == "" || allDigits(frac)) &&
		(len(whole) != 4 || frac == "")
}

// dateText folds s, drops a time of day after the date ("2024-03-05
// 00:00:00", "2024-03-05T09:00") and removes the remaining spaces.
func dateText(s string) string {
	t := fold(s)
	if i := strings.IndexAny(t, " T"); i > 0 && strings.Contains(t[i:], ":") {
		t = t[:i]
	}
	return squeeze(t)
}

// parsePartialDate reads the end of a range that omits what it shares with
// the start: "3.7", "3-7", "3月7日", "7日", "7".
func parsePartialDate(t string, start reconcile.Date) (reconcile.Date, bool) {
	parts := splitDate(t)
	switch len(parts) {
	case 1:
		return makeDateText(strconv.Itoa(start.Y), strconv.Itoa(int(start.M)), parts[0])
	case 2:
		return makeDateText(strconv.Itoa(start.Y), parts[0], parts[1])
	}
	return reconcile.Date{}, false
}

// splitDate splits "2024年3月5日", "2024-3-5", "2024/3/5", "2024.3.5" into
// their numbers; it returns nil when anything else is in t.
func splitDate(t string) []string {
	t = strings.TrimSuffix(strings.TrimSuffix(t, "日"), "号")
	parts := strings.FieldsFunc(t, func(r rune) bool {
		return r == '-' || r == '/' || r == '.' || r == '年' || r == '月'
	})
	for _, p := range parts {
		if !allDigits(p) || len(p) > 4 {
			return nil
		}
	}
	return parts
}

func makeDateText(ys, ms, ds string) (reconcile.Date, bool) {
	y, err1 := strconv.Atoi(ys)
	m, err2 := strconv.Atoi(ms)
	d, err3 := strconv.Atoi(ds)
	if err1 != nil || err2 != nil || err3 != nil {
		return reconcile.Date{}, false
	}
	return makeDate(y, m, d)
}

// makeDate returns y-m-d when it is a real calendar date in range.
func makeDate(y, m, d int) (reconcile.Date, bool) {
	if y < minDateYear || y > maxDateYear || m < 1 || m > 12 || d < 1 || d > 31 {
		return reconcile.Date{}, false
	}
	date := reconcile.NewDate(y, time.Month(m), d)
	if date.D != d {
		return reconcile.Date{}, false
	}
	return date, true
}
