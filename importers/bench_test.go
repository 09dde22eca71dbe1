package importers

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"cehours/internal/store"
	"cehours/internal/store/storetest"
	"cehours/reconcile"
)

// The benchmark's generated university: 20,000 staff in 50 units, and a
// 200,000-row attendance list of 2,000 events.
const (
	benchRows   = 200_000
	benchStaff  = 20_000
	benchUnits  = 50
	benchEvents = 2_000
)

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

// benchFiles generates, once per process, the roster, the units and the
// attendance list as .xlsx (with a shared-string table, as Excel and WPS
// write it) and as .csv, in a temporary folder that TestMain removes.
func benchFiles(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "cehours-bench-")
		if benchErr == nil {
			benchErr = writeBenchFiles(benchDir)
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		_ = os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func benchName(i int) string { return fmt.Sprintf("教师%05d", i) }
func benchUnit(i int) string { return fmt.Sprintf("第%02d学院", i%benchUnits) }

func writeBenchFiles(dir string) error {
	units := "单位编码,单位名称,负责人,负责人邮箱\n"
	for u := range benchUnits {
		units += fmt.Sprintf("U%02d,第%02d学院,负责人%02d,head%02d@wmu.edu.cn\n", u, u, u, u)
	}
	if err := os.WriteFile(filepath.Join(dir, "units.csv"), []byte(units), 0o600); err != nil {
		return err
	}
	roster, err := os.Create(filepath.Join(dir, "roster.csv"))
	if err != nil {
		return err
	}
	w := bufio.NewWriter(roster)
	fmt.Fprintln(w, "工号,姓名,单位,人员类别,邮箱")
	for i := range benchStaff {
		fmt.Fprintf(w, "%d,%s,%s,教师,t%d@wmu.edu.cn\n", 100000+i, benchName(i), benchUnit(i), i)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	roster.Close()
	if err := writeBenchCSV(filepath.Join(dir, "attendance.csv")); err != nil {
		return err
	}
	return writeBenchXLSX(filepath.Join(dir, "attendance.xlsx"))
}

// benchRow returns the values of data row i: staff number, name, unit,
// type, title, date serial and text, hours, category.
func benchRow(i int) (no int, name, unit string, typ int, title string, serial int, date string, cat string) {
	p := i % benchStaff
	e := i % benchEvents
	day := e % 300
	d := reconcile.NewDate(2024, 9, 1).AddDays(day)
	cats := []string{"A", "B", "C"}
	return 100000 + p, benchName(p), benchUnit(p), 1 + e%18, fmt.Sprintf("第%04d期教学能力培训讲座", e),
		45536 + day, d.String(), cats[e%3]
}

func writeBenchCSV(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "工号,姓名,单位,项目序号,活动名称,日期,学时,科目类型,角色,备注")
	for i := range benchRows {
		no, name, unit, typ, title, _, date, cat := benchRow(i)
		fmt.Fprintf(w, "%d,%s,%s,%d,%s,%s,4,%s,参加,已签到\n", no, name, unit, typ, title, date, cat)
	}
	return w.Flush()
}

// writeBenchXLSX writes the workbook part by part: the sheet refers to
// its strings by index into xl/sharedStrings.xml, and dates are serials
// in a date-formatted style.
func writeBenchXLSX(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	z := zip.NewWriter(f)
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	const rns = `xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	parts := map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook ` + ns + ` ` + rns + `><sheets><sheet name="签到表" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
		"xl/styles.xml":              `<?xml version="1.0" encoding="UTF-8"?><styleSheet ` + ns + `><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>`,
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
		"xl/_rels/workbook.xml.rels", "xl/styles.xml"} {
		w, err := z.Create(name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, parts[name]); err != nil {
			return err
		}
	}

	// The sheet, collecting the shared strings as it goes.
	sst := map[string]int{}
	var order []string
	idx := func(s string) int {
		i, ok := sst[s]
		if !ok {
			i = len(order)
			sst[s] = i
			order = append(order, s)
		}
		return i
	}
	refs := 0
	w, err := z.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8"?><worksheet %s><sheetData>`, ns)
	str := func(col string, row int, s string) {
		refs++
		fmt.Fprintf(bw, `<c r="%s%d" t="s"><v>%d</v></c>`, col, row, idx(s))
	}
	num := func(col string, row, v int, style string) {
		fmt.Fprintf(bw, `<c r="%s%d"%s><v>%d</v></c>`, col, row, style, v)
	}
	fmt.Fprint(bw, `<row r="1">`)
	str("A", 1, "2024-2025学年教师发展中心培训签到汇总")
	fmt.Fprint(bw, `</row><row r="2">`)
	for i, h := range []string{"工号", "姓名", "单位", "项目序号", "活动名称", "日期", "学时", "科目类型", "角色", "备注"} {
		str(string(rune('A'+i)), 2, h)
	}
	fmt.Fprint(bw, `</row>`)
	for i := range benchRows {
		r := i + 3
		no, name, unit, typ, title, serial, _, cat := benchRow(i)
		fmt.Fprintf(bw, `<row r="%d">`, r)
		num("A", r, no, "")
		str("B", r, name)
		str("C", r, unit)
		num("D", r, typ, "")
		str("E", r, title)
		num("F", r, serial, ` s="1"`)
		num("G", r, 4, "")
		str("H", r, cat)
		str("I", r, "参加")
		str("J", r, "已签到")
		_, _ = bw.WriteString(`</row>`)
	}
	fmt.Fprint(bw, `</sheetData></worksheet>`)
	if err := bw.Flush(); err != nil {
		return err
	}
	w, err = z.Create("xl/sharedStrings.xml")
	if err != nil {
		return err
	}
	bw = bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8"?><sst %s count="%d" uniqueCount="%d">`, ns, refs, len(order))
	for _, s := range order {
		_, _ = bw.WriteString("<si><t>")
		_ = xml.EscapeText(bw, []byte(s))
		_, _ = bw.WriteString("</t></si>")
	}
	_, _ = bw.WriteString("</sst>")
	if err := bw.Flush(); err != nil {
		return err
	}
	return z.Close()
}

// BenchmarkXMLTokenScan is the reference: unzip the sheet and walk every
// token with encoding/xml, doing nothing with them.
func BenchmarkXMLTokenScan(b *testing.B) {
	path := filepath.Join(benchFiles(b), "attendance.xlsx")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		zr, err := zip.OpenReader(path)
		if err != nil {
			b.Fatal(err)
		}
		var sheet *zip.File
		for _, f := range zr.File {
			if f.Name == "xl/worksheets/sheet1.xml" {
				sheet = f
			}
		}
		rc, err := sheet.Open()
		if err != nil {
			b.Fatal(err)
		}
		d := xml.NewDecoder(rc)
		for {
			if _, err := d.Token(); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
		rc.Close()
		_ = zr.Close()
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkParse reads the attendance list into records, without a store.
func BenchmarkParse(b *testing.B) {
	dir := benchFiles(b)
	b.ResetTimer()
	for _, ext := range []string{"xlsx", "csv"} {
		b.Run(ext, func(b *testing.B) {
			data, err := os.ReadFile(filepath.Join(dir, "attendance."+ext))
			if err != nil {
				b.Fatal(err)
			}
			dirc := benchDirectory(b, dir)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var n countSink
				sum, err := Parse(context.Background(), "attendance."+ext, data,
					Options{Kind: reconcile.KindAttendance, Directory: dirc}, &n)
				if err != nil || sum.Stored != benchRows || sum.Rejected != 0 {
					b.Fatalf("parse: %+v, %v", sum, err)
				}
			}
			b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// benchDirectory parses the generated roster and units.
func benchDirectory(b *testing.B, dir string) *MemDirectory {
	var units, roster Collector
	for _, f := range []struct {
		name string
		kind reconcile.SourceKind
		sink *Collector
		dir  Directory
	}{{"units.csv", reconcile.KindUnits, &units, nil}, {"roster.csv", reconcile.KindRoster, &roster, nil}} {
		data, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil {
			b.Fatal(err)
		}
		opts := Options{Kind: f.kind, Directory: NewDirectory(nil, units.Units)}
		if _, err := Parse(context.Background(), f.name, data, opts, f.sink); err != nil {
			b.Fatal(err)
		}
	}
	return NewDirectory(roster.People, units.Units)
}

// countSink counts what it is handed.
type countSink struct{ n int }

func (c *countSink) Record(reconcile.Record) error   { c.n++; return nil }
func (c *countSink) Person(reconcile.Staff) error    { c.n++; return nil }
func (c *countSink) Unit(reconcile.Unit) error       { c.n++; return nil }
func (c *countSink) Total(reconcile.UnitTotal) error { c.n++; return nil }
func (c *countSink) Reject(*RowError) error          { c.n++; return nil }

// BenchmarkImport imports the attendance list, as .xlsx and as .csv, into
// a fresh SQLite file and a fresh MariaDB database (when
// CEHOURS_TEST_MYSQL_DSN is set) that already hold the roster and units.
func BenchmarkImport(b *testing.B) {
	dir := benchFiles(b)
	stores := []struct {
		name string
		open func(testing.TB) *store.Store
	}{{"sqlite", storetest.SQLite}, {"mysql", storetest.MySQL}}
	for _, st := range stores {
		for _, ext := range []string{"xlsx", "csv"} {
			b.Run(st.name+"/"+ext, func(b *testing.B) {
				var rows int
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					s := st.open(b)
					im := &Importer{Store: s}
					for _, f := range []struct {
						name string
						kind reconcile.SourceKind
					}{{"units.csv", reconcile.KindUnits}, {"roster.csv", reconcile.KindRoster}} {
						if _, err := im.Import(context.Background(), filepath.Join(dir, f.name), f.kind, ""); err != nil {
							b.Fatal(err)
						}
					}
					b.StartTimer()
					out, err := im.Import(context.Background(), filepath.Join(dir, "attendance."+ext),
						reconcile.KindAttendance, "")
					if err != nil || out.Failed != nil || out.File.Stored != benchRows {
						b.Fatalf("import: %+v, %v", out, err)
					}
					rows += out.File.Stored
					b.StopTimer()
					_ = s.Close()
					b.StartTimer()
				}
				b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}
