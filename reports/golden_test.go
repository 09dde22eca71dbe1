package reports

import (
	"archive/zip"
	"bytes"
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"cehours/internal/mail"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// checkGolden compares got with testdata/name, or rewrites the file with
// -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test ./reports -update to create it): %v", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs from the golden file at line %d:\n got: %s\nwant: %s",
					name, i+1, g, w)
			}
		}
	}
}

// dumpWorkbook describes a workbook as values: for each sheet in order its
// name, frozen panes, filter, protection, drop-downs and drawing; every
// non-empty cell with "#" before a number (dates are numbers shown with a
// date format), its number format when not General and "{unlocked}" on a
// cell a protected sheet leaves editable; then each chart's type and
// data references.
func dumpWorkbook(t *testing.T, data []byte) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("open workbook: %v", err)
	}
	defer f.Close()
	parts := zipParts(t, data)
	var b strings.Builder
	ids := f.GetSheetMap()
	for _, name := range f.GetSheetList() {
		var id int
		for k, v := range ids {
			if v == name {
				id = k
			}
		}
		fmt.Fprintf(&b, "== sheet %s\n", name)
		dumpSheetXML(&b, parts[fmt.Sprintf("xl/worksheets/sheet%d.xml", id)])
		dumpCells(t, &b, f, name)
	}
	var charts []string
	for p := range parts {
		if strings.HasPrefix(p, "xl/charts/chart") {
			charts = append(charts, p)
		}
	}
	slices.Sort(charts)
	for _, p := range charts {
		x := parts[p]
		kind := regexp.MustCompile(`<(?:c:)?(\w+Chart)>`).FindStringSubmatch(x)
		dir := regexp.MustCompile(`<(?:c:)?barDir val="(\w+)"`).FindStringSubmatch(x)
		refs := regexp.MustCompile(`<(?:c:)?f>([^<]+)</(?:c:)?f>`).FindAllStringSubmatch(x, -1)
		fmt.Fprintf(&b, "== chart %s: %s", p, kind[1])
		if dir != nil {
			fmt.Fprintf(&b, " dir=%s", dir[1])
		}
		for _, r := range refs {
			fmt.Fprintf(&b, " %s", html.UnescapeString(r[1]))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// zipParts reads every XML part of an .xlsx.
func zipParts(t *testing.T, data []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("open workbook zip: %v", err)
	}
	parts := map[string]string{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		x, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		parts[zf.Name] = string(x)
	}
	return parts
}

// dumpSheetXML states the sheet settings that matter to the people who
// use it, as the worksheet XML holds them.
func dumpSheetXML(b *strings.Builder, x string) {
	if a := xmlAttrs(x, "pane"); a["state"] == "frozen" {
		fmt.Fprintf(b, "frozen: %s rows, top left %s\n", a["ySplit"], a["topLeftCell"])
	}
	if a := xmlAttrs(x, "autoFilter"); a != nil {
		fmt.Fprintf(b, "filter: %s\n", a["ref"])
	}
	if a := xmlAttrs(x, "sheetProtection"); a != nil {
		fmt.Fprintf(b, "protected: sheet=%s selectLockedCells=%s autoFilter=%s formatColumns=%s\n",
			a["sheet"], a["selectLockedCells"], a["autoFilter"], a["formatColumns"])
	}
	for _, m := range regexp.MustCompile(`<dataValidation ([^>]*)>.*?<formula1>([^<]*)</formula1>`).
		FindAllStringSubmatch(x, -1) {
		a := xmlAttrs("<v "+m[1]+">", "v")
		fmt.Fprintf(b, "validation: %s %s %s\n", a["type"], a["sqref"], html.UnescapeString(m[2]))
	}
	if strings.Contains(x, "<drawing ") {
		b.WriteString("drawing: yes\n")
	}
	for _, m := range regexp.MustCompile(`<mergeCell ref="([^"]+)"`).FindAllStringSubmatch(x, -1) {
		fmt.Fprintf(b, "merged: %s\n", m[1])
	}
}

// xmlAttrs returns the attributes of the first element called name in x,
// or nil when there is none.
func xmlAttrs(x, name string) map[string]string {
	m := regexp.MustCompile(`<` + name + `(\s[^>]*)?/?>`).FindStringSubmatch(x)
	if m == nil {
		return nil
	}
	attrs := map[string]string{}
	for _, a := range regexp.MustCompile(`([\w:]+)="([^"]*)"`).FindAllStringSubmatch(m[1], -1) {
		attrs[a[1]] = a[2]
	}
	return attrs
}

// dumpCells writes the non-empty cells of a sheet, one row a line.
func dumpCells(t *testing.T, b *strings.Builder, f *excelize.File, sheet string) {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for r, row := range rows {
		var cells []string
		for c, v := range row {
			if v == "" {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			cells = append(cells, cell+"="+cellText(t, f, sheet, cell, v))
		}
		if len(cells) > 0 {
			fmt.Fprintf(b, "%d: %s\n", r+1, strings.Join(cells, " | "))
		}
	}
}

// cellText marks a cell's type, number format and protection.
func cellText(t *testing.T, f *excelize.File, sheet, cell, v string) string {
	t.Helper()
	typ, err := f.GetCellType(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	if typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
		v = "#" + v
	}
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt != nil {
		v += "{" + *st.CustomNumFmt + "}"
	}
	if st.Protection != nil && !st.Protection.Locked {
		v += "{unlocked}"
	}
	return v
}

// dumpMessage describes a message: its headers, its attachments and both
// bodies.
func dumpMessage(m mail.Message) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Key: %s\nKind: %s\n", m.Key, m.Kind)
	for _, a := range m.To {
		fmt.Fprintf(&b, "To: %s <%s>\n", a.Name, a.Email)
	}
	fmt.Fprintf(&b, "Subject: %s\n", m.Subject)
	for _, a := range m.Attachments {
		fmt.Fprintf(&b, "Attachment: %s | %s | %s | non-empty=%v\n",
			a.Filename, a.Name, a.ContentType, len(a.Data) > 0)
	}
	fmt.Fprintf(&b, "--- text\n%s\n--- html\n%s", m.Text, m.HTML)
	return b.String()
}
