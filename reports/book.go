package reports

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"cehours/reconcile"
)

// xlsxType is the MIME type of an .xlsx attachment.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Number formats that readers of every spreadsheet program understand.
const (
	fmtDate    = "yyyy-mm-dd"
	fmtPercent = "0.0%"
)

// book is a workbook under construction. Every sheet is written through
// excelize's StreamWriter, so a sheet of 20,000 rows costs little memory;
// sheet-level settings (filters, validation, protection, charts) are set
// between opening a sheet and flushing it.
type book struct {
	f      *excelize.File
	fresh  bool // the default first sheet has not been claimed yet
	header int
	title  int
	bold   int
	wrap   int
	text   int
	date   int
	hours  int
	count  int
	pct    int
	open   int // unlocked text: the cells a protected sheet leaves editable
}

// newBook starts a workbook with the styles the reports use.
func newBook() (*book, error) {
	b := &book{f: excelize.NewFile(), fresh: true}
	border := []excelize.Border{
		{Type: "left", Color: "BFBFBF", Style: 1},
		{Type: "right", Color: "BFBFBF", Style: 1},
		{Type: "top", Color: "BFBFBF", Style: 1},
		{Type: "bottom", Color: "BFBFBF", Style: 1},
	}
	font := &excelize.Font{Family: "宋体", Size: 11}
	date, pct := fmtDate, fmtPercent
	styles := []struct {
		id *int
		s  excelize.Style
	}{
		{&b.header, excelize.Style{
			Font:   &excelize.Font{Family: "宋体", Size: 11, Bold: true},
			Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Border: border, Alignment: &excelize.Alignment{
				Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&b.title, excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 16, Bold: true}}},
		{&b.bold, excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 11, Bold: true}}},
		{&b.wrap, excelize.Style{Font: font, Alignment: &excelize.Alignment{
			WrapText: true, Vertical: "top"}}},
		{&b.text, excelize.Style{Font: font, Border: border}},
		{&b.date, excelize.Style{Font: font, Border: border, CustomNumFmt: &date}},
		{&b.hours, excelize.Style{Font: font, Border: border}}, // General: 90, 2.25
		{&b.count, excelize.Style{Font: font, Border: border, NumFmt: 1}},
		{&b.pct, excelize.Style{Font: font, Border: border, CustomNumFmt: &pct}},
		{&b.open, excelize.Style{Font: font, Border: border,
			Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}},
			Protection: &excelize.Protection{Locked: false}}},
	}
	for _, s := range styles {
		id, err := b.f.NewStyle(&s.s)
		if err != nil {
			return nil, fmt.Errorf("new workbook: style: %w", err)
		}
		*s.id = id
	}
	return b, nil
}

// sheet adds a sheet (the first call renames the default one) and opens
// a stream writer on it. widths are the column widths, in characters.
func (b *book) sheet(name string, widths ...float64) (*sheetWriter, error) {
	if b.fresh {
		if err := b.f.SetSheetName("Sheet1", name); err != nil {
			return nil, fmt.Errorf("add sheet %q: %w", name, err)
		}
		b.fresh = false
	} else if _, err := b.f.NewSheet(name); err != nil {
		return nil, fmt.Errorf("add sheet %q: %w", name, err)
	}
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		return nil, fmt.Errorf("add sheet %q: %w", name, err)
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, fmt.Errorf("add sheet %q: width: %w", name, err)
		}
	}
	return &sheetWriter{b: b, name: name, sw: sw}, nil
}

// bytes returns the finished workbook. The first sheet is the active one
// already; setting it again would make excelize parse every streamed
// sheet back.
func (b *book) bytes() ([]byte, error) {
	buf, err := b.f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("write workbook: %w", err)
	}
	if err := b.f.Close(); err != nil {
		return nil, fmt.Errorf("write workbook: %w", err)
	}
	return buf.Bytes(), nil
}

// Cell builders: each returns a value the stream writer stores with the
// right type and format. Zero dates are empty cells, never 1899-12-30.
func (b *book) s(v string) excelize.Cell { return excelize.Cell{StyleID: b.text, Value: v} }
func (b *book) n(v int) excelize.Cell    { return excelize.Cell{StyleID: b.count, Value: v} }
func (b *book) h(v reconcile.Hours) excelize.Cell {
	return excelize.Cell{StyleID: b.hours, Value: v.Float()}
}
func (b *book) d(v reconcile.Date) excelize.Cell {
	if v.IsZero() {
		return excelize.Cell{StyleID: b.date}
	}
	return excelize.Cell{StyleID: b.date, Value: v.Time()}
}

// sheetWriter writes the rows of one sheet in order.
type sheetWriter struct {
	b    *book
	name string
	sw   *excelize.StreamWriter
	row  int // the last row written
	cols int // the width of the table header, for the filter
	top  int // the table header's row
	end  int // the table's last row when rows follow it; 0: the last row
}

// line writes the next row.
func (w *sheetWriter) line(cells ...any) error {
	w.row++
	cell, _ := excelize.CoordinatesToCellName(1, w.row)
	if err := w.sw.SetRow(cell, cells); err != nil {
		return fmt.Errorf("write sheet %q row %d: %w", w.name, w.row, err)
	}
	return nil
}

// skip leaves n empty rows.
func (w *sheetWriter) skip(n int) { w.row += n }

// freeze keeps the first rows of the sheet in view; it must come before
// any row is written.
func (w *sheetWriter) freeze(rows int) error {
	cell, _ := excelize.CoordinatesToCellName(1, rows+1)
	err := w.sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: rows, TopLeftCell: cell, ActivePane: "bottomLeft",
	})
	if err != nil {
		return fmt.Errorf("write sheet %q: freeze rows: %w", w.name, err)
	}
	return nil
}

// table writes a header row and freezes the sheet below it, so that the
// header stays in view; it must come before any other row is written
// when freeze is wanted, since panes belong to the sheet's start.
func (w *sheetWriter) table(titles ...string) error {
	if w.row == 0 {
		if err := w.freeze(1); err != nil {
			return err
		}
	}
	cells := make([]any, len(titles))
	for i, t := range titles {
		cells[i] = excelize.Cell{StyleID: w.b.header, Value: t}
	}
	w.cols, w.top = len(titles), w.row+1
	if err := w.line(cells...); err != nil {
		return err
	}
	return nil
}

// close adds an auto filter over the table (header and rows written so
// far) and flushes the sheet.
func (w *sheetWriter) close() error {
	if w.cols > 0 {
		end := w.row
		if w.end > 0 {
			end = w.end
		}
		last, _ := excelize.CoordinatesToCellName(w.cols, max(end, w.top))
		first, _ := excelize.CoordinatesToCellName(1, w.top)
		if err := w.b.f.AutoFilter(w.name, first+":"+last, nil); err != nil {
			return fmt.Errorf("write sheet %q: filter: %w", w.name, err)
		}
	}
	if err := w.sw.Flush(); err != nil {
		return fmt.Errorf("write sheet %q: %w", w.name, err)
	}
	return nil
}

// sheetName makes s a valid, unique sheet name: no []:*?/\ characters,
// at most 31 characters, distinct from every name in used.
func sheetName(s string, used map[string]bool) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\'`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(s))
	r := []rune(s)
	if len(r) > 31 {
		r = r[:31]
	}
	name := string(r)
	for i := 2; used[strings.ToLower(name)] || name == ""; i++ {
		suffix := fmt.Sprintf("(%d)", i)
		base := r[:min(len(r), 31-len(suffix))]
		name = string(base) + suffix
	}
	used[strings.ToLower(name)] = true
	return name
}

// asciiName keeps the letters, digits, '-', '_' and '.' of s, for the
// ASCII file name of an attachment.
func asciiName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9',
			r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
}

// fileNameCN removes from a Chinese file name the characters no file
// system accepts.
func fileNameCN(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"/\|?*`, r) || r < 32 {
			return '_'
		}
		return r
	}, s)
}
