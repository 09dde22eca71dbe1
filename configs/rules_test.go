package configs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cehours/reconcile"
)

// TestDefaultRules checks the embedded table against the policy's
// attachment: every number once, its scope and categories.
func TestDefaultRules(t *testing.T) {
	rs, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	types := rs.Types(reconcile.NewDate(2024, 9, 1))
	if len(types) != 32 {
		t.Fatalf("%d types, want 32", len(types))
	}
	onlyA := map[int]bool{4: true, 6: true, 7: true, 8: true, 10: true, 12: true, 27: true, 28: true}
	for i, a := range types {
		if a.No != i+1 {
			t.Errorf("types[%d] is number %d, want %d", i, a.No, i+1)
		}
		if a.External() != (a.No >= 19) {
			t.Errorf("type %d: external %v", a.No, a.External())
		}
		wantCats := "ABC"
		switch {
		case onlyA[a.No]:
			wantCats = "A"
		case a.No == 17:
			wantCats = "C"
		}
		var got strings.Builder
		for _, c := range a.Categories {
			got.WriteString(string(c))
		}
		if got.String() != wantCats {
			t.Errorf("type %d: categories %s, want %s", a.No, got.String(), wantCats)
		}
		if a.Describe() == "" {
			t.Errorf("type %d: empty description", a.No)
		}
		if a.FullTime != (a.No == 20 || a.No == 23) {
			t.Errorf("type %d: full time %v", a.No, a.FullTime)
		}
	}
}

func TestTypeByName(t *testing.T) {
	rs, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		want int
		ok   bool
	}{
		{"各类培训、讲座、研讨、沙龙", 1, true},
		{"各类培训，讲座，研讨，沙龙", 1, true},
		{"工作坊", 2, true},
		{"青年助讲培养导师", 10, true},
		{"3 个月及以上脱产进修、学习", 20, true},
		{"3个月以下短期进修、学习（含学历学位教育）", 21, true},
		{"其他(校外)", 32, true},
		{"其他（校内）", 18, true},
		{"教学及其他专业技能比赛", 27, true},
		{"校级教学及其他专业技能比赛", 8, true},
		{"其他", 0, false},
		{"", 0, false},
		{"学术报告", 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := rs.TypeByName(tc.name)
			if got != tc.want || ok != tc.ok {
				t.Errorf("TypeByName(%q) = %d, %v; want %d, %v", tc.name, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// valid is a small rules file that every error case breaks in one place.
const valid = `
types:
  - no: 1
    name: 各类培训
    scope: internal
    categories: [A, B, C]
    rule: {shape: per-session, hours: 4}
    caps: {per_year: 16}
    bonuses: [{roles: [speaker], hours: 4}]
  - no: 12
    name: 教改项目
    scope: internal
    categories: [A]
    rule: {shape: level, level_hours: {school: 12, provincial: 24, national: 24}}
    caps: {roles: {host: 24, others: 8}}
profiles:
  - {name: 专业技术人员, total: 90, A: 60, BC: 18}
`

func TestParseRulesErrors(t *testing.T) {
	cases := []struct {
		name    string
		from    string // replaced in valid
		to      string
		wantErr string
	}{
		{"per-year cap zero", "per_year: 16", "per_year: 0",
			"test.yaml: types[0].caps.per_year: must be positive"},
		{"hours not a number", "hours: 4}\n    caps", "hours: four}\n    caps",
			`test.yaml: types[0].rule.hours: "four" is not a number of hours`},
		{"three decimals", "per_year: 16", "per_year: 1.125",
			`test.yaml: types[0].caps.per_year: "1.125" is not a number of hours`},
		{"unknown shape", "shape: per-session", "shape: per-week",
			`test.yaml: types[0].rule.shape: unknown shape "per-week"`},
		{"unknown category", "[A, B, C]", "[A, D]",
			`test.yaml: types[0].categories[1]: must be A, B or C, not "D"`},
		{"unknown role", "roles: [speaker]", "roles: [lecturer]",
			`test.yaml: types[0].bonuses[0].roles[0]: unknown role "lecturer"`},
		{"bad scope", "scope: internal\n    categories: [A]", "scope: campus\n    categories: [A]",
			`test.yaml: types[1].scope: must be internal or external, not "campus"`},
		{"missing level", "national: 24", "state: 24",
			"test.yaml: types[1].rule.level_hours.national: must be set"},
		{"role cap zero", "others: 8", "others: 0",
			"test.yaml: types[1].caps.roles.others: must be positive"},
		{"duplicate number", "no: 12", "no: 1",
			"test.yaml: types[1].no: type 1 already defined at types[0]"},
		{"duplicate name", "name: 教改项目", "name: 各类培训",
			`test.yaml: types[1].name: "各类培训" already names type 1`},
		{"no universal profile", "{name: 专业技术人员,", "{name: 专业技术人员, teachers: true,",
			"test.yaml: profiles: no profile applies to everyone"},
		{"profile total below A+BC", "total: 90", "total: 70",
			"test.yaml: profiles[0].total: is less than A + BC"},
		{"unknown key", "caps: {per_year: 16}", "caps: {per_yer: 16}", "field per_yer not found"},
		{"bad effective date", "no: 12\n", "no: 12\n    effective: 2024-13-01\n",
			`test.yaml: types[1].effective: "2024-13-01" is not a date`},
	}
	if _, err := ParseRules([]byte(valid), "test.yaml"); err != nil {
		t.Fatalf("the valid file fails: %v", err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := strings.Replace(valid, tc.from, tc.to, 1)
			if data == valid {
				t.Fatalf("%q not found in the valid file", tc.from)
			}
			_, err := ParseRules([]byte(data), "test.yaml")
			if err == nil {
				t.Fatalf("no error, want %q", tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q, want it to contain %q", err, tc.wantErr)
			}
			if !errors.Is(err, ErrRules) {
				t.Errorf("error %q is not ErrRules", err)
			}
		})
	}
}

func TestLoadRules(t *testing.T) {
	path := filepath.Join(t.TempDir(), "my-rules.yaml")
	bad := strings.Replace(valid, "per_year: 16", "per_year: -1", 1)
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadRules(path)
	var re *RulesError
	if !errors.As(err, &re) || re.File != "my-rules.yaml" || re.Path != "types[0].caps.per_year" {
		t.Errorf("error %v, want a RulesError on my-rules.yaml types[0].caps.per_year", err)
	}
	if _, err := LoadRules(filepath.Join(t.TempDir(), "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: error %v, want os.ErrNotExist", err)
	}
}
