package importers

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Limits bound what one file may cost, so that a hostile or broken file
// cannot exhaust memory or disk. The zero value of a field means its
// default (see DefaultLimits).
type Limits struct {
	MaxFileBytes   int64 `yaml:"max_file_bytes"`    // size of the file itself
	MaxRows        int   `yaml:"max_rows"`          // rows per sheet
	MaxCellChars   int   `yaml:"max_cell_chars"`    // characters in one cell
	MaxUnzipBytes  int64 `yaml:"max_unzip_bytes"`   // all parts of an .xlsx, unzipped
	MaxSheets      int   `yaml:"max_sheets"`        // visible sheets read
	MaxColumns     int   `yaml:"max_columns"`       // columns read per row
	MaxMergedCells int   `yaml:"max_merged_ranges"` // merged ranges per sheet
}

// DefaultLimits are generous for any real file of a university (the
// largest, a roster of a province, is a few hundred thousand rows) and
// small enough for a 2 GB server.
var DefaultLimits = Limits{
	MaxFileBytes:   100 << 20,
	MaxRows:        1_048_576,
	MaxCellChars:   4000,
	MaxUnzipBytes:  1 << 30,
	MaxSheets:      50,
	MaxColumns:     200,
	MaxMergedCells: 100_000,
}

// withDefaults fills zero fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxFileBytes > 0 {
		d.MaxFileBytes = l.MaxFileBytes
	}
	if l.MaxRows > 0 {
		d.MaxRows = l.MaxRows
	}
	if l.MaxCellChars > 0 {
		d.MaxCellChars = l.MaxCellChars
	}
	if l.MaxUnzipBytes > 0 {
		d.MaxUnzipBytes = l.MaxUnzipBytes
	}
	if l.MaxSheets > 0 {
		d.MaxSheets = l.MaxSheets
	}
	if l.MaxColumns > 0 {
		d.MaxColumns = l.MaxColumns
	}
	if l.MaxMergedCells > 0 {
		d.MaxMergedCells = l.MaxMergedCells
	}
	return d
}

// rowIter walks the rows of one sheet. Row returns the 1-based row number
// as the spreadsheet shows it and the cells, which are only valid until
// the next call to Next.
type rowIter interface {
	Next() bool
	Row() (int, []string)
	Err() error
	Close() error
}

// sheet is one readable table of a file.
type sheet struct {
	Name string // "" for a .csv
	Open func() (rowIter, error)
}

// book is an opened file: its visible sheets in order.
type book struct {
	Sheets   []sheet
	Date1904 bool
	Close    func() error
}

// Allowed extensions, lower-case.
var allowedExt = map[string]bool{".xlsx": true, ".csv": true, ".xls": true}

// magic numbers of the formats seen in inboxes.
var (
	magicZip  = []byte("PK\x03\x04")
	magicOLE2 = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// openBook opens the bytes of a file named name, by its content: a zip is
// read as .xlsx, OLE2 is refused as a legacy .xls, anything else as .csv;
// a content that contradicts the extension is refused.
func openBook(name string, data []byte, lim Limits) (*book, error) {
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case bytes.HasPrefix(data, magicOLE2):
		return nil, fileError(name, ErrLegacyXLS,
			"这是旧版 Excel（.xls）文件或加密的工作簿，无法读取。请用 Excel 或 WPS 打开，"+
				"“另存为” Excel 工作簿（.xlsx，不设密码）后重新提交。", nil)
	case !allowedExt[ext]:
		return nil, fileError(name, ErrFormat,
			"只接受 .xlsx 和 .csv 文件，请另存为 .xlsx 后重新提交。",
			fmt.Errorf("extension %q", ext))
	case bytes.HasPrefix(data, magicZip):
		if ext != ".xlsx" {
			return nil, fileError(name, ErrFormat,
				"文件内容是 Excel 工作簿（.xlsx），但扩展名是 "+ext+"，请改正扩展名后重新提交。", nil)
		}
		return openXLSX(name, data, lim)
	case ext == ".xlsx" || ext == ".xls":
		return nil, fileError(name, ErrFormat,
			"文件扩展名是 "+ext+"，但内容不是 Excel 工作簿（可能已损坏或被改名），"+
				"请用 Excel 或 WPS 打开并另存为 .xlsx 后重新提交。", nil)
	}
	return openCSV(name, data)
}

// openCSV decodes data as UTF-8 (with or without BOM) or, when it is not
// valid UTF-8, as GB18030 (a superset of GBK, what Chinese Excel writes);
// text with NUL bytes or undecodable bytes is refused as not text.
func openCSV(name string, data []byte) (*book, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, fileError(name, ErrCorrupt,
			"文件不是文本格式的 CSV（可能是二进制文件或已损坏），请另存为 .xlsx 或 CSV 后重新提交。", err)
	}
	comma := sniffComma(text)
	open := func() (rowIter, error) {
		r := csv.NewReader(strings.NewReader(text))
		r.Comma, r.FieldsPerRecord, r.LazyQuotes, r.ReuseRecord = comma, -1, true, true
		return &csvRows{r: r}, nil
	}
	return &book{Sheets: []sheet{{Name: "", Open: open}}, Close: func() error { return nil }}, nil
}

// errNotText is the detail of a .csv whose bytes are no text.
var errNotText = errors.New("not text in UTF-8 or GBK")

// decodeText returns data as a string, from UTF-8 or GB18030.
func decodeText(data []byte) (string, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if bytes.IndexByte(data, 0) >= 0 {
		return "", errNotText
	}
	if utf8.Valid(data) {
		return string(data), nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) || controlHeavy(out) {
		return "", errNotText
	}
	return string(out), nil
}

// controlHeavy reports whether more than 1% of the runes are control
// characters other than tab, CR and LF: binary bytes that happen to decode.
func controlHeavy(b []byte) bool {
	n, bad := 0, 0
	for _, r := range string(b) {
		n++
		if r < 0x20 && r != '\t' && r != '\r' && r != '\n' || r == 0x7f {
			bad++
		}
	}
	return bad*100 > n
}

// sniffComma returns tab for a tab-separated text (no comma but a tab in
// its first line), else comma.
func sniffComma(text string) rune {
	line, _, _ := strings.Cut(text, "\n")
	if strings.Contains(line, "\t") && !strings.Contains(line, ",") {
		return '\t'
	}
	return ','
}

// csvRows iterates the records of a .csv. A record's row number is the
// one a spreadsheet shows on opening the file: its line, less the line
// breaks inside quoted cells of the records before it; blank lines count.
type csvRows struct {
	r     *csv.Reader
	n     int
	extra int // line breaks inside quoted cells so far
	cells []string
	err   error
}

func (c *csvRows) Next() bool {
	rec, err := c.r.Read()
	if err == io.EOF {
		return false
	}
	if err != nil {
		c.err = fmt.Errorf("read csv: %w: %w", ErrCorrupt, err)
		return false
	}
	line, _ := c.r.FieldPos(0)
	c.n = line - c.extra
	for _, f := range rec {
		c.extra += strings.Count(f, "\n")
	}
	c.cells = rec
	return true
}

func (c *csvRows) Row() (int, []string) { return c.n, c.cells }
func (c *csvRows) Err() error           { return c.err }
func (c *csvRows) Close() error         { return nil }
