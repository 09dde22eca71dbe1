package main

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"cehours/reconcile"
)

// cellKind is how a cell is stored in the spreadsheet.
type cellKind int

const (
	cellEmpty cellKind = iota
	cellText
	cellNumber
	cellDate
	cellFormula // a SUM with its cached value, as a 合计 row has
)

// cell is one spreadsheet cell. A number keeps the text a person typed
// (Text) so that a csv export shows what Excel would display.
type cell struct {
	Kind    cellKind
	Text    string
	Num     float64
	Date    reconcile.Date
	Formula string // OpenFormula, for cellFormula
	// Merge spans: a cell that starts a merged area covering Cols columns
	// and Rows rows (0 means 1).
	Cols, Rows int
}

func txt(s string) cell          { return cell{Kind: cellText, Text: s} }
func num(n float64) cell         { return cell{Kind: cellNumber, Num: n, Text: fmtNum(n)} }
func day(d reconcile.Date) cell  { return cell{Kind: cellDate, Date: d, Text: d.String()} }
func hrs(h reconcile.Hours) cell { return num(h.Float()) }
func blank() cell                { return cell{} }
func sum(f string, v float64) cell {
	return cell{Kind: cellFormula, Formula: f, Num: v, Text: fmtNum(v)}
}

// fmtNum formats a number the way a spreadsheet displays it by default.
func fmtNum(n float64) string { return strconv.FormatFloat(n, 'f', -1, 64) }

// sheet is one worksheet: rows of cells, top to bottom.
type sheet struct {
	Name   string
	Rows   [][]cell
	Hidden bool
	// Covered marks cells hidden under a merge, by "row,col" (0-based);
	// filled by merge.
	covered map[[2]int]bool
}

// add appends a row and returns its 1-based row number.
func (s *sheet) add(cells ...cell) int {
	s.Rows = append(s.Rows, cells)
	return len(s.Rows)
}

// merge merges the area of rows r0..r1 and columns c0..c1 (0-based,
// inclusive); the top-left cell keeps its value, the others are covered.
func (s *sheet) merge(r0, c0, r1, c1 int) {
	if s.covered == nil {
		s.covered = map[[2]int]bool{}
	}
	for len(s.Rows[r0]) <= c1 {
		s.Rows[r0] = append(s.Rows[r0], blank())
	}
	s.Rows[r0][c0].Cols = c1 - c0 + 1
	s.Rows[r0][c0].Rows = r1 - r0 + 1
	for r := r0; r <= r1; r++ {
		for c := c0; c <= c1; c++ {
			if r != r0 || c != c0 {
				s.covered[[2]int{r, c}] = true
			}
		}
	}
}

// book is a workbook: the sheets and the moment it was last saved.
type book struct {
	Sheets []*sheet
	Saved  time.Time
}

const fodsHead = `<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"` +
	` xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"` +
	` xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"` +
	` xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"` +
	` xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"` +
	` xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"` +
	` xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"` +
	` xmlns:dc="http://purl.org/dc/elements/1.1/"` +
	` xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"` +
	` office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
`

const fodsStyles = `<office:automatic-styles>
<number:date-style style:name="Nymd"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>
<number:date-style style:name="Nslash"><number:year number:style="long"/><number:text>/</number:text><number:month/><number:text>/</number:text><number:day/></number:date-style>
<style:style style:name="cdate" style:family="table-cell" style:data-style-name="Nymd"/>
<style:style style:name="ctitle" style:family="table-cell"><style:table-cell-properties style:vertical-align="middle"/><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="14pt" fo:font-weight="bold"/></style:style>
<style:style style:name="cmid" style:family="table-cell"><style:table-cell-properties style:vertical-align="middle"/></style:style>
<style:style style:name="tshow" style:family="table"><style:table-properties table:display="true"/></style:style>
<style:style style:name="thide" style:family="table"><style:table-properties table:display="false"/></style:style>
</office:automatic-styles>
`

// fods renders the workbook as a flat OpenDocument spreadsheet, the
// source LibreOffice converts to .xlsx.
func (b *book) fods() []byte {
	var w bytes.Buffer
	w.WriteString(fodsHead)
	ts := b.Saved.Format("2006-01-02T15:04:05")
	fmt.Fprintf(&w, "<office:meta><meta:creation-date>%s</meta:creation-date><dc:date>%s</dc:date>"+
		"<meta:generator>cehours examples/gen</meta:generator></office:meta>\n", ts, ts)
	w.WriteString(fodsStyles)
	w.WriteString("<office:body><office:spreadsheet>\n")
	for _, s := range b.Sheets {
		style := "tshow"
		if s.Hidden {
			style = "thide"
		}
		fmt.Fprintf(&w, "<table:table table:name=%q table:style-name=%q>\n", html.EscapeString(s.Name), style)
		for r, row := range s.Rows {
			w.WriteString("<table:table-row>")
			for c, x := range row {
				if s.covered[[2]int{r, c}] {
					w.WriteString("<table:covered-table-cell/>")
					continue
				}
				writeFodsCell(&w, x, r == 0 && x.Cols > 1)
			}
			w.WriteString("</table:table-row>\n")
		}
		w.WriteString("</table:table>\n")
	}
	w.WriteString("</office:spreadsheet></office:body></office:document>\n")
	return w.Bytes()
}

func writeFodsCell(w *bytes.Buffer, x cell, title bool) {
	attrs := ""
	if x.Cols > 1 || x.Rows > 1 {
		attrs += fmt.Sprintf(` table:number-columns-spanned="%d" table:number-rows-spanned="%d"`,
			max(x.Cols, 1), max(x.Rows, 1))
		if title {
			attrs += ` table:style-name="ctitle"`
		} else {
			attrs += ` table:style-name="cmid"`
		}
	}
	p := "<text:p>" + html.EscapeString(x.Text) + "</text:p>"
	switch x.Kind {
	case cellEmpty:
		fmt.Fprintf(w, "<table:table-cell%s/>", attrs)
	case cellText:
		fmt.Fprintf(w, `<table:table-cell%s office:value-type="string">%s</table:table-cell>`, attrs, p)
	case cellNumber:
		fmt.Fprintf(w, `<table:table-cell%s office:value-type="float" office:value="%s">%s</table:table-cell>`,
			attrs, fmtNum(x.Num), p)
	case cellDate:
		if attrs == "" {
			attrs = ` table:style-name="cdate"`
		}
		fmt.Fprintf(w, `<table:table-cell%s office:value-type="date" office:date-value="%s">%s</table:table-cell>`,
			attrs, x.Date, p)
	case cellFormula:
		fmt.Fprintf(w, `<table:table-cell%s table:formula="%s" office:value-type="float" office:value="%s">%s</table:table-cell>`,
			attrs, html.EscapeString(x.Formula), fmtNum(x.Num), p)
	}
}

// csvRows renders the first sheet as Excel's "CSV" export shows it: every
// cell as displayed, merged areas as their top-left value and blanks.
func (b *book) csvRows(dateFmt func(reconcile.Date) string) [][]string {
	s := b.Sheets[0]
	width := 0
	for _, row := range s.Rows {
		width = max(width, len(row))
	}
	out := make([][]string, len(s.Rows))
	for r, row := range s.Rows {
		rec := make([]string, width)
		for c, x := range row {
			if s.covered[[2]int{r, c}] {
				continue
			}
			if x.Kind == cellDate {
				rec[c] = dateFmt(x.Date)
			} else {
				rec[c] = x.Text
			}
		}
		out[r] = rec
	}
	return out
}

// writeCSV writes rows as csv. gbk selects what Excel on a Chinese
// Windows writes (GBK, CRLF, no BOM); otherwise UTF-8 with a BOM and CRLF,
// as LibreOffice and WPS write "CSV UTF-8".
func writeCSV(path string, rows [][]string, gbk bool) error {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.UseCRLF = true
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("write csv %s: %w", path, err)
	}
	data := buf.Bytes()
	if gbk {
		enc, err := simplifiedchinese.GBK.NewEncoder().Bytes(data)
		if err != nil {
			return fmt.Errorf("encode gbk %s: %w", path, err)
		}
		data = enc
	} else {
		data = append([]byte("\xEF\xBB\xBF"), data...)
	}
	return os.WriteFile(path, data, 0o644)
}

// normaliseZip rewrites an .xlsx that LibreOffice wrote so that the same
// content gives the same bytes: every entry keeps its compressed bytes
// and only the entry's modification time is set to saved.
func normaliseZip(path string, saved time.Time) error {
	r, err := zip.OpenReader(path)
	if err != nil {
		return fmt.Errorf("normalise %s: %w", path, err)
	}
	defer r.Close()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range r.File {
		h := f.FileHeader
		h.Modified = saved
		h.Extra = nil
		w, err := zw.CreateRaw(&h)
		if err != nil {
			return fmt.Errorf("normalise %s: %w", path, err)
		}
		rc, err := f.OpenRaw()
		if err != nil {
			return fmt.Errorf("normalise %s: %w", path, err)
		}
		if _, err := io.Copy(w, rc); err != nil {
			return fmt.Errorf("normalise %s: %w", path, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("normalise %s: %w", path, err)
	}
	return os.WriteFile(path, out.Bytes(), 0o644)
}

// slashDate is how Excel on a Chinese Windows displays a date cell in a
// csv export: 2024/9/26.
func slashDate(d reconcile.Date) string { return fmt.Sprintf("%d/%d/%d", d.Y, d.M, d.D) }

// dotDate is the hand-typed 2024.9.26.
func dotDate(d reconcile.Date) string { return fmt.Sprintf("%d.%d.%d", d.Y, d.M, d.D) }

// cnDate is the hand-typed 2024年9月26日.
func cnDate(d reconcile.Date) string { return fmt.Sprintf("%d年%d月%d日", d.Y, d.M, d.D) }

// compactDate is 20240926.
func compactDate(d reconcile.Date) string { return fmt.Sprintf("%04d%02d%02d", d.Y, d.M, d.D) }

// fullWidth turns ASCII digits and letters into their full-width forms,
// as a Chinese input method in full-width mode types them.
func fullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '!' && r <= '~' {
			return r + 0xFEE0
		}
		return r
	}, s)
}
