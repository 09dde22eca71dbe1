// Package examples holds the example university and checks that it means
// what its README says: every inbox file is read by the real importers and
// reconciled by the real engine, and the outcome is compared with
// expected.json. The store, jobs and mail are left to the end-to-end test.
package examples

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cehours/configs"
	"cehours/importers"
	"cehours/reconcile"
)

// expected mirrors expected.json.
type expected struct {
	Today     string `json:"today"`
	Cases     []expectedCase
	Standings []expectedStanding `json:"standings_2024_2025"`
	Current   []expectedStanding `json:"standings_2025_2026_hours"`
}

type expectedCase struct {
	ID       string               `json:"id"`
	StaffNo  string               `json:"staff_no"`
	Year     string               `json:"year"`
	Rows     []row                `json:"rows"`
	Status   reconcile.Status     `json:"status"`
	Flags    []reconcile.FlagCode `json:"flags"`
	Credited string               `json:"credited"`
	Reject   string               `json:"reject"`
	Standing string               `json:"standing"`
}

type row struct {
	File  string `json:"file"`
	Sheet string `json:"sheet"`
	Row   int    `json:"row"`
}

type expectedStanding struct {
	StaffNo     string            `json:"staff_no"`
	Status      string            `json:"status"`
	IfConfirmed string            `json:"if_confirmed"`
	WholeYear   bool              `json:"whole_year"`
	Hours       map[string]string `json:"hours"`
	Pending     map[string]string `json:"pending"`
	Capped      string            `json:"capped"`
	Missing     map[string]string `json:"missing"`
}

// imported is everything the inbox holds, read by the importers.
type imported struct {
	dir     *importers.MemDirectory
	staff   []reconcile.Staff
	records []reconcile.Record
	totals  []reconcile.UnitTotal
	rejects []*importers.RowError
}

// importInbox reads the inbox as the importers do: units, then the roster,
// then every activity file with the directory of both.
func importInbox(t *testing.T, rules *reconcile.RuleSet) *imported {
	t.Helper()
	parse := func(path string, opts importers.Options, sink importers.Sink) {
		t.Helper()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel("inbox", path)
		if _, err := importers.Parse(context.Background(), rel, data, opts, sink); err != nil {
			t.Fatalf("parse %s: %v", rel, err)
		}
	}
	var units, roster importers.Collector
	parse("inbox/units/units-2025.csv", importers.Options{Kind: reconcile.KindUnits}, &units)
	parse("inbox/roster/roster-20250819.xlsx", importers.Options{Kind: reconcile.KindRoster,
		Directory: importers.NewDirectory(nil, units.Units)}, &roster)
	in := &imported{dir: importers.NewDirectory(roster.People, units.Units), staff: roster.People}
	if len(units.Rejects)+len(roster.Rejects) > 0 {
		t.Errorf("units or roster rows rejected: %v %v", units.Rejects, roster.Rejects)
	}

	kinds := map[string]reconcile.SourceKind{
		"attendance": reconcile.KindAttendance, "claims": reconcile.KindClaims, "unit-sheet": reconcile.KindUnitSheet,
	}
	for folder, kind := range kinds {
		err := filepath.WalkDir(filepath.Join("inbox", folder), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			unit := ""
			if kind == reconcile.KindUnitSheet {
				unit = filepath.Base(filepath.Dir(path))
			}
			var c importers.Collector
			parse(path, importers.Options{Kind: kind, Unit: unit, Directory: in.dir, Types: rules}, &c)
			in.records = append(in.records, c.Records...)
			in.totals = append(in.totals, c.Totals...)
			in.rejects = append(in.rejects, c.Rejects...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return in
}

func loadExpected(t *testing.T) expected {
	t.Helper()
	data, err := os.ReadFile("expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var e expected
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestExamples reads and reconciles the example university and compares
// every rejection, case and standing with expected.json.
func TestExamples(t *testing.T) {
	rules, err := configs.DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	want := loadExpected(t)
	today, err := reconcile.ParseDate(want.Today)
	if err != nil {
		t.Fatal(err)
	}
	in := importInbox(t, rules)
	if len(in.staff) != 200 {
		t.Errorf("roster: %d staff, want 200", len(in.staff))
	}

	// Exactly the deliberate rows are rejected, each with its code.
	wantRejects := map[string]string{}
	for _, c := range want.Cases {
		if c.Reject != "" {
			wantRejects[fmt.Sprintf("%s:%d", filepath.Base(c.Rows[0].File), c.Rows[0].Row)] = c.Reject
		}
	}
	gotRejects := map[string]string{}
	for _, r := range in.rejects {
		gotRejects[fmt.Sprintf("%s:%d", filepath.Base(r.File), r.Row)] = r.Code
	}
	for k, code := range wantRejects {
		if gotRejects[k] != code {
			t.Errorf("row %s: rejected %q, want %q", k, gotRejects[k], code)
		}
	}
	for k, code := range gotRejects {
		if _, ok := wantRejects[k]; !ok {
			t.Errorf("row %s: rejected %q, want it read", k, code)
		}
	}

	results := reconcileAll(in, rules, today)
	checkCases(t, want.Cases, in, results)
	checkStandings(t, "2024-2025", want.Standings, results, true)
	checkStandings(t, "2025-2026", want.Current, results, false)
}

// reconcileAll runs the engine for every person and both years.
func reconcileAll(in *imported, rules *reconcile.RuleSet, today reconcile.Date) map[string]reconcile.Result {
	engine := &reconcile.Engine{Rules: rules}
	results := map[string]reconcile.Result{}
	for _, p := range in.staff {
		for _, y := range []reconcile.Year{2024, 2025} {
			input := reconcile.Input{Staff: p, Year: y, Today: today}
			for _, r := range in.records {
				if r.StaffNo == p.No && effectiveYear(r) == y {
					input.Records = append(input.Records, r)
				}
			}
			for _, tot := range in.totals {
				if tot.StaffNo == p.No && tot.Year == y {
					input.Totals = append(input.Totals, tot)
				}
			}
			results[p.No+"/"+y.String()] = engine.Reconcile(input)
		}
	}
	return results
}

func effectiveYear(r reconcile.Record) reconcile.Year {
	if r.Year != 0 {
		return r.Year
	}
	return reconcile.YearOf(r.Start)
}

// checkCases finds each case's occurrence by the rows it cites and checks
// its status, flags and credited hours; a case about a person-year checks
// the standing's status.
func checkCases(t *testing.T, cases []expectedCase, in *imported, results map[string]reconcile.Result) {
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			switch {
			case c.Reject != "":
				return // checked with every rejection
			case c.ID == "unknown-staff":
				checkUnknown(t, c, in)
				return
			case c.ID == "unit-total-mismatch":
				res := results[c.StaffNo+"/"+c.Year]
				if !hasDiscrepancy(res, reconcile.FlagUnitTotalMismatch) {
					t.Errorf("no %s discrepancy", reconcile.FlagUnitTotalMismatch)
				}
			case c.ID == "shared-evidence":
				checkShared(t, c, in)
			case c.ID == "name-mismatch":
				// A held row is credited to nobody: it is a discrepancy of
				// the person, never part of an occurrence.
				if !hasDiscrepancy(results[c.StaffNo+"/"+c.Year], reconcile.FlagNameMismatch) {
					t.Errorf("no %s discrepancy", reconcile.FlagNameMismatch)
				}
				if occs := occurrencesAt(c.Rows, results); len(occs) != 0 {
					t.Errorf("held row is in occurrence %q", occs[0].Title)
				}
				return
			case c.Status == "" && c.Credited == "" && len(c.Flags) == 0 && c.Standing == "":
				return // nothing asserted
			}
			if c.Standing != "" {
				res := results[c.StaffNo+"/"+c.Year]
				if got := string(res.Standing.Status); got != c.Standing {
					t.Errorf("standing %s, want %s", got, c.Standing)
				}
				return
			}
			occs := occurrencesAt(c.Rows, results)
			if len(occs) == 0 {
				t.Fatalf("no occurrence holds rows %v", c.Rows)
			}
			if c.ID != "shared-evidence" && len(occs) != 1 {
				t.Errorf("rows %v are %d occurrences, want one", c.Rows, len(occs))
			}
			for _, o := range occs {
				if c.Status != "" && o.Status != c.Status {
					t.Errorf("%s: status %s, want %s", o.Title, o.Status, c.Status)
				}
				for _, f := range c.Flags {
					if f != reconcile.FlagSharedEvidence && !hasFlag(o, f) {
						t.Errorf("%s: no flag %s (flags %v)", o.Title, f, flagCodes(o))
					}
				}
				if c.Credited != "" && o.Credited.String() != c.Credited {
					t.Errorf("%s: credited %s, want %s", o.Title, o.Credited, c.Credited)
				}
			}
		})
	}
}

// occurrencesAt returns the distinct occurrences that hold any of rows.
func occurrencesAt(rows []row, results map[string]reconcile.Result) []*reconcile.Occurrence {
	var out []*reconcile.Occurrence
	for _, res := range results {
		for _, o := range res.Occurrences {
			for _, r := range o.Records {
				for _, w := range rows {
					if r.Source.Row == w.Row && strings.HasSuffix(w.File, r.Source.File) && !slices.Contains(out, o) {
						out = append(out, o)
					}
				}
			}
		}
	}
	return out
}

func checkUnknown(t *testing.T, c expectedCase, in *imported) {
	t.Helper()
	engine := &reconcile.Engine{}
	var recs []reconcile.Record
	for _, r := range in.records {
		if _, ok := in.dir.Staff(r.StaffNo); !ok {
			recs = append(recs, r)
		}
	}
	if len(recs) != 1 || recs[0].StaffNo != c.StaffNo {
		t.Fatalf("records of unknown staff: %v, want one of %s", recs, c.StaffNo)
	}
	ds := engine.Unknown(recs, reconcile.Date{})
	if len(ds) != 1 || ds[0].Code != reconcile.FlagUnknownStaff {
		t.Errorf("unknown-staff discrepancies: %v", ds)
	}
}

func checkShared(t *testing.T, c expectedCase, in *imported) {
	t.Helper()
	ds := reconcile.SharedEvidence(in.records)
	var staff []string
	for _, d := range ds {
		staff = append(staff, d.StaffNo)
	}
	if len(ds) != 2 || ds[0].Code != reconcile.FlagSharedEvidence {
		t.Errorf("shared-evidence discrepancies for %v, want two", staff)
	}
}

func hasDiscrepancy(res reconcile.Result, code reconcile.FlagCode) bool {
	for _, d := range res.Discrepancies {
		if d.Code == code {
			return true
		}
	}
	return false
}

func hasFlag(o *reconcile.Occurrence, code reconcile.FlagCode) bool {
	for _, f := range o.Flags {
		if f.Code == code {
			return true
		}
	}
	return false
}

func flagCodes(o *reconcile.Occurrence) []reconcile.FlagCode {
	var out []reconcile.FlagCode
	for _, f := range o.Flags {
		out = append(out, f.Code)
	}
	return out
}

// checkStandings compares every person's standing; for the year in
// progress only the hours.
func checkStandings(t *testing.T, year string, want []expectedStanding, results map[string]reconcile.Result, full bool) {
	t.Helper()
	for _, w := range want {
		s := results[w.StaffNo+"/"+year].Standing
		got := map[string]string{"A": s.Hours.A.String(), "B": s.Hours.B.String(), "C": s.Hours.C.String(),
			"total": s.Hours.Total.String()}
		if fmt.Sprint(got) != fmt.Sprint(w.Hours) {
			t.Errorf("%s %s: hours %v, want %v", w.StaffNo, year, got, w.Hours)
		}
		if !full {
			continue
		}
		pend := map[string]string{"A": s.Pending.A.String(), "B": s.Pending.B.String(), "C": s.Pending.C.String(),
			"total": s.Pending.Total.String()}
		if fmt.Sprint(pend) != fmt.Sprint(w.Pending) {
			t.Errorf("%s %s: pending %v, want %v", w.StaffNo, year, pend, w.Pending)
		}
		if string(s.Status) != w.Status || string(s.IfConfirmed) != w.IfConfirmed {
			t.Errorf("%s %s: status %s (if confirmed %s), want %s (%s)", w.StaffNo, year,
				s.Status, s.IfConfirmed, w.Status, w.IfConfirmed)
		}
		if s.Capped.String() != w.Capped || s.WholeYear != w.WholeYear {
			t.Errorf("%s %s: capped %s whole year %v, want %s %v", w.StaffNo, year,
				s.Capped, s.WholeYear, w.Capped, w.WholeYear)
		}
		if w.Missing != nil {
			miss := map[string]string{"total": s.Missing.Total.String(), "A": s.Missing.A.String(),
				"BC": s.Missing.BC.String()}
			if fmt.Sprint(miss) != fmt.Sprint(w.Missing) {
				t.Errorf("%s %s: missing %v, want %v", w.StaffNo, year, miss, w.Missing)
			}
		}
	}
}
