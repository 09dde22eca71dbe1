package importers

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The .xlsx reader is a streaming reader of the sheet XML of its own,
// written for speed and for hostile input. excelize's Rows() decodes each
// cell through reflection and measured here at 3.1× a bare encoding/xml
// token scan of the same sheet; this reader walks raw tokens once, needs
// memory for one row and the shared strings, and checks every limit
// before it allocates.

// maxMetaPart bounds workbook.xml and its relationships.
const maxMetaPart = 8 << 20

// maxSharedStrings bounds the shared-string table's entries.
const maxSharedStrings = 5_000_000

// openXLSX opens a workbook and lists its visible sheets; hidden and very
// hidden sheets are ignored.
func openXLSX(name string, data []byte, lim Limits) (*book, error) {
	broken := func(err error) error {
		return fileError(name, ErrCorrupt,
			"Excel 文件已损坏或不完整，无法读取。请重新导出或另存为 .xlsx 后再提交。", err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, broken(err)
	}

	// The zip's declared sizes bound what it expands to; archive/zip
	// refuses to expand an entry beyond its declared size.
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
	}
	if total > uint64(lim.MaxUnzipBytes) {
		return nil, fileError(name, ErrTooLarge, "工作簿解压后过大，超过了系统允许的上限。",
			fmt.Errorf("%d bytes unzipped, limit %d", total, lim.MaxUnzipBytes))
	}
	wb, err := readWorkbook(zr)
	if err != nil {
		return nil, broken(err)
	}
	sst, err := readSharedStrings(zr, wb.sharedStrings)
	if err != nil {
		return nil, broken(err)
	}
	b := &book{Date1904: wb.date1904, Close: func() error { return nil }}
	for _, sh := range wb.sheets {
		if sh.hidden {
			continue
		}
		if len(b.Sheets) == lim.MaxSheets {
			return nil, fileError(name, ErrTooLarge, "工作表过多。",
				fmt.Errorf("more than %d sheets", lim.MaxSheets))
		}
		part := sh.part
		b.Sheets = append(b.Sheets, sheet{Name: sh.name, Open: func() (rowIter, error) {
			return openSheet(zr, part, sst, lim)
		}})
	}
	return b, nil
}

// workbook is what xl/workbook.xml and its relationships say.
type workbook struct {
	sheets        []wbSheet
	sharedStrings string // part name; "" when none
	date1904      bool
}

type wbSheet struct {
	name, part string
	hidden     bool
}

// readWorkbook reads the sheets in order, their parts and visibility.
func readWorkbook(zr *zip.Reader) (workbook, error) {
	var wb struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name  string     `xml:"name,attr"`
			State string     `xml:"state,attr"`
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := readXMLPart(zr, "xl/workbook.xml", &wb); err != nil {
		return workbook{}, err
	}
	if err := readXMLPart(zr, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return workbook{}, err
	}
	out := workbook{date1904: wb.Pr.Date1904 == "1" || wb.Pr.Date1904 == "true"}
	targets := map[string]string{}
	for _, r := range rels.Rels {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		targets[r.ID] = t
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			out.sharedStrings = t
		}
	}
	for _, s := range wb.Sheets {
		sh := wbSheet{name: s.Name, hidden: s.State == "hidden" || s.State == "veryHidden"}
		for _, a := range s.Attrs {
			if a.Name.Local == "id" {
				sh.part = targets[a.Value]
			}
		}
		out.sheets = append(out.sheets, sh)
	}
	return out, nil
}

// readXMLPart decodes one small part of the zip into v.
func readXMLPart(zr *zip.Reader, name string, v any) error {
	zf := findPart(zr, name)
	if zf == nil {
		return fmt.Errorf("read %s: missing", name)
	}
	rc, err := zf.Open()
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	defer rc.Close()
	if err := xml.NewDecoder(io.LimitReader(rc, maxMetaPart)).Decode(v); err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	return nil
}

// findPart finds a zip entry by name, ignoring case as Excel does.
func findPart(zr *zip.Reader, name string) *zip.File {
	for _, zf := range zr.File {
		if strings.EqualFold(zf.Name, name) {
			return zf
		}
	}
	return nil
}

// readSharedStrings reads the shared-string table: the text of each <si>,
// rich-text runs joined, phonetic guides (<rPh>) left out.
func readSharedStrings(zr *zip.Reader, part string) ([]string, error) {
	zf := findPart(zr, part)
	if part == "" || zf == nil {
		return nil, nil
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, fmt.Errorf("read shared strings: %w", err)
	}
	defer rc.Close()
	d := xml.NewDecoder(bufio.NewReaderSize(rc, 64<<10))
	var out []string
	var cur strings.Builder
	inT, inPh := false, 0
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read shared strings: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				cur.Reset()
			case "t":
				inT = true
			case "rPh":
				inPh++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				if len(out) == maxSharedStrings {
					return nil, fmt.Errorf("read shared strings: more than %d", maxSharedStrings)
				}
				out = append(out, cur.String())
			case "t":
				inT = false
			case "rPh":
				inPh--
			}
		case xml.CharData:
			if inT && inPh == 0 {
				cur.Write(t)
			}
		}
	}
}

// openSheet reads a sheet's merged ranges, then starts streaming its rows.
func openSheet(zr *zip.Reader, part string, sst []string, lim Limits) (rowIter, error) {
	zf := findPart(zr, part)
	if zf == nil {
		return nil, fmt.Errorf("read sheet %s: %w: part missing", part, ErrCorrupt)
	}
	merges, err := scanMerges(zf, lim.MaxMergedCells)
	if err != nil {
		return nil, fmt.Errorf("read sheet %s: %w: %w", part, ErrCorrupt, err)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, fmt.Errorf("read sheet %s: %w: %w", part, ErrCorrupt, err)
	}
	return &xlsxRows{rc: rc, d: xml.NewDecoder(bufio.NewReaderSize(rc, 256<<10)),
		sst: sst, lim: lim, merges: merges}, nil
}

// xlsxRows streams the rows of a sheet. Each cell of a merged range reads
// as the range's value, as a person reading the sheet sees it (a unit or a
// date merged down several rows belongs to each of them). Cells are read
// raw: a number or a date is the number stored (a date's serial), a
// shared or inline string its text.
type xlsxRows struct {
	rc     io.ReadCloser
	d      *xml.Decoder
	sst    []string
	lim    Limits
	n      int // row number of the current row
	rows   int // rows read
	cells  []string
	err    error
	done   bool
	merges []mergeRange // sorted by first row
	next   int          // first merge not yet active
	active []*mergeRange
}

// mergeRange is a merged range, 0-based columns, 1-based rows.
type mergeRange struct {
	r1, r2, c1, c2 int
	value          string
}

// maxRowNumber is the last row of a worksheet.
const maxRowNumber = 1_048_576

func (x *xlsxRows) Next() bool {
	if x.err != nil || x.done {
		return false
	}
	for {
		tok, err := x.d.RawToken()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				x.err = fmt.Errorf("read sheet: %w: %w", ErrCorrupt, err)
			}
			x.done = true
			return false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "row" {
				return x.row(t)
			}
		case xml.EndElement:
			if t.Name.Local == "sheetData" {
				x.done = true
				return false
			}
		}
	}
}

// row reads one <row> element into x.cells.
func (x *xlsxRows) row(start xml.StartElement) bool {
	x.rows++
	if x.rows > x.lim.MaxRows {
		x.err = fmt.Errorf("read sheet: %w: more than %d rows", ErrTooLarge, x.lim.MaxRows)
		return false
	}
	n := x.n + 1
	if v := attr(start, "r"); v != "" {
		r, err := strconv.Atoi(v)
		if err != nil || r <= x.n || r > maxRowNumber {
			x.err = fmt.Errorf("read sheet: %w: row number %q", ErrCorrupt, v)
			return false
		}
		n = r
	}
	x.n = n
	x.cells = x.cells[:0]
	col := -1
	for {
		tok, err := x.d.RawToken()
		if err != nil {
			x.err = fmt.Errorf("read sheet: row %d: %w: %w", n, ErrCorrupt, err)
			return false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "c" {
				continue
			}
			if col, err = cellColumn(attr(t, "r"), col); err != nil {
				x.err = fmt.Errorf("read sheet: row %d: %w: %w", n, ErrCorrupt, err)
				return false
			}
			v, err := x.cell(t)
			if err != nil {
				x.err = fmt.Errorf("read sheet: row %d: %w: %w", n, ErrCorrupt, err)
				return false
			}
			if col < x.lim.MaxColumns && v != "" {
				for len(x.cells) <= col {
					x.cells = append(x.cells, "")
				}
				x.cells[col] = v
			}
		case xml.EndElement:
			if t.Name.Local == "row" {
				x.cells = x.fillMerged(x.cells)
				return true
			}
		}
	}
}

// cell reads one <c> element and returns its value.
func (x *xlsxRows) cell(start xml.StartElement) (string, error) {
	typ := attr(start, "t")
	var val []byte
	inV, inT, inPh := false, false, 0
	for {
		tok, err := x.d.RawToken()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "v":
				inV = true
			case "t":
				inT = true
			case "rPh":
				inPh++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inV = false
			case "t":
				inT = false
			case "rPh":
				inPh--
			case "c":
				return x.cellValue(typ, val)
			}
		case xml.CharData:
			// A value longer than any cell may be is cut just past the
			// limit: the row is rejected as too long, not held in memory.
			if (inV || inT && inPh == 0) && len(val) <= 4*x.lim.MaxCellChars {
				val = append(val, t...)
			}
		}
	}
}

// cellValue turns the raw text of a cell into its value by its type.
func (x *xlsxRows) cellValue(typ string, val []byte) (string, error) {
	if typ != "s" {
		return string(val), nil
	}
	i, err := strconv.Atoi(string(bytes.TrimSpace(val)))
	if err != nil || i < 0 || i >= len(x.sst) {
		return "", fmt.Errorf("shared string %q out of range", val)
	}
	return x.sst[i], nil
}

// attr returns the value of the attribute named local, "" when absent.
func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// cellColumn returns the 0-based column of a cell reference such as
// "AB12", or prev+1 when the reference is absent.
func cellColumn(ref string, prev int) (int, error) {
	if ref == "" {
		return prev + 1, nil
	}
	col := 0
	for i := 0; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			if i == 0 {
				return 0, fmt.Errorf("cell reference %q", ref)
			}
			break
		}
		col = col*26 + int(c-'a'+1)
		if col > 16384 {
			return 0, fmt.Errorf("cell reference %q", ref)
		}
	}
	return col - 1, nil
}

// fillMerged gives every cell of a merged range that covers row n the
// value of the range's top-left cell.
func (x *xlsxRows) fillMerged(cells []string) []string {
	if len(x.merges) == 0 {
		return cells
	}
	for x.next < len(x.merges) && x.merges[x.next].r1 <= x.n {
		m := &x.merges[x.next]
		if m.r1 == x.n && m.c1 < len(cells) {
			m.value = cells[m.c1]
		}
		x.active = append(x.active, m)
		x.next++
	}
	kept := x.active[:0]
	for _, m := range x.active {
		if m.r2 < x.n {
			continue
		}
		kept = append(kept, m)
		if m.value == "" {
			continue
		}
		for c := m.c1; c <= m.c2 && c < x.lim.MaxColumns; c++ {
			for len(cells) <= c {
				cells = append(cells, "")
			}
			if cells[c] == "" {
				cells[c] = m.value
			}
		}
	}
	x.active = kept
	return cells
}

func (x *xlsxRows) Row() (int, []string) { return x.n, x.cells }
func (x *xlsxRows) Err() error           { return x.err }
func (x *xlsxRows) Close() error         { return x.rc.Close() }

// scanMerges reads the merged ranges of a sheet part by scanning its
// bytes for mergeCell elements, which follow the sheet data: a byte scan
// costs a small part of an XML decode and needs no memory beyond a buffer.
func scanMerges(zf *zip.File, max int) ([]mergeRange, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var out []mergeRange
	tag := []byte("mergeCell ")
	var carry []byte
	buf := make([]byte, 256<<10)
	for {
		n, rerr := io.ReadFull(rc, buf)
		chunk := append(carry, buf[:n]...)
		last := 0
		for {
			i := bytes.Index(chunk[last:], tag)
			if i < 0 {
				break
			}
			end := bytes.IndexByte(chunk[last+i:], '>')
			if end < 0 {
				break
			}
			el := chunk[last+i : last+i+end]
			last += i + end
			if m, ok := parseMergeRef(el); ok {
				if len(out) == max {
					return nil, fmt.Errorf("more than %d merged ranges", max)
				}
				out = append(out, m)
			}
		}
		// Keep the tail that may hold a tag cut by the chunk boundary.
		tail := chunk[last:]
		if len(tail) > 256 {
			tail = tail[len(tail)-256:]
		}
		carry = append(carry[:0:0], tail...)
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
		if rerr != nil {
			return nil, rerr
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].r1 < out[j].r1 })
	return out, nil
}

// parseMergeRef reads ref="A3:A5" from a mergeCell element.
func parseMergeRef(el []byte) (mergeRange, bool) {
	i := bytes.Index(el, []byte(`ref="`))
	if i < 0 {
		return mergeRange{}, false
	}
	ref := el[i+5:]
	j := bytes.IndexByte(ref, '"')
	if j < 0 {
		return mergeRange{}, false
	}
	a, b, ok := strings.Cut(string(ref[:j]), ":")
	if !ok {
		return mergeRange{}, false
	}
	c1, r1, err1 := excelize.CellNameToCoordinates(a)
	c2, r2, err2 := excelize.CellNameToCoordinates(b)
	if err1 != nil || err2 != nil || r2 < r1 || c2 < c1 {
		return mergeRange{}, false
	}
	return mergeRange{r1: r1, r2: r2, c1: c1 - 1, c2: c2 - 1}, true
}
