package store

import (
	"database/sql"
	"errors"
	"fmt"
)

// Decision is a reviewer's decision read from a returned unit workbook.
type Decision struct {
	DiscrepancyID string
	Accepted      bool
	Note          string
	By            string // e.g. "unit:U01"
}

// ErrNotYours is the cause when a decision names a discrepancy of
// another unit than the one whose workbook it came from.
var ErrNotYours = errors.New("discrepancy of another unit")

// Decide records a decision as part of the file being imported. unit,
// when not empty, is the unit whose workbook the decision came from: a
// unit decides only on its own staff's discrepancies. It returns an error
// wrapping sql.ErrNoRows when no discrepancy has the id and ErrNotYours
// when it belongs to another unit; nothing is stored then. A decision
// equal to the one already in force is not stored again, so that
// importing a corrected copy of a workbook repeats nothing.
func (w *FileWriter) Decide(d Decision, unit string) (stored bool, err error) {
	var owner string
	err = w.tx.GetContext(w.ctx, &owner, `SELECT unit_code FROM discrepancies WHERE id = ?`, d.DiscrepancyID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("decide %s: %w", d.DiscrepancyID, err)
	}
	if err != nil {
		return false, fmt.Errorf("decide %s: %w", d.DiscrepancyID, err)
	}
	if unit != "" && owner != unit {
		return false, fmt.Errorf("decide %s: unit %s: %w", d.DiscrepancyID, owner, ErrNotYours)
	}

	// The decision in force, if any.
	var cur struct {
		Accepted bool   `db:"accepted"`
		Note     string `db:"note"`
	}
	err = w.tx.GetContext(w.ctx, &cur, `SELECT accepted, COALESCE(note, '') AS note FROM resolutions
		WHERE discrepancy_id = ? ORDER BY decided_at DESC, id DESC LIMIT 1`, d.DiscrepancyID)
	switch {
	case err == nil && cur.Accepted == d.Accepted && cur.Note == d.Note:
		return false, nil
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return false, fmt.Errorf("decide %s: %w", d.DiscrepancyID, err)
	}
	const ins = `INSERT INTO resolutions (discrepancy_id, accepted, note, decided_by, decided_at, file_id)
		VALUES (?, ?, ?, ?, ?, ?)`
	if _, err := w.tx.ExecContext(w.ctx, ins, d.DiscrepancyID, d.Accepted, d.Note, d.By, Now(), w.fileID); err != nil {
		return false, fmt.Errorf("decide %s: %w", d.DiscrepancyID, err)
	}
	return true, nil
}
