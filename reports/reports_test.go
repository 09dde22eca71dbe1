package reports

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"cehours/internal/mail"
	"cehours/reconcile"
)

func TestWorkbooksGolden(t *testing.T) {
	emptyUnit := UnitReport{Unit: fixU02, Year: fixYear, Today: fixToday}
	noPrevious := fixDigest()
	noPrevious.Previous, noPrevious.Dead, noPrevious.BecameCompliant = reconcile.Date{}, nil, nil
	for i := range noPrevious.Units {
		noPrevious.Units[i].Previous = nil
	}
	tests := []struct {
		name  string
		build func() ([]byte, error)
	}{
		{"digest", func() ([]byte, error) { return DigestWorkbook(fixDigest()) }},
		{"unit", func() ([]byte, error) { return UnitWorkbook(fixUnitReport()) }},
		{"unit-empty", func() ([]byte, error) { return UnitWorkbook(emptyUnit) }},
		{"form", func() ([]byte, error) { return FormWorkbook(fixForm()) }},
		{"unit-forms", func() ([]byte, error) {
			other := Form{Staff: reconcile.Staff{No: "20210007", Name: "刘洋", UnitCode: "U01"},
				UnitName: "基础医学院", Year: fixYear, Today: fixToday}
			return UnitFormWorkbook(fixU01, fixYear, []Form{fixForm(), other})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := tt.build()
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.name+".xlsx.golden", dumpWorkbook(t, data))
		})
	}
}

func TestMessagesGolden(t *testing.T) {
	compliant := fixReminder()
	compliant.Standing.Status, compliant.Standing.IfConfirmed = reconcile.StandingCompliant, reconcile.StandingCompliant
	compliant.Standing.Hours = hours(7000, 1000, 1000)
	compliant.Standing.Missing = reconcile.Missing{}
	compliant.Lines = compliant.Lines[1:3]
	compliant.Contact = ""
	firstDigest := fixDigest()
	firstDigest.Previous, firstDigest.Dead = reconcile.Date{}, nil
	for i := range firstDigest.Units {
		firstDigest.Units[i].Previous = nil
	}
	firstDigest.Today = reconcile.NewDate(2025, time.September, 2)
	tests := []struct {
		name  string
		build func() (mail.Message, error)
	}{
		{"digest", func() (mail.Message, error) { return DigestMessage(fixDigest()) }},
		{"digest-first-late", func() (mail.Message, error) { return DigestMessage(firstDigest) }},
		{"unit", func() (mail.Message, error) { return UnitMessage(fixUnitReport()) }},
		{"reminder-short", func() (mail.Message, error) { return ReminderMessage(fixReminder()) }},
		{"reminder-discrepancy", func() (mail.Message, error) { return ReminderMessage(compliant) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := tt.build()
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.name+".mail.golden", dumpMessage(m))
			for _, bad := range []string{"<script", "class=", "<style", "<link", "javascript:"} {
				if strings.Contains(m.HTML, bad) {
					t.Errorf("HTML body contains %q, which Chinese webmail strips or blocks", bad)
				}
			}
			for _, a := range m.Attachments {
				if !isASCII(a.Filename) || a.Name == "" {
					t.Errorf("attachment %q / %q: want an ASCII file name and a Chinese name",
						a.Filename, a.Name)
				}
			}
		})
	}
}

func isASCII(s string) bool {
	for _, r := range s {
		if r > 126 || r < 32 {
			return false
		}
	}
	return true
}

// TestReminderHoldsOnlyItsRecipient checks that nobody else's name or
// number reaches a reminder built from the shared fixtures.
func TestReminderHoldsOnlyItsRecipient(t *testing.T) {
	m, err := ReminderMessage(fixReminder())
	if err != nil {
		t.Fatal(err)
	}
	for _, other := range []string{"刘洋", "20210007", "陈静", "20190102"} {
		if strings.Contains(m.Text+m.HTML+m.Subject, other) {
			t.Errorf("reminder of 20230001 mentions %q", other)
		}
	}
}

func TestScope(t *testing.T) {
	tests := []struct {
		name  string
		build func() error
	}{
		{"unit discrepancy of another unit", func() error {
			r := fixUnitReport()
			r.Discrepancies[0].UnitCode = "U02"
			_, err := UnitMessage(r)
			return err
		}},
		{"unit standing of another unit", func() error {
			r := fixUnitReport()
			r.Short = append(r.Short, fixShort()[0])
			_, err := UnitWorkbook(r)
			return err
		}},
		{"unit attendance of another unit", func() error {
			r := fixUnitReport()
			r.Unclaimed[0].UnitCode = "U02"
			_, err := UnitWorkbook(r)
			return err
		}},
		{"unit rejected row of another unit", func() error {
			r := fixUnitReport()
			r.Rejected[0].UnitCode = ""
			_, err := UnitWorkbook(r)
			return err
		}},
		{"reminder line of another person", func() error {
			r := fixReminder()
			r.Lines[2].StaffNo = "20210007"
			_, err := ReminderMessage(r)
			return err
		}},
		{"reminder discrepancy of another person", func() error {
			r := fixReminder()
			r.Discrepancies[0].StaffNo = "20210007"
			_, err := ReminderMessage(r)
			return err
		}},
		{"reminder standing of another person", func() error {
			r := fixReminder()
			r.Standing = fixShort()[0]
			_, err := ReminderMessage(r)
			return err
		}},
		{"form line of another person", func() error {
			f := fixForm()
			f.Lines[0].StaffNo = "20210007"
			_, err := FormWorkbook(f)
			return err
		}},
		{"unit forms of another unit's person", func() error {
			f := fixForm()
			f.Staff.UnitCode = "U02"
			_, err := UnitFormWorkbook(fixU01, fixYear, []Form{f})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.build(); !errors.Is(err, ErrScope) {
				t.Fatalf("got error %v, want ErrScope", err)
			}
		})
	}
}

// TestResolutionLayout reads a unit workbook back the way the importer of
// returned workbooks does: the sheet by name, the columns by header.
func TestResolutionLayout(t *testing.T) {
	data, err := UnitWorkbook(fixUnitReport())
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(ResolutionSheet)
	if err != nil {
		t.Fatal(err)
	}
	id := slices.Index(rows[0], ResolutionIDHeader)
	decision := slices.Index(rows[0], ResolutionHeader)
	note := slices.Index(rows[0], ResolutionNote)
	if id < 0 || decision < 0 || note < 0 {
		t.Fatalf("header %q lacks 编号, 处理意见 or 备注", rows[0])
	}
	if len(rows) != 4 {
		t.Fatalf("got %d rows, want the header and 3 discrepancies", len(rows))
	}
	i := slices.IndexFunc(rows, func(r []string) bool { return r[id] == "D-00000000000000c3" })
	if i < 0 || len(rows[i]) <= decision {
		t.Fatalf("resolved discrepancy missing or without a decision: %q", rows)
	}
	if got := rows[i][decision]; got != DecisionAccept {
		t.Errorf("resolved discrepancy: 处理意见 %q, want the recorded decision %q", got, DecisionAccept)
	}
	dvs, err := f.GetDataValidations(ResolutionSheet)
	if err != nil {
		t.Fatal(err)
	}
	col, _ := excelize.ColumnNumberToName(decision + 1)
	if len(dvs) != 1 || dvs[0].Sqref != col+"2:"+col+"4" ||
		dvs[0].Formula1 != `"`+strings.Join(Resolutions, ",")+`"` {
		t.Errorf("drop-down: got %+v, want a list of %v over %s2:%s4", dvs, Resolutions, col, col)
	}
}

func TestSheetName(t *testing.T) {
	used := map[string]bool{"汇总": true}
	tests := []struct{ in, want string }{
		{"张伟-20230001", "张伟-20230001"},
		{"张伟-20230001", "张伟-20230001(2)"},
		{"汇总", "汇总(2)"},
		{"a/b:c*d?[e]", "a_b_c_d__e_"},
		{strings.Repeat("长", 40), strings.Repeat("长", 31)},
		{strings.Repeat("长", 40), strings.Repeat("长", 28) + "(2)"},
		{"  ", "(2)"},
	}
	for _, tt := range tests {
		if got := sheetName(tt.in, used); got != tt.want {
			t.Errorf("sheetName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDaysLeft(t *testing.T) {
	deadline := reconcile.NewDate(2025, time.August, 31)
	tests := []struct {
		name string
		day  reconcile.Date
		want string
	}{
		{"before", reconcile.NewDate(2025, time.August, 4), "距8月31日截止还有 27 天"},
		{"on the day", deadline, "今天（8月31日）截止"},
		{"after", reconcile.NewDate(2025, time.September, 2), "已过8月31日截止 2 天"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := daysLeft(tt.day, deadline); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestLibreOfficeOpens converts the unit workbook and the digest workbook
// to PDF with LibreOffice, the way a user would meet a broken file.
func TestLibreOfficeOpens(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice (LibreOffice) is not installed: workbooks not rendered")
	}
	if testing.Short() {
		t.Skip("rendering with LibreOffice takes seconds: skipped in -short mode")
	}
	dir := t.TempDir()
	unit, err := UnitWorkbook(fixUnitReport())
	if err != nil {
		t.Fatal(err)
	}
	digest, err := DigestWorkbook(fixDigest())
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"unit.xlsx": unit, "digest.xlsx": digest}
	args := []string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"),
		"--headless", "--convert-to", "pdf", "--outdir", dir}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, filepath.Join(dir, name))
	}
	out, err := exec.Command(soffice, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	for name := range files {
		pdf, err := os.ReadFile(filepath.Join(dir, strings.TrimSuffix(name, ".xlsx")+".pdf"))
		if err != nil {
			t.Fatalf("%s was not converted: %v\n%s", name, err, out)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF")) || len(pdf) < 2000 {
			t.Errorf("%s: got %d bytes that are not a PDF", name, len(pdf))
		}
	}
}
