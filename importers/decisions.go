package importers

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"cehours/internal/store"
	"cehours/reconcile"
)

// A returned unit workbook (kind resolutions) is the discrepancy
// workbook the unit received, with the 处理意见 column filled in. Its
// decisions sheet has a header row with the discrepancy id (编号) and the
// decision (处理意见), and optionally a note (备注); every other column is
// for people and ignored. Decisions are read loosely:
//
//	认可, 同意, 接受                 the discrepancy is accepted
//	不认可, 不同意, 驳回, 不接受      it is rejected
//	更正, or a blank cell           no decision: the unit will correct its
//	                                own sheet, and the discrepancy stays open
//
// Decisions accumulate: a later workbook adds decisions and never removes
// earlier ones, and the newest decision on a discrepancy is in force.
var (
	decisionIDHeaders   = []string{"编号", "差异编号", "ID", "id"}
	decisionHeaders     = []string{"处理意见"}
	decisionNoteHeaders = []string{"备注", "说明", "处理说明"}
	acceptWords         = []string{"认可", "同意", "接受"}
	rejectWords         = []string{"不认可", "不同意", "驳回", "不接受"}
	noDecisionWords     = []string{"", "更正"}
)

// Reject codes of returned workbooks.
const (
	CodeBadDecision        = "bad-decision"
	CodeUnknownDiscrepancy = "unknown-discrepancy"
	CodeNotYourUnit        = "not-your-unit"
)

// decision is one decided row of a returned workbook.
type decision struct {
	sheet    string
	row      int
	id       string
	accepted bool
	note     string
}

// decisionColumns locates the id, decision and note columns of a header
// row; ok is false when the row is not the header.
func decisionColumns(cells []string) (id, dec, note int, ok bool) {
	id, dec, note = -1, -1, -1
	for i, c := range cells {
		c = strings.TrimSpace(c)
		switch {
		case anyEqual(c, decisionIDHeaders) && id < 0:
			id = i
		case anyEqual(c, decisionHeaders):
			dec = i
		case anyEqual(c, decisionNoteHeaders):
			note = i
		}
	}
	return id, dec, note, id >= 0 && dec >= 0
}

func anyEqual(s string, set []string) bool {
	for _, v := range set {
		if s == v {
			return true
		}
	}
	return false
}

// parseDecisions reads every sheet's decisions table. Rows without an id
// are skipped; a decision word it does not know rejects the row. It
// returns a FileError when no sheet has the header.
func parseDecisions(ctx context.Context, name string, data []byte, lim Limits) (
	decs []decision, rejects []*RowError, skipped int, err error) {
	b, err := openBook(name, data, lim.withDefaults())
	if err != nil {
		return nil, nil, 0, err
	}
	defer func() { _ = b.Close() }()
	found := false
	for _, sh := range b.Sheets {
		it, err := sh.Open()
		if err != nil {
			return nil, nil, 0, err
		}
		idCol, decCol, noteCol := -1, -1, -1
		for it.Next() {
			if err := ctx.Err(); err != nil {
				_ = it.Close()
				return nil, nil, 0, err
			}
			n, cells := it.Row()
			if idCol < 0 {
				if i, d, nt, ok := decisionColumns(cells); ok {
					idCol, decCol, noteCol, found = i, d, nt, true
				}
				continue
			}
			d, rej, ok := decisionRow(name, sh.Name, n, cells, idCol, decCol, noteCol)
			switch {
			case rej != nil:
				rejects = append(rejects, rej)
			case ok:
				decs = append(decs, d)
			default:
				skipped++
			}
		}
		err = it.Err()
		_ = it.Close()
		if err != nil {
			return nil, nil, 0, err
		}
	}
	if !found {
		return nil, nil, 0, fileError(name, ErrNoHeader,
			"没有找到“编号”和“处理意见”列：请直接填写系统发送的差异清单后交回，不要改动表头。", nil)
	}
	return decs, rejects, skipped, nil
}

// decisionRow reads one row; ok is false for a row with no decision.
func decisionRow(file, sheet string, n int, cells []string, idCol, decCol, noteCol int) (
	d decision, rej *RowError, ok bool) {
	cell := func(i int) string {
		if i < 0 || i >= len(cells) {
			return ""
		}
		return strings.TrimSpace(cells[i])
	}
	d = decision{sheet: sheet, row: n, id: cell(idCol), note: cell(noteCol)}
	word := strings.ReplaceAll(cell(decCol), " ", "")
	switch {
	case d.id == "":
		return d, nil, false
	case anyEqual(word, acceptWords):
		d.accepted = true
	case anyEqual(word, rejectWords):
	case anyEqual(word, noDecisionWords):
		return d, nil, false
	default:
		return d, &RowError{File: file, Sheet: sheet, Row: n, Column: decisionHeaders[0], Value: cell(decCol),
			Code: CodeBadDecision, Err: ErrMissingField,
			Message: "处理意见只能填写“认可”“不认可”或“更正”。"}, false
	}
	if d.note == "" {
		d.note = "单位交回差异清单：" + map[bool]string{true: "认可", false: "不认可"}[d.accepted]
	}
	return d, nil, true
}

// workbookUnit matches the unit code in the name of a workbook the
// reports send ("discrepancies-U01-2024-2025.xlsx").
var workbookUnit = regexp.MustCompile(`discrepancies-([0-9A-Za-z_]+)-\d{4}-\d{4}`)

// importDecisions stores the decisions of a returned unit workbook in one
// transaction with the file's row. unit is the unit that returned it;
// when empty it is taken from the file name, and when the name does not
// say either the decisions are not checked against a unit (HR's own
// inbox). A decision on another unit's discrepancy, or on an id that does
// not exist, is rejected with its row.
func (im *Importer) importDecisions(ctx context.Context, path, unit string, data []byte, sha string) (Outcome, error) {
	out := Outcome{Path: path}
	name := filepath.Base(path)
	if unit == "" {
		if m := workbookUnit.FindStringSubmatch(name); m != nil {
			unit = m[1]
		}
	}
	decs, rejects, skipped, err := parseDecisions(ctx, name, data, im.Limits)
	var fe *FileError
	if errors.As(err, &fe) {
		return im.fail(ctx, out, reconcile.KindResolutions, sha, data, fe)
	}
	if err != nil {
		return out, err
	}
	by := "unit-workbook"
	if unit != "" {
		by = "unit:" + unit
	}
	// Decisions accumulate: each file is a scope of its own, never
	// replacing an earlier one.
	meta := store.ImportedFile{Name: name, Path: path, SHA256: sha, Kind: reconcile.KindResolutions,
		Size: int64(len(data)), UnitCode: unit, Scope: strings.TrimSpace(unit + " " + sha[:12])}
	stored, err := im.Store.ImportFile(ctx, meta, func(w *store.FileWriter) (store.ImportedFile, error) {
		for _, d := range decs {
			ok, err := w.Decide(store.Decision{DiscrepancyID: d.id, Accepted: d.accepted, Note: d.note, By: by}, unit)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				rejects = append(rejects, &RowError{File: name, Sheet: d.sheet, Row: d.row,
					Column: decisionIDHeaders[0], Value: d.id, Code: CodeUnknownDiscrepancy, Err: err,
					Message: "没有这个编号的差异，请核对“编号”列是否被改动。"})
			case errors.Is(err, store.ErrNotYours):
				rejects = append(rejects, &RowError{File: name, Sheet: d.sheet, Row: d.row,
					Column: decisionIDHeaders[0], Value: d.id, Code: CodeNotYourUnit, Err: err,
					Message: "这条差异不属于本单位，不能由本单位处理。"})
			case err != nil:
				return meta, err
			case ok:
				meta.Stored++
			default:
				meta.Skipped++ // the same decision is already in force
			}
		}
		for _, r := range rejects {
			im.logger().Warn("row rejected", "file", name, "sheet", r.Sheet, "row", r.Row,
				"column", r.Column, "code", r.Code)
			if err := (storeSink{w}).Reject(r); err != nil {
				return meta, err
			}
		}
		meta.Rejected, meta.Skipped = len(rejects), meta.Skipped+skipped
		return meta, nil
	})
	switch {
	case errors.Is(err, store.ErrDuplicate):
		out.File, out.Duplicate = stored, true
		return out, nil
	case err != nil:
		return out, fmt.Errorf("import %s: %w", name, err)
	}
	im.logger().Info("decisions imported", "file", name, "unit", unit, "stored", stored.Stored,
		"rejected", stored.Rejected, "skipped", stored.Skipped)
	out.File = stored
	return out, nil
}
