// Command gen writes the example university under examples/: the inbox
// files an HR office, six units and the event organisers would send, and
// expected.json with the outcome each deliberate mistake must produce.
//
// It builds every file from a fixed seed, writes the workbooks as flat
// OpenDocument (.fods) and converts them with LibreOffice, so the .xlsx
// files are what LibreOffice writes; the GBK csv is written the way Excel
// on a Chinese Windows saves one. Run it from the repository root:
//
//	go run ./examples/gen
//
// It needs soffice (LibreOffice) on PATH, or -soffice. Re-running it
// gives the same files byte for byte: the zip entries of each .xlsx are
// given the workbook's saved time instead of the conversion's.
package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"cehours/reconcile"
)

// seed makes the example university the same on every run.
const seed = 20250901

func main() {
	dir := flag.String("dir", "examples", "the examples folder to write (inbox/ and expected.json)")
	soffice := flag.String("soffice", "soffice", "the LibreOffice binary")
	flag.Parse()
	if err := run(*dir, *soffice); err != nil {
		slog.Error("generate examples", "error", err)
		os.Exit(1)
	}
}

func run(dir, soffice string) error {
	start := time.Now()
	w := &world{rng: rand.New(rand.NewPCG(seed, seed)), used: map[string]bool{}}
	w.People = roster(w.rng)
	assignHeads(w.People)
	cases := w.deliberate()
	w.background()
	totals := w.standings(2024)
	outs := w.outputs(totals)

	// Write every file into a fresh inbox.
	inbox := filepath.Join(dir, "inbox")
	if err := os.RemoveAll(inbox); err != nil {
		return fmt.Errorf("clear inbox: %w", err)
	}
	tmp, err := os.MkdirTemp("", "cehours-examples-")
	if err != nil {
		return fmt.Errorf("temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	var jobs []convertJob
	for _, o := range outs {
		dst := filepath.Join(inbox, o.Path)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return fmt.Errorf("create %s: %w", filepath.Dir(dst), err)
		}
		if o.Book == nil {
			if err := writeCSV(dst, o.CSV, o.GBK); err != nil {
				return err
			}
			continue
		}
		src := filepath.Join(tmp, "src", strings.TrimSuffix(filepath.Base(o.Path), ".xlsx")+".fods")
		if err := os.MkdirAll(filepath.Dir(src), 0o755); err != nil {
			return fmt.Errorf("create %s: %w", filepath.Dir(src), err)
		}
		if err := os.WriteFile(src, o.Book.fods(), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", src, err)
		}
		jobs = append(jobs, convertJob{src: src, dst: dst, saved: o.Book.Saved})
	}
	if err := convertAll(soffice, tmp, jobs); err != nil {
		return err
	}

	// The expected outcomes, with the rows each case is about.
	if err := writeExpected(filepath.Join(dir, "expected.json"), w, cases, totals); err != nil {
		return err
	}
	if err := writeReadmeTable(filepath.Join(dir, "README.md"), cases); err != nil {
		return err
	}
	slog.Info("examples written", "files", len(outs), "staff", len(w.People),
		"activities", len(w.Activities), "cases", len(cases), "duration", time.Since(start).Round(time.Millisecond))
	return nil
}

type convertJob struct {
	src, dst string
	saved    time.Time
}

// convertAll converts the .fods files with two LibreOffice processes at
// once, each given its share of the files in one call and its own profile
// directory (two processes sharing a profile block each other).
func convertAll(soffice, tmp string, jobs []convertJob) error {
	const workers = 2
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for n := range workers {
		var mine []convertJob
		for i := n; i < len(jobs); i += workers {
			mine = append(mine, jobs[i])
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			profile := "file://" + filepath.Join(tmp, fmt.Sprintf("lo-profile-%d", n))
			errs[n] = convert(soffice, profile, filepath.Join(tmp, fmt.Sprintf("out-%d", n)), mine)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// convert runs one LibreOffice over jobs, then gives each .xlsx fixed zip
// times and moves it to its place in the inbox.
func convert(soffice, profile, outDir string, jobs []convertJob) error {
	args := []string{"--headless", "-env:UserInstallation=" + profile,
		"--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", outDir}
	for _, j := range jobs {
		args = append(args, j.src)
	}
	cmd := exec.Command(soffice, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("convert with %s: %w: %s", soffice, err, out.String())
	}
	for _, j := range jobs {
		got := filepath.Join(outDir, xlsxName(j.src))
		if err := normaliseZip(got, j.saved); err != nil {
			return fmt.Errorf("convert %s: %w (soffice said: %s)", filepath.Base(j.src), err, out.String())
		}
		data, err := os.ReadFile(got)
		if err != nil {
			return fmt.Errorf("convert %s: %w", filepath.Base(j.src), err)
		}
		if err := os.WriteFile(j.dst, data, 0o644); err != nil {
			return fmt.Errorf("convert %s: %w", filepath.Base(j.src), err)
		}
	}
	return nil
}

// expectedFile is examples/expected.json.
type expectedFile struct {
	Today       string            `json:"today"`
	Note        string            `json:"note"`
	Cases       []*expectCase     `json:"cases"`
	Standings   []*expectStanding `json:"standings_2024_2025"`
	CurrentYear []*expectStanding `json:"standings_2025_2026_hours"`
}

func writeExpected(path string, w *world, cases []*expectCase, totals []*expectStanding) error {
	for _, c := range cases {
		fillCase(c, w)
	}
	// The year in progress: hours only, of the people still employed.
	var current []*expectStanding
	for _, s := range w.standings(2025) {
		if left := w.personByNo(s.StaffNo).Left; !left.IsZero() && left.Before(reconcile.Year(2025).Start()) {
			continue
		}
		s.Status, s.IfConfirmed, s.Missing = "", "", nil // they depend on the pace; see README
		current = append(current, s)
	}
	f := expectedFile{
		Today: "2025-08-20",
		Note: "Outcomes of `cehours --today 2025-08-20 once` on examples/inbox. Rows are 1-based " +
			"spreadsheet rows (csv: line numbers). Standings list credited hours; 2025-2026 gives hours only.",
		Cases: cases, Standings: totals, CurrentYear: current,
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("write expected: %w", err)
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// fillCase completes a case from its activities: who, which year, and the
// rows that report it.
func fillCase(c *expectCase, w *world) {
	if len(c.acts) == 0 {
		return
	}
	a := c.acts[0]
	if c.ID == "shared-evidence" {
		for _, x := range c.acts {
			c.Note += fmt.Sprintf("; %s %s (%s)", x.P.No, x.P.Name, x.P.UnitCode)
		}
	} else {
		c.StaffNo, c.Name, c.Unit = a.P.No, a.P.Name, a.P.UnitCode
	}
	if c.Year == "" {
		c.Year = a.Year.String()
	}
	if c.ID == "unit-total-mismatch" {
		c.Rows = append(c.Rows, w.u03Ref)
		return
	}
	if c.Standing != "" {
		return // a person-year case: the standing, not rows
	}
	for _, x := range c.acts {
		for _, s := range x.Sources {
			c.Rows = append(c.Rows, s.ref)
			if s.Twice {
				c.Rows = append(c.Rows, s.ref2)
			}
		}
	}
	slices.SortStableFunc(c.Rows, func(x, y rowRef) int {
		return cmp.Or(strings.Compare(x.File, y.File), cmp.Compare(x.Row, y.Row))
	})
}

const (
	tableBegin = "<!-- cases:begin (written by go run ./examples/gen) -->"
	tableEnd   = "<!-- cases:end -->"
)

// writeReadmeTable replaces the case table between its markers in the
// README, so that the table always matches the data.
func writeReadmeTable(path string, cases []*expectCase) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("readme: %w", err)
	}
	text := string(data)
	i, j := strings.Index(text, tableBegin), strings.Index(text, tableEnd)
	if i < 0 || j < i {
		return fmt.Errorf("readme: markers %q and %q not found", tableBegin, tableEnd)
	}
	var b strings.Builder
	b.WriteString(tableBegin + "\n\n")
	b.WriteString("| case | what | who | expected | rows |\n|---|---|---|---|---|\n")
	for _, c := range cases {
		who := ""
		if c.StaffNo != "" {
			who = c.StaffNo + " " + c.Name
		}
		if c.Unit != "" {
			who += " (" + c.Unit + ")"
		}
		var exp []string
		if c.Reject != "" {
			exp = append(exp, "rejected `"+c.Reject+"`")
		}
		if c.Status != "" {
			exp = append(exp, "`"+string(c.Status)+"`")
		}
		for _, f := range c.Flags {
			exp = append(exp, "flag `"+string(f)+"`")
		}
		if c.Credited != "" {
			exp = append(exp, "credited "+c.Credited)
		}
		if c.Standing != "" {
			exp = append(exp, c.Year+" standing `"+c.Standing+"`")
		}
		if c.Note != "" {
			exp = append(exp, c.Note)
		}
		var rows []string
		for _, r := range c.Rows {
			rows = append(rows, fmt.Sprintf("%s:%d", r.File, r.Row))
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", c.ID, c.What, who,
			strings.Join(exp, "; "), strings.Join(rows, "<br>"))
	}
	b.WriteString("\n")
	text = text[:i] + b.String() + text[j:]
	return os.WriteFile(path, []byte(text), 0o644)
}
