package importers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"cehours/reconcile"
)

// Options say how to read one file.
type Options struct {
	Kind reconcile.SourceKind
	// Unit is the unit code a unit sheet belongs to (from --unit or its
	// inbox folder); when empty, the unit named in the file is used.
	Unit      string
	Limits    Limits
	Aliases   Aliases
	Directory Directory // the roster in force; nil: identities not checked
	Types     TypeNamer // the rule set; nil: types only by number
	Logger    *slog.Logger
	// Progress, when set, is called every few thousand rows with the
	// number of rows read so far.
	Progress func(rows int)
}

// Sink receives what a file holds, row by row, in file order. An error
// from a Sink stops the parse and is returned.
type Sink interface {
	Record(reconcile.Record) error
	Person(reconcile.Staff) error
	Unit(reconcile.Unit) error
	Total(reconcile.UnitTotal) error
	Reject(*RowError) error
}

// Summary describes a parsed file.
type Summary struct {
	File     string // base name
	SHA256   string // of the file's bytes, hex
	Kind     reconcile.SourceKind
	Scope    string // what a newer file of this kind and scope replaces
	UnitCode string // a unit sheet's unit
	Year     reconcile.Year
	Stored   int // rows handed to the sink as records, staff, units or totals
	Rejected int
	Skipped  int // totals rows, repeated header rows and blank rows the file stores
}

// Checksum returns the hex SHA-256 of data: a file's identity for the
// same-bytes-twice check.
func Checksum(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// maxHeaderScan is how many rows from the top of a sheet may hold title
// rows and a key-value block before the header.
const maxHeaderScan = 30

// Parse reads the bytes of the file named name and hands every row to
// sink: a record, a staff member, a unit or a unit total when it can be
// read, a *RowError when not. Blank rows, totals rows (合计, 总计, 小计)
// and repeated header rows are only counted as skipped. A file that cannot
// be read at all returns a *FileError (ErrLegacyXLS, ErrFormat,
// ErrCorrupt, ErrTooLarge, ErrNoHeader) and the sink may have received
// rows of it: the caller discards them (the store's transaction does).
func Parse(ctx context.Context, name string, data []byte, opts Options, sink Sink) (Summary, error) {
	opts.Limits = opts.Limits.withDefaults()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	base := filepath.Base(name)
	sum := Summary{File: base, SHA256: Checksum(data), Kind: opts.Kind}
	if int64(len(data)) > opts.Limits.MaxFileBytes {
		return sum, fileError(base, ErrTooLarge, "文件过大，超过了系统允许的上限。",
			fmt.Errorf("%d bytes, limit %d", len(data), opts.Limits.MaxFileBytes))
	}
	if !knownKind(opts.Kind) {
		return sum, fmt.Errorf("import %s: unknown kind %q: %w", base, opts.Kind, ErrFormat)
	}
	b, err := openBook(base, data, opts.Limits)
	if err != nil {
		return sum, err
	}
	defer func() { _ = b.Close() }()

	started := time.Now()
	p := newParser(base, opts, b.Date1904, sink, &sum)
	headers := 0
	for _, sh := range b.Sheets {
		found, err := p.sheet(ctx, sh)
		if err != nil {
			return sum, err
		}
		if found {
			headers++
		}
	}
	if headers == 0 {
		return sum, fileError(base, ErrNoHeader,
			"没有找到表头行：请确认表格有“工号”“姓名”等列名（见填表说明）。", nil)
	}
	if err := p.finish(); err != nil {
		return sum, err
	}
	opts.Logger.Info("file parsed", "file", base, "kind", opts.Kind, "scope", sum.Scope,
		"stored", sum.Stored, "rejected", sum.Rejected, "skipped", sum.Skipped,
		"duration", time.Since(started))
	return sum, nil
}

func knownKind(k reconcile.SourceKind) bool {
	switch k {
	case reconcile.KindRoster, reconcile.KindUnits, reconcile.KindAttendance,
		reconcile.KindUnitSheet, reconcile.KindClaims, reconcile.KindResolutions:
		return true
	}
	return false
}

// parser holds the state of one file's parse.
type parser struct {
	file     string
	opts     Options
	date1904 bool
	sink     Sink
	sum      *Summary
	table    map[string]Field
	rows     int
	failed   error // the first error of the sink

	// The file's context, from title rows and key-value blocks.
	fileUnit string
	fileYear reconcile.Year
	// What the scope is computed from.
	events    map[string]bool
	yearVotes map[reconcile.Year]int
	unitVotes map[string]int
	units     map[string]*reconcile.Unit
	unitOrder []string
}

func newParser(file string, opts Options, date1904 bool, sink Sink, sum *Summary) *parser {
	return &parser{
		file: file, opts: opts, date1904: date1904, sink: sink, sum: sum,
		table:     aliasTable(opts.Kind, opts.Aliases),
		fileUnit:  opts.Unit,
		events:    map[string]bool{},
		yearVotes: map[reconcile.Year]int{},
		unitVotes: map[string]int{},
		units:     map[string]*reconcile.Unit{},
	}
}

// sheet reads one sheet; it reports whether the sheet had a header row.
func (p *parser) sheet(ctx context.Context, sh sheet) (bool, error) {
	it, err := sh.Open()
	if err != nil {
		return false, &FileError{File: p.file, Message: "Excel 文件已损坏或不完整，无法读取。", Err: err}
	}
	defer func() { _ = it.Close() }()
	var h *header
	kv := map[Field]kvPair{}
	for it.Next() {
		n, cells := it.Row()
		p.rows++
		if p.rows%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return false, fmt.Errorf("import %s: %w", p.file, err)
			}
			if p.opts.Progress != nil {
				p.opts.Progress(p.rows)
			}
		}

		// Above the header: title rows and key-value pairs.
		if h == nil {
			if n > maxHeaderScan {
				break
			}
			h = p.findHeader(n, cells, kv)
			continue
		}

		// Below it: data rows.
		if blankRow(cells) || totalsRow(cells) || p.repeatedHeader(h, cells) {
			p.sum.Skipped++
			continue
		}
		if err := p.row(sh.Name, h, n, cells, kv); err != nil {
			return true, err
		}
	}
	if err := it.Err(); err != nil {
		msg := "Excel 文件已损坏或不完整，无法读取。"
		if errors.Is(err, ErrTooLarge) {
			msg = "工作表行数超过了系统允许的上限。"
		}
		return false, &FileError{File: p.file, Message: msg, Err: err}
	}
	return h != nil, nil
}

// findHeader returns the header when row n is one; otherwise it reads the
// row as a title row or a key-value block and returns nil.
func (p *parser) findHeader(n int, cells []string, kv map[Field]kvPair) *header {
	if blankRow(cells) {
		return nil
	}
	h, _ := newHeader(n, cells, p.table)
	if h.isHeaderFor(p.opts.Kind) {
		return h
	}
	parseKV(cells, p.table, kv)
	for _, c := range cells {
		p.titleContext(c)
	}
	return nil
}

// titleContext takes a unit sheet's year and unit from a title row.
func (p *parser) titleContext(cell string) {
	t := fold(cell)
	if t == "" || !strings.Contains(t, "学年") && !strings.Contains(t, "统计") {
		return
	}
	if m := titleYear.FindStringSubmatch(t); m != nil && p.fileYear == 0 {
		if y, err := reconcile.ParseYear(m[1] + "-" + m[2]); err == nil {
			p.fileYear = y
		}
	}
	if p.fileUnit == "" && p.opts.Directory != nil && p.opts.Kind == reconcile.KindUnitSheet {
		if c, ok := p.opts.Directory.UnitIn(t); ok {
			p.fileUnit = c
		}
	}
}

// repeatedHeader reports whether a data row repeats the header (a sheet
// printed page by page).
func (p *parser) repeatedHeader(h *header, cells []string) bool {
	i, ok := h.idx[FStaffNo]
	if !ok {
		i, ok = h.idx[FName]
	}
	return ok && i < len(cells) && strings.TrimSpace(cells[i]) == h.Cols[i].Text
}

// row converts one data row and hands it to the sink.
func (p *parser) row(sheet string, h *header, n int, cells []string, kv map[Field]kvPair) error {
	r := rowView{h: h, cells: cells, kv: kv}
	if rej := p.checkLengths(sheet, h, n, cells); rej != nil {
		return p.reject(rej)
	}
	var rej *RowError
	switch {
	case p.opts.Kind == reconcile.KindRoster:
		rej = p.staffRow(r, sheet, n)
	case p.opts.Kind == reconcile.KindUnits:
		rej = p.unitRow(r)
	case h.isUnitTotals():
		rej = p.totalRow(r, sheet, n)
	default:
		rej = p.recordRow(r, sheet, n)
	}
	if rej != nil {
		rej.File, rej.Sheet, rej.Row = p.file, sheet, n
		return p.reject(rej)
	}
	return p.failed
}

func (p *parser) reject(e *RowError) error {
	p.sum.Rejected++
	p.opts.Logger.Warn("row rejected", "file", e.File, "sheet", e.Sheet, "row", e.Row,
		"column", e.Column, "code", e.Code)
	return p.sink.Reject(e)
}

// checkLengths rejects a row with a cell longer than the limit.
func (p *parser) checkLengths(sheet string, h *header, n int, cells []string) *RowError {
	max := p.opts.Limits.MaxCellChars
	for i, c := range cells {
		if len(c) <= max || utf8.RuneCountInString(c) <= max {
			continue
		}
		col := ""
		if i < len(h.Cols) {
			col = h.Cols[i].Text
		}
		code, msg := codeOf(ErrCellTooLong)
		return &RowError{File: p.file, Sheet: sheet, Row: n, Column: col,
			Value: string([]rune(c)[:min(max, 100)]) + "…", Code: code, Message: msg,
			Err: fmt.Errorf("%d characters: %w", utf8.RuneCountInString(c), ErrCellTooLong)}
	}
	return nil
}

// rowView reads the fields of one data row, falling back to the values of
// the key-value block above the table.
type rowView struct {
	h     *header
	cells []string
	kv    map[Field]kvPair
}

// get returns the raw value of field f and the column it came from.
func (r rowView) get(f Field) (value, column string) {
	if i, ok := r.h.idx[f]; ok && i < len(r.cells) {
		if v := strings.TrimSpace(r.cells[i]); v != "" {
			return v, r.h.Cols[i].Text
		}
	}
	if v, ok := r.kv[f]; ok {
		return v.Value, v.Key
	}
	return "", ""
}

// extra returns the non-empty values of columns no field claims, keyed by
// their header; nil when there are none. A 序号 column is dropped.
func (r rowView) extra() map[string]string {
	var m map[string]string
	for i, c := range r.h.Cols {
		if c.Field != "" || c.Ignore || i >= len(r.cells) || c.Text == "" {
			continue
		}
		v := strings.TrimSpace(r.cells[i])
		if v == "" {
			continue
		}
		if m == nil {
			m = map[string]string{}
		}
		m[c.Text] = v
	}
	return m
}

// bad builds the rejection of a value of field f.
func (r rowView) bad(f Field, err error) *RowError {
	v, col := r.get(f)
	if col == "" {
		col = fieldLabel(f)
	}
	code, msg := codeOf(err)
	if col != "" {
		msg = "“" + col + "”：" + msg
	}
	return &RowError{Column: col, Value: v, Code: code, Message: msg, Err: err}
}

// finish emits the units gathered across rows and settles the scope.
func (p *parser) finish() error {
	for _, code := range p.unitOrder {
		if err := p.sink.Unit(*p.units[code]); err != nil {
			return err
		}
		p.sum.Stored++
	}
	switch p.opts.Kind {
	case reconcile.KindAttendance:
		p.sum.Scope = eventScope(p.events)
	case reconcile.KindUnitSheet:
		return p.unitSheetScope()
	default:
		p.sum.Scope = "all"
	}
	return nil
}

// eventScope names the events of an attendance file: "event:<key>" for
// one, "events:<digest of the sorted keys>" for several.
func eventScope(events map[string]bool) string {
	keys := make([]string, 0, len(events))
	for k := range events {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) == 1 {
		return "event:" + keys[0]
	}
	return "events:" + Checksum([]byte(strings.Join(keys, "\n")))[:16]
}

// unitSheetScope settles a unit sheet's unit and year: the unit given by
// the caller or named in the file, else the one most rows name; the year
// stated in a title or key-value row, else the one most rows fall in.
func (p *parser) unitSheetScope() error {
	unit, year := p.fileUnit, p.fileYear
	if unit == "" {
		unit = topVote(p.unitVotes)
	}
	if year == 0 {
		best := 0
		for y, n := range p.yearVotes {
			if n > best || n == best && y > year {
				year, best = y, n
			}
		}
	}
	if unit == "" {
		return fileError(p.file, ErrMissingField,
			"无法确定这份统计表属于哪个单位：请放在 unit-sheet/<单位编码>/ 文件夹中，"+
				"或在标题中写明单位名称。", nil)
	}
	p.sum.UnitCode, p.sum.Year = unit, year
	p.sum.Scope = "unit:" + unit + "/" + year.String()
	return nil
}

func topVote(votes map[string]int) string {
	best, top := "", 0
	for k, n := range votes {
		if n > top || n == top && k < best {
			best, top = k, n
		}
	}
	return best
}
