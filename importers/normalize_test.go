package importers

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cehours/reconcile"
)

func TestParseDateRange(t *testing.T) {
	tests := []struct {
		name, in   string
		start, end string // "" end: same as start
		wantErr    bool
	}{
		{"iso", "2024-03-05", "2024-03-05", "", false},
		{"slashes", "2024/3/5", "2024-03-05", "", false},
		{"dots", "2024.3.5", "2024-03-05", "", false},
		{"chinese", "2024年3月5日", "2024-03-05", "", false},
		{"compact", "20240305", "2024-03-05", "", false},
		{"excel serial", "45356", "2024-03-05", "", false},
		{"serial with time", "45356.5", "2024-03-05", "", false},
		{"full width", "２０２４－０３－０５", "2024-03-05", "", false},
		{"with time", "2024-03-05 09:30:00", "2024-03-05", "", false},
		{"range short end", "2024.3.5-3.7", "2024-03-05", "2024-03-07", false},
		{"range full end", "2024.3.5-2024.3.7", "2024-03-05", "2024-03-07", false},
		{"range iso", "2024-03-05-2024-03-07", "2024-03-05", "2024-03-07", false},
		{"range chinese day only", "2024年3月5日至7日", "2024-03-05", "2024-03-07", false},
		{"range tilde", "2024/3/5~3/7", "2024-03-05", "2024-03-07", false},
		{"range across year", "2024.12.30-2025.1.2", "2024-12-30", "2025-01-02", false},
		{"impossible day", "2024-02-30", "", "", true},
		{"month 13", "2024.13.1", "", "", true},
		{"end before start", "2024.3.7-3.5", "", "", true},
		{"words", "三月五日", "", "", true},
		{"empty", "", "", "", true},
		{"year only", "2024", "", "", true},
		{"huge serial", "999999", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, e, err := ParseDateRange(tt.in, false)
			if tt.wantErr {
				if !errors.Is(err, reconcile.ErrDate) {
					t.Fatalf("ParseDateRange(%q) = %v %v, %v; want ErrDate", tt.in, s, e, err)
				}
				return
			}
			end := tt.end
			if end == "" {
				end = tt.start
			}
			if err != nil || s.String() != tt.start || e.String() != end {
				t.Errorf("ParseDateRange(%q) = %v %v, %v; want %s %s", tt.in, s, e, err, tt.start, end)
			}
		})
	}
}

func TestParseValues(t *testing.T) {
	hours := []struct {
		in   string
		want reconcile.Hours
		ok   bool
	}{
		{"4", 400, true}, {"4.0", 400, true}, {"4学时", 400, true}, {"４ 学时", 400, true},
		{"2.25", 225, true}, {"3.9999999999999996", 400, true}, {"0", 0, false},
		{"-4", 0, false}, {"四", 0, false}, {"2.125", 0, false}, {"", 0, false},
	}
	for _, tt := range hours {
		got, err := ParseHoursText(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseHoursText(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	shares := []struct {
		in   string
		want int
	}{{"0.5", 5000}, {"50%", 5000}, {"1/2", 5000}, {"１／３", 3333}, {"1", 10000},
		{"0", 0}, {"150%", 0}, {"1/0", 0}, {"半", 0}}
	for _, tt := range shares {
		got, err := ParseShare(tt.in)
		if got != tt.want || (err == nil) != (tt.want != 0) {
			t.Errorf("ParseShare(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	cats := map[string]reconcile.Category{"A": "A", "b": "B", "C类": "C", "专业科目": "A",
		"行业公需科目": "B", "一般公需": "C", "Ｂ": "B"}
	for in, want := range cats {
		if got, err := ParseCategory(in); got != want || err != nil {
			t.Errorf("ParseCategory(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseCategory("D"); !errors.Is(err, ErrCategory) {
		t.Errorf("ParseCategory(D) err = %v", err)
	}
	roles := map[string]reconcile.Role{"": "participant", "学员": "participant", "组织者": "convener",
		"讲课教师": "speaker", "主持人": "host", "团队成员": "member", "导师": "mentor",
		"提问": "asking", "答复": "answering", " 主 讲 人 ": "speaker"}
	for in, want := range roles {
		if got, err := ParseRole(in); got != want || err != nil {
			t.Errorf("ParseRole(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	reviews := map[string]reconcile.Review{"通过": "approved", "审核通过": "approved",
		"已通过": "approved", "同意": "approved", "不通过": "rejected", "审核不通过": "rejected",
		"未通过": "rejected", "驳回": "rejected", "待审核": "", "审核中": "", "": ""}
	for in, want := range reviews {
		if got := ParseReview(in); got != want {
			t.Errorf("ParseReview(%q) = %q; want %q", in, got, want)
		}
	}
	levels := map[string]reconcile.Level{"校级": "school", "省部级": "provincial", "国家级": "national"}
	for in, want := range levels {
		if got, err := ParseLevel(in); got != want || err != nil {
			t.Errorf("ParseLevel(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestParseType(t *testing.T) {
	names := typeNames{"各类培训、讲座、研讨、沙龙": 1, "工作坊": 2}
	tests := []struct {
		in      string
		want    int
		wantErr bool
	}{
		{"1", 1, false}, {"32", 32, false}, {"１２", 12, false}, {"2.工作坊", 2, false},
		{"（3）教研活动", 3, false}, {"工作坊", 2, false}, {"读书会", 0, false},
		{"33", 0, true}, {"0", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseType(tt.in, names)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseType(%q) = %d, %v; want %d err=%v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

// typeNames is a TypeNamer over a fixed table.
type typeNames map[string]int

func (n typeNames) TypeByName(s string) (int, bool) { v, ok := n[s]; return v, ok }

func TestNames(t *testing.T) {
	tests := map[string]string{"张　伟": "张伟", " 张 伟 ": "张伟", "John  Smith": "John Smith",
		"ＬＩ Ｎａ": "LI Na", "阿依古丽·买买提": "阿依古丽·买买提"}
	for in, want := range tests {
		if got := NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
	nos := map[string]string{"20230001.0": "20230001", "2.0230001E7": "20230001",
		"００１２３": "00123", " 00123 ": "00123", "T001": "T001"}
	for in, want := range nos {
		if got := NormalizeStaffNo(in); got != want {
			t.Errorf("NormalizeStaffNo(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLookupStaffNoPadsLeadingZeros(t *testing.T) {
	dir := NewDirectory([]reconcile.Staff{{No: "00123", Name: "张伟"}, {No: "0456789", Name: "李娜"},
		{No: "T9"}}, nil)
	tests := []struct{ in, want string }{
		{"00123", "00123"}, {"123", "00123"}, {"456789", "0456789"}, {"9", ""}, {"T9", "T9"},
		{"0123", "00123"}, {"124", ""},
	}
	for _, tt := range tests {
		s, ok := lookupStaffNo(dir, tt.in)
		if s.No != tt.want || ok != (tt.want != "") {
			t.Errorf("lookupStaffNo(%q) = %q %v, want %q", tt.in, s.No, ok, tt.want)
		}
	}
}

func TestLimits(t *testing.T) {
	csv := "工号,姓名,项目序号,日期\n" + strings.Repeat("00123,张伟,1,2024-03-05\n", 20)
	tests := []struct {
		name   string
		data   string
		limits Limits
		want   error
	}{
		{"file too big", csv, Limits{MaxFileBytes: 100}, ErrTooLarge},
		{"long cell rejected per row", "工号,姓名,项目序号,日期\n00123," + strings.Repeat("长", 50) +
			",1,2024-03-05\n", Limits{MaxCellChars: 20}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Collector
			_, err := Parse(context.Background(), "x.csv", []byte(tt.data),
				Options{Kind: reconcile.KindClaims, Limits: tt.limits}, &c)
			if !errors.Is(err, tt.want) || tt.want == nil && err != nil {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if tt.want == nil && (len(c.Rejects) != 1 || c.Rejects[0].Code != CodeTooLong) {
				t.Errorf("rejects = %v, want one cell-too-long", c.Rejects)
			}
		})
	}
}

func TestRowLimitOnXLSX(t *testing.T) {
	var c Collector
	_, err := parseFixture(t, "unit-sheet.xlsx", Options{Kind: reconcile.KindUnitSheet,
		Unit: "U01", Limits: Limits{MaxRows: 5}}, &c)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func FuzzParseDateRange(f *testing.F) {
	for _, s := range []string{"2024-03-05", "2024.3.5-3.7", "2024年3月5日至7日", "45356",
		"20240305", "2024/3/5 9:00", "２０２４．３．５", "2024-03-05-2024-03-07", "-", "至"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start, end, err := ParseDateRange(s, false)
		if err != nil {
			return
		}
		if start.IsZero() || end.Before(start) {
			t.Fatalf("ParseDateRange(%q) = %v %v", s, start, end)
		}
		if start.Y < minDateYear || end.Y > maxDateYear {
			t.Fatalf("ParseDateRange(%q) out of range: %v %v", s, start, end)
		}
	})
}

func FuzzNormalizeValues(f *testing.F) {
	for _, s := range []string{"4学时", "3.9999999999999996", "50%", "1/2", "张　伟", "１２３",
		"2.0230001E7", "A类", "1.各类培训", "1e400", "NaN", "-0", "1/-2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if h, err := ParseHoursText(s); err == nil && h <= 0 {
			t.Fatalf("ParseHoursText(%q) = %v, not positive", s, h)
		}
		if p, err := ParseShare(s); err == nil && (p <= 0 || p > 10000) {
			t.Fatalf("ParseShare(%q) = %d", s, p)
		}
		if n, err := ParseCount(s); err == nil && n <= 0 {
			t.Fatalf("ParseCount(%q) = %d", s, n)
		}
		if n, err := ParseType(s, nil); err == nil && (n < 0 || n > maxType) {
			t.Fatalf("ParseType(%q) = %d", s, n)
		}
		name := NormalizeName(s)
		if strings.ContainsAny(name, "\u3000\t\n") || NormalizeName(name) != name {
			t.Fatalf("NormalizeName(%q) = %q, not idempotent", s, name)
		}
		no := NormalizeStaffNo(s)
		if strings.ContainsAny(no, " \u3000") {
			t.Fatalf("NormalizeStaffNo(%q) = %q", s, no)
		}
	})
}

// FuzzParseCSV feeds arbitrary bytes to the whole reader: it must return
// rows or an error, never panic.
func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("工号,姓名,项目序号,日期,学时\n00123,张伟,1,2024-03-05,4\n"))
	f.Add([]byte("\xef\xbb\xbf活动名称：讲座\n日期：2024.3.5\n工号,姓名\n1,张\n合计\n"))
	f.Add([]byte("\xb9\xa4\xba\xc5,\xd0\xd5\xc3\xfb\r\n1,2\r\n"))
	f.Add([]byte("PK\x03\x04garbage"))
	f.Add([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	for _, fx := range []string{"unit-sheet.xlsx", "attendance-kv.xlsx"} {
		if data, err := os.ReadFile(filepath.Join("testdata", fx)); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var c Collector
		for _, name := range []string{"f.csv", "f.xlsx"} {
			if bytes.HasPrefix(data, magicZip) && name == "f.csv" {
				continue
			}
			_, _ = Parse(context.Background(), name, data,
				Options{Kind: reconcile.KindAttendance, Limits: Limits{MaxRows: 1000}}, &c)
		}
	})
}

func TestXLSXLimits(t *testing.T) {
	var c Collector
	_, err := parseFixture(t, "unit-sheet.xlsx", Options{Kind: reconcile.KindUnitSheet,
		Unit: "U01", Limits: Limits{MaxUnzipBytes: 4096}}, &c)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("unzip limit: err = %v, want ErrTooLarge", err)
	}
	c = Collector{}
	sum, err := parseFixture(t, "unit-sheet.xlsx", Options{Kind: reconcile.KindUnitSheet,
		Unit: "U01", Limits: Limits{MaxCellChars: 8}}, &c)
	// Rows 3 (title), 4 (type name) and 5 (date range) hold cells over 8
	// characters; the three rows rejected anyway stay rejected.
	if err != nil || sum.Stored != 3 || sum.Rejected != 6 {
		t.Fatalf("cell limit: %+v, %v; want 3 stored, 6 rejected", sum, err)
	}
	var got []string
	for _, r := range c.Rejects[:3] {
		got = append(got, rejectLine(r))
	}
	compareLines(t, "rejects", got, []string{`统计表:3 活动名称 "学术讲座：肿瘤免…" cell-too-long`,
		`统计表:4 项目序号 "各类培训、讲座、…" cell-too-long`, `统计表:5 开始日期 "2024年11月…" cell-too-long`})
}
