package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"cehours/internal/store/storetest"
	"cehours/reconcile"
)

// cli runs cehours with args against one database and folder, as a user
// at a shell would.
type cli struct {
	t     *testing.T
	dir   string
	db    string
	today string
}

// run executes the command line and returns stdout and the exit status.
func (c cli) run(args ...string) (string, int) {
	c.t.Helper()
	var out, errOut bytes.Buffer
	full := append([]string{"--db", c.db, "--today", c.today}, args...)
	code := run(context.Background(), full, &out, &errOut)
	if code != exitOK && code != exitPartial {
		c.t.Logf("cehours %s: exit %d\n%s", strings.Join(args, " "), code, errOut.String())
	}
	return out.String(), code
}

// runJSON executes the command line and decodes its JSON output into v.
func (c cli) runJSON(v any, args ...string) {
	c.t.Helper()
	out, code := c.run(append(args, "--format", "json")...)
	if code != exitOK {
		c.t.Fatalf("cehours %s: exit %d", strings.Join(args, " "), code)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		c.t.Fatalf("cehours %s: decode JSON: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// exampleExpectations is the part of examples/expected.json this test
// reads.
type exampleExpectations struct {
	Cases []struct {
		ID      string               `json:"id"`
		StaffNo string               `json:"staff_no"`
		Year    string               `json:"year"`
		Flags   []reconcile.FlagCode `json:"flags"`
		Reject  string               `json:"reject"`
		Status  reconcile.Status     `json:"status"`
	} `json:"cases"`
	Standings []struct {
		StaffNo     string            `json:"staff_no"`
		Status      string            `json:"status"`
		IfConfirmed string            `json:"if_confirmed"`
		WholeYear   bool              `json:"whole_year"`
		Hours       map[string]string `json:"hours"`
		Pending     map[string]string `json:"pending"`
		Capped      string            `json:"capped"`
		Missing     map[string]string `json:"missing"`
	} `json:"standings_2024_2025"`
}

// TestPipelineOnExampleData drives the commands a reviewer uses —
// import, imports, reconcile, standings, discrepancies, ledger, resolve —
// over the example university, through the real store, and checks the
// outcome against examples/expected.json.
func TestPipelineOnExampleData(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		testPipeline(t, cli{t: t, dir: dir, db: "sqlite:" + filepath.Join(dir, "cehours.db"), today: "2025-08-20"})
	})
	t.Run("mysql", func(t *testing.T) {
		dsn, _ := storetest.NewMySQLDatabase(t)
		testPipeline(t, cli{t: t, dir: t.TempDir(), db: dsn, today: "2025-08-20"})
	})
}

func testPipeline(t *testing.T, c cli) {
	var want exampleExpectations
	b, err := os.ReadFile("../../examples/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	files := exampleFiles(t)

	// Import: done, with rejected rows (exit 3).
	if code := c.importAll(files); code != exitPartial {
		t.Fatalf("import: exit %d, want %d (rows rejected)", code, exitPartial)
	}
	checkRejects(t, c, want)

	// Reconcile, then every standing as expected.
	if _, code := c.run("reconcile", "--year", "2024-2025"); code != exitOK {
		t.Fatalf("reconcile: exit %d", code)
	}
	checkStandings(t, c, want)
	discs := checkDiscrepancies(t, c, want)

	// The same files again: nothing stored, nothing changes.
	if code := c.importAll(files); code != exitOK && code != exitPartial {
		t.Fatalf("re-import: exit %d", code)
	}
	out, _ := c.run("reconcile", "--year", "2024-2025")
	if !strings.Contains(out, "0 new discrepancies, 0 resolved") {
		t.Errorf("reconcile after re-importing the same files: %s", out)
	}

	// A reviewer accepts the claim without attendance: it is verified.
	var noAtt reconcile.Discrepancy
	for _, d := range discs {
		if d.Code == reconcile.FlagNoAttendance {
			noAtt = d
		}
	}
	if noAtt.ID == "" {
		t.Fatal("no no-attendance discrepancy to resolve")
	}
	if _, code := c.run("resolve", noAtt.ID, "--accept", "--note", "已核实签到照片", "--by", "tdc"); code != exitOK {
		t.Fatalf("resolve: exit %d", code)
	}
	var lines []reconcile.LedgerLine
	c.runJSON(&lines, "ledger", noAtt.StaffNo, "--year", "2024-2025")
	verified := false
	for _, l := range lines {
		if slices.Contains(l.Flags, reconcile.FlagNoAttendance) && l.Status == reconcile.StatusVerified &&
			l.Credited > 0 && strings.Contains(l.Decision, "tdc") {
			verified = true
		}
	}
	if !verified {
		t.Errorf("after accepting %s the ledger of %s shows no verified line decided by tdc: %+v",
			noAtt.ID, noAtt.StaffNo, lines)
	}
	var resolved []reconcile.Discrepancy
	c.runJSON(&resolved, "discrepancies", "--year", "2024-2025", "--status", "resolved")
	if !slices.ContainsFunc(resolved, func(d reconcile.Discrepancy) bool {
		return d.ID == noAtt.ID && d.Resolution == "accepted"
	}) {
		t.Errorf("discrepancy %s is not listed as resolved and accepted", noAtt.ID)
	}

	checkReturnedWorkbook(t, c, discs)
}

// checkReturnedWorkbook builds U02's discrepancy workbook, fills in its
// 处理意见 column as the unit secretary would — accepting the overclaim,
// and trying to decide on another unit's discrepancy — saves it through
// LibreOffice when it is installed, imports it as kind resolutions, and
// checks that the decision is in force and the foreign row rejected.
func checkReturnedWorkbook(t *testing.T, c cli, discs []reconcile.Discrepancy) {
	t.Helper()
	var over, foreign reconcile.Discrepancy
	for _, d := range discs {
		switch {
		case d.Code == reconcile.FlagOverclaimed && d.UnitCode == "U02":
			over = d
		case d.UnitCode == "U01" && foreign.ID == "":
			foreign = d
		}
	}
	if over.ID == "" || foreign.ID == "" {
		t.Fatalf("example data lacks an overclaim of U02 or a discrepancy of U01")
	}
	out := filepath.Join(c.dir, "reports")
	if _, code := c.run("report", "unit", "--unit", "U02", "--year", "2024-2025", "--out", out); code != exitOK {
		t.Fatalf("report unit: exit %d", code)
	}
	path := filepath.Join(out, "discrepancies-U02-2024-2025.xlsx")
	fillDecisions(t, path, map[string][2]string{
		over.ID:    {"认可", "会议通知为三天，按申报认定"},
		foreign.ID: {"认可", ""},
	})
	path = viaLibreOffice(t, path)

	if _, code := c.run("import", "--kind", "resolutions", path); code != exitPartial {
		t.Errorf("import resolutions: exit %d, want %d (one row rejected)", code, exitPartial)
	}
	if _, code := c.run("reconcile", "--year", "2024-2025"); code != exitOK {
		t.Fatalf("reconcile: exit %d", code)
	}
	var lines []reconcile.LedgerLine
	c.runJSON(&lines, "ledger", over.StaffNo, "--year", "2024-2025")
	credited := false
	for _, l := range lines {
		if l.Credited == reconcile.H(12) && strings.Contains(l.Decision, "unit:U02") {
			credited = true
		}
	}
	if !credited {
		t.Errorf("after U02 accepted the overclaim, %s's ledger shows no 12-hour line decided by U02: %+v",
			over.StaffNo, lines)
	}
	var after []reconcile.Discrepancy
	c.runJSON(&after, "discrepancies", "--year", "2024-2025", "--status", "all")
	for _, d := range after {
		if d.ID == foreign.ID && d.Resolution != "" {
			t.Errorf("U02's workbook decided on U01's discrepancy %s", foreign.ID)
		}
	}
}

// fillDecisions writes decisions (处理意见, 备注) into the rows of the
// workbook's decisions sheet whose 编号 is a key of decide, adding rows
// for ids the sheet does not list.
func fillDecisions(t *testing.T, path string, decide map[string][2]string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const sheet = "差异清单"
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	hdr := -1
	col := map[string]int{}
	for i, r := range rows {
		if slices.Contains(r, "编号") && slices.Contains(r, "处理意见") {
			hdr = i
			for j, name := range r {
				col[name] = j + 1
			}
			break
		}
	}
	if hdr < 0 {
		t.Fatalf("%s: no header with 编号 and 处理意见", sheet)
	}
	set := func(row int, name, v string) {
		cell, _ := excelize.CoordinatesToCellName(col[name], row)
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	left := map[string][2]string{}
	for k, v := range decide {
		left[k] = v
	}
	for i := hdr + 1; i < len(rows); i++ {
		if idx := col["编号"] - 1; idx < len(rows[i]) {
			if d, ok := left[rows[i][idx]]; ok {
				set(i+1, "处理意见", d[0])
				set(i+1, "备注", d[1])
				delete(left, rows[i][idx])
			}
		}
	}
	next := len(rows) + 1
	for id, d := range left {
		set(next, "编号", id)
		set(next, "处理意见", d[0])
		set(next, "备注", d[1])
		next++
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}

// viaLibreOffice re-saves an .xlsx with LibreOffice, as a unit secretary's
// office suite would, and returns the new file; without LibreOffice it
// returns path unchanged.
func viaLibreOffice(t *testing.T, path string) string {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Log("soffice not found: importing the workbook as excelize saved it")
		return path
	}
	dir := filepath.Join(t.TempDir(), "lo")
	profile := "file://" + filepath.Join(t.TempDir(), "profile")
	cmd := exec.Command(soffice, "-env:UserInstallation="+profile, "--headless",
		"--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", dir, path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	return filepath.Join(dir, filepath.Base(path))
}

// exampleFiles returns the example inbox copied to a temporary folder,
// by kind.
func exampleFiles(t *testing.T) map[string][]string {
	t.Helper()
	dst := t.TempDir()
	copyTree(t, "../../examples/inbox", dst)
	files := map[string][]string{}
	_ = filepath.WalkDir(dst, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			rel, _ := filepath.Rel(dst, p)
			kind, _, _ := strings.Cut(rel, string(filepath.Separator))
			files[kind] = append(files[kind], p)
		}
		return nil
	})
	return files
}

// importAll imports every file, one command per kind (and per unit for
// unit sheets), roster and units first, and returns the highest exit
// status.
func (c cli) importAll(files map[string][]string) int {
	worst := exitOK
	for _, kind := range []string{"units", "roster", "attendance", "claims"} {
		_, code := c.run(append([]string{"import", "--kind", kind}, files[kind]...)...)
		worst = max(worst, code)
	}
	for _, f := range files["unit-sheet"] {
		unit := filepath.Base(filepath.Dir(f))
		_, code := c.run("import", "--kind", "unit-sheet", "--unit", unit, f)
		worst = max(worst, code)
	}
	return worst
}

func checkRejects(t *testing.T, c cli, want exampleExpectations) {
	t.Helper()
	var imported []struct {
		File     string `json:"file"`
		Rejected int    `json:"rejected"`
		Rejects  []struct {
			Sheet, Column, Code, Message string
			Row                          int
		} `json:"rejects"`
	}
	c.runJSON(&imported, "imports", "--rejected")
	var codes []string
	for _, f := range imported {
		for _, r := range f.Rejects {
			if r.Row == 0 || r.Column == "" || r.Message == "" {
				t.Errorf("%s: reject without position or message: %+v", f.File, r)
			}
			codes = append(codes, r.Code)
		}
	}
	var wantCodes []string
	for _, cs := range want.Cases {
		if cs.Reject != "" {
			wantCodes = append(wantCodes, cs.Reject)
		}
	}
	slices.Sort(codes)
	slices.Sort(wantCodes)
	if !slices.Equal(codes, wantCodes) {
		t.Errorf("rejects %v, want %v", codes, wantCodes)
	}
}

func checkStandings(t *testing.T, c cli, want exampleExpectations) {
	t.Helper()
	var got []reconcile.Standing
	c.runJSON(&got, "standings", "--year", "2024-2025")
	byNo := map[string]reconcile.Standing{}
	for _, s := range got {
		byNo[s.StaffNo] = s
	}
	if len(got) != len(want.Standings) {
		t.Errorf("%d standings, want %d", len(got), len(want.Standings))
	}
	for _, w := range want.Standings {
		s, ok := byNo[w.StaffNo]
		if !ok {
			t.Errorf("%s: no standing", w.StaffNo)
			continue
		}
		gotFields := []string{string(s.Status), string(s.IfConfirmed), s.Hours.A.String(), s.Hours.B.String(),
			s.Hours.C.String(), s.Hours.Total.String(), s.Pending.Total.String(), s.Capped.String(),
			s.Missing.Total.String(), s.Missing.A.String(), s.Missing.BC.String()}
		wantFields := []string{w.Status, w.IfConfirmed, w.Hours["A"], w.Hours["B"], w.Hours["C"],
			w.Hours["total"], w.Pending["total"], w.Capped, zero(w.Missing["total"]), zero(w.Missing["A"]),
			zero(w.Missing["BC"])}
		if !slices.Equal(gotFields, wantFields) || s.WholeYear != w.WholeYear {
			t.Errorf("%s: got %v whole=%v, want %v whole=%v", w.StaffNo, gotFields, s.WholeYear, wantFields, w.WholeYear)
		}
	}
}

func checkDiscrepancies(t *testing.T, c cli, want exampleExpectations) []reconcile.Discrepancy {
	t.Helper()
	var got []reconcile.Discrepancy
	c.runJSON(&got, "discrepancies", "--year", "2024-2025", "--status", "all")
	has := func(staffNo string, code reconcile.FlagCode) bool {
		return slices.ContainsFunc(got, func(d reconcile.Discrepancy) bool {
			return (staffNo == "" || d.StaffNo == staffNo) && d.Code == code
		})
	}
	for _, cs := range want.Cases {
		if cs.Year != "2024-2025" {
			continue
		}
		for _, f := range cs.Flags {
			if f == reconcile.FlagCapped || f == reconcile.FlagCrossYear {
				continue // notes on the ledger, not discrepancies to act on
			}
			if !has(cs.StaffNo, f) {
				t.Errorf("case %s: no %s discrepancy for %q", cs.ID, f, cs.StaffNo)
			}
		}
	}
	for _, d := range got {
		if d.ID == "" || d.Message == "" || len(d.Sources) == 0 || d.FirstSeen.IsZero() {
			t.Errorf("discrepancy lacks id, message, sources or first seen: %+v", d)
		}
	}
	return got
}

// zero reads an hours field that expected.json leaves out (as it does for
// what an exempt person misses) as 0.
func zero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}
