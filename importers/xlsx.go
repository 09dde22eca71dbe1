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
	"strings"

	"github.com/xuri/excelize/v2"
)

// openXLSX opens a workbook with excelize, within the unzip limits, and
// lists its visible sheets; hidden and very hidden sheets are ignored.
func openXLSX(name string, data []byte, lim Limits) (*book, error) {
	broken := func(err error) error {
		if errors.Is(err, excelize.ErrOptionsUnzipSizeLimit) || strings.Contains(err.Error(), "unzip size") {
			return fileError(name, ErrTooLarge, "工作簿解压后过大，超过了系统允许的上限。", err)
		}
		return fileError(name, ErrCorrupt,
			"Excel 文件已损坏或不完整，无法读取。请重新导出或另存为 .xlsx 后再提交。", err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, broken(err)
	}
	parts, err := sheetParts(zr)
	if err != nil {
		return nil, broken(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    lim.MaxUnzipBytes,
		UnzipXMLSizeLimit: lim.MaxUnzipXML,
	})
	if err != nil {
		return nil, broken(err)
	}
	b := &book{Close: f.Close}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		b.Date1904 = *props.Date1904
	}
	for _, sh := range f.GetSheetList() {
		if visible, err := f.GetSheetVisible(sh); err != nil || !visible {
			continue
		}
		if len(b.Sheets) == lim.MaxSheets {
			f.Close()
			return nil, fileError(name, ErrTooLarge, "工作表过多。", fmt.Errorf("more than %d sheets", lim.MaxSheets))
		}
		b.Sheets = append(b.Sheets, sheet{Name: sh, Open: func() (rowIter, error) {
			return openSheet(f, zr, parts[sh], sh, lim)
		}})
	}
	return b, nil
}

// openSheet starts the streaming reader of one sheet and reads its merged
// ranges first.
func openSheet(f *excelize.File, zr *zip.Reader, part, sh string, lim Limits) (rowIter, error) {
	merges, err := scanMerges(zr, part, lim.MaxMergedCells)
	if err != nil {
		return nil, fmt.Errorf("read sheet %s: %w: %v", sh, ErrCorrupt, err)
	}
	rows, err := f.Rows(sh)
	if err != nil {
		return nil, fmt.Errorf("read sheet %s: %w: %v", sh, ErrCorrupt, err)
	}
	return &xlsxRows{rows: rows, lim: lim, merges: merges}, nil
}

// xlsxRows iterates the rows of a sheet. Each cell of a merged range
// reads as the range's value, as a person reading the sheet sees it (a
// unit or a date merged down several rows belongs to each of them).
type xlsxRows struct {
	rows   *excelize.Rows
	lim    Limits
	n      int
	cells  []string
	err    error
	merges []mergeRange // sorted by first row
	next   int          // first merge not yet active
	active []*mergeRange
}

// mergeRange is a merged range, 0-based columns, 1-based rows.
type mergeRange struct {
	r1, r2, c1, c2 int
	value          string
}

func (x *xlsxRows) Next() bool {
	if x.err != nil || !x.rows.Next() {
		if x.err == nil {
			x.err = x.rows.Error()
		}
		return false
	}
	x.n++
	if x.n > x.lim.MaxRows {
		x.err = fmt.Errorf("read sheet: %w: more than %d rows", ErrTooLarge, x.lim.MaxRows)
		return false
	}
	cells, err := x.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		x.err = fmt.Errorf("read sheet: row %d: %w: %v", x.n, ErrCorrupt, err)
		return false
	}
	if len(cells) > x.lim.MaxColumns {
		cells = cells[:x.lim.MaxColumns]
	}
	x.cells = x.fillMerged(cells)
	return true
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
func (x *xlsxRows) Err() error {
	if x.err != nil && !errors.Is(x.err, ErrTooLarge) && !errors.Is(x.err, ErrCorrupt) {
		return fmt.Errorf("read sheet: %w: %v", ErrCorrupt, x.err)
	}
	return x.err
}
func (x *xlsxRows) Close() error { return x.rows.Close() }

// sheetParts maps each sheet's name to its part in the zip, from
// xl/workbook.xml and its relationships.
func sheetParts(zr *zip.Reader) (map[string]string, error) {
	var wb struct {
		Sheets []struct {
			Name  string     `xml:"name,attr"`
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := readXMLPart(zr, "xl/workbook.xml", &wb); err != nil {
		return nil, err
	}
	if err := readXMLPart(zr, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return nil, err
	}
	targets := map[string]string{}
	for _, r := range rels.Rels {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		targets[r.ID] = t
	}
	parts := map[string]string{}
	for _, s := range wb.Sheets {
		for _, a := range s.Attrs {
			if a.Name.Local == "id" {
				parts[s.Name] = targets[a.Value]
			}
		}
	}
	return parts, nil
}

// maxMetaPart bounds workbook.xml and its relationships.
const maxMetaPart = 8 << 20

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

// scanMerges reads the merged ranges of a sheet part by scanning its
// bytes for mergeCell elements, which follow the sheet data: a byte scan
// costs a small part of an XML decode and needs no memory beyond a buffer.
func scanMerges(zr *zip.Reader, part string, max int) ([]mergeRange, error) {
	zf := findPart(zr, part)
	if zf == nil {
		return nil, nil
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var out []mergeRange
	br := bufio.NewReaderSize(rc, 64<<10)
	tag := []byte("mergeCell ")
	var carry []byte
	buf := make([]byte, 256<<10)
	for {
		n, rerr := io.ReadFull(br, buf)
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
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
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
