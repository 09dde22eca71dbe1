package reconcile

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"testing"
	"unicode"
)

// flagCodesDeclared reads every FlagCode constant declared in outcome.go,
// so that a code added there without a catalog entry fails the test.
func flagCodesDeclared(t *testing.T) []FlagCode {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "outcome.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []FlagCode
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "FlagCode" {
			return true
		}
		for _, v := range vs.Values {
			s, err := strconv.Unquote(v.(*ast.BasicLit).Value)
			if err != nil {
				t.Fatal(err)
			}
			codes = append(codes, FlagCode(s))
		}
		return true
	})
	if len(codes) < 19 {
		t.Fatalf("read %d flag codes from outcome.go, want at least 19", len(codes))
	}
	return codes
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func TestFlagCatalogCoversEveryCode(t *testing.T) {
	codes := flagCodesDeclared(t)
	for _, code := range codes {
		t.Run(string(code), func(t *testing.T) {
			info, ok := FlagInfoOf(code)
			if !ok {
				t.Fatal("no catalog entry")
			}
			switch info.Severity {
			case SevError, SevWarning, SevInfo:
			default:
				t.Errorf("severity %q", info.Severity)
			}
			for what, s := range map[string]string{"name": info.Name, "text": info.Text,
				"action": info.Action} {
				if !hasHan(s) {
					t.Errorf("%s %q is not Chinese", what, s)
				}
			}
		})
	}
	if len(FlagCatalog()) != len(codes) {
		t.Errorf("catalog has %d entries for %d codes", len(FlagCatalog()), len(codes))
	}
}

func TestFlagSeverities(t *testing.T) {
	// The severities DESIGN §5 fixes, and those that keep hours from
	// counting (errors).
	tests := map[FlagCode]Severity{
		FlagSharedEvidence:       SevWarning,
		FlagOverlapping:          SevWarning,
		FlagCapped:               SevInfo,
		FlagCrossYear:            SevInfo,
		FlagNoAttendance:         SevError,
		FlagNameMismatch:         SevError,
		FlagUnclassifiedActivity: SevError,
		FlagFutureDate:           SevError,
		FlagDateOutOfYear:        SevError,
	}
	for code, want := range tests {
		if info, _ := FlagInfoOf(code); info.Severity != want {
			t.Errorf("%s: severity %s, want %s", code, info.Severity, want)
		}
	}
}

func TestNewFlag(t *testing.T) {
	src := []SourceRef{{Kind: KindClaims, File: "claims.xlsx", Sheet: "Sheet1", Row: 4}}
	f := NewFlag(FlagNoAttendance, "", src)
	if f.Message != "申报的校内活动没有签到记录，学时暂不计入" ||
		f.Action != "请补交签到表或活动证明材料，或由单位审核认定" || f.Severity != SevError {
		t.Errorf("flag = %+v", f)
	}
	src[0].Row = 5
	if f.Sources[0].Row != 4 {
		t.Error("NewFlag kept the caller's slice")
	}
	if g := NewFlag(FlagDuplicate, "签到表2次", nil); g.Message !=
		"同一活动在同一来源中出现多次，只计一次：签到表2次" {
		t.Errorf("message with detail = %q", g.Message)
	}
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		name string
		o    Occurrence
		want string
	}{
		{"one day, stated", Occurrence{Title: "教学沙龙", Start: d(3, 5), End: d(3, 5),
			Stated: H(4)}, "「教学沙龙」（2025-03-05，申报4学时）"},
		{"range, standard and bonus", Occurrence{Title: "工作坊", Start: d(3, 5),
			End: d(3, 7), Standard: H(12), Bonus: H(4)}, "「工作坊」（2025-03-05至2025-03-07，16学时）"},
		{"no title, no hours", Occurrence{Start: d(9, 1)}, "「未命名活动」（2024-09-01）"},
		{"nothing", Occurrence{Title: "进修"}, "「进修」"},
	}
	for _, tt := range tests {
		if got := tt.o.Describe(); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestFinishFlags(t *testing.T) {
	o := &Occurrence{Title: "教学沙龙", Start: d(3, 5), End: d(3, 5), Stated: H(4),
		Flags: []Flag{
			NewFlag(FlagNoAttendance, "", nil),
			{Code: FlagCapped, Message: "类型1 每学年最高16学时，已计满"},
			{Code: FlagOverlapping, Message: "「其他」已有名称"},
		}}
	finishFlags(o)
	want := []string{
		"「教学沙龙」（2025-03-05，申报4学时）：申报的校内活动没有签到记录，学时暂不计入",
		"「教学沙龙」（2025-03-05，申报4学时）：类型1 每学年最高16学时，已计满",
		"「其他」已有名称",
	}
	for i, f := range o.Flags {
		if f.Message != want[i] {
			t.Errorf("flag %d message %q, want %q", i, f.Message, want[i])
		}
		if f.Severity == "" || f.Action == "" {
			t.Errorf("flag %d not completed: %+v", i, f)
		}
	}
}

func TestDiscrepancyID(t *testing.T) {
	id := DiscrepancyID("T001", 2024, FlagNoAttendance, "O-0123456789abcdef")
	if !regexp.MustCompile(`^D-[0-9a-f]{16}$`).MatchString(id) {
		t.Fatalf("id %q: want D- and 16 hex digits", id)
	}
	if again := DiscrepancyID("T001", 2024, FlagNoAttendance, "O-0123456789abcdef"); again != id {
		t.Errorf("same facts gave %s and %s", id, again)
	}
	others := []string{
		DiscrepancyID("T002", 2024, FlagNoAttendance, "O-0123456789abcdef"),
		DiscrepancyID("T001", 2023, FlagNoAttendance, "O-0123456789abcdef"),
		DiscrepancyID("T001", 2024, FlagDuplicate, "O-0123456789abcdef"),
		DiscrepancyID("T001", 2024, FlagNoAttendance, "O-0123456789abcdee"),
		// The separator keeps parts from running into each other.
		DiscrepancyID("T00", 2024, FlagNoAttendance, "1O-0123456789abcdef"),
	}
	for i, o := range others {
		if o == id {
			t.Errorf("variant %d has the same id", i)
		}
	}
}

func TestDecisionText(t *testing.T) {
	r := Resolution{Accepted: true, Note: "已核实会议通知", By: "王老师", At: Date{2025, 8, 20}}
	if got := decisionText(FlagNoAttendance, r); got !=
		"王老师于2025-08-20认可“无签到记录”：已核实会议通知" {
		t.Errorf("accepted: %q", got)
	}
	r = Resolution{By: "unit:U01"}
	if got := decisionText(FlagOverclaimed, r); got != "unit:U01不认可“申报学时超标”" {
		t.Errorf("rejected: %q", got)
	}
}
