package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"cehours/reconcile"
)

// PersonResult is what reconciliation computed for one person and year.
type PersonResult struct {
	Standing reconcile.Standing
	Ledger   []reconcile.LedgerLine

	ledgerJSON string
	digest     string
}

// NewPersonResult returns the result of one person and year, encoded for
// storage. Encoding is the costly part of saving, so callers that compute
// many people at once call this in their workers.
func NewPersonResult(st reconcile.Standing, ledger []reconcile.LedgerLine) PersonResult {
	lj := jsonText(ledger)
	sum := sha256.Sum256([]byte(jsonText(st) + lj))
	return PersonResult{Standing: st, Ledger: ledger, ledgerJSON: lj, digest: hex.EncodeToString(sum[:])}
}

// Range is a half-open interval of staff numbers, (After, Last]; an empty
// Last means "to the end".
type Range struct {
	After, Last string
}

func (r Range) where(col string) (string, []any) {
	if r.Last == "" {
		return col + " > ?", []any{r.After}
	}
	return col + " > ? AND " + col + " <= ?", []any{r.After, r.Last}
}

// SaveCounts tells what a save changed.
type SaveCounts struct {
	StandingsWritten int `json:"standings_written"`
	StandingsRemoved int `json:"standings_removed"`
	NewDiscrepancies int `json:"new_discrepancies"`
	Resolved         int `json:"resolved_discrepancies"`
	Reopened         int `json:"reopened_discrepancies"`
}

// Add adds o to c.
func (c *SaveCounts) Add(o SaveCounts) {
	c.StandingsWritten += o.StandingsWritten
	c.StandingsRemoved += o.StandingsRemoved
	c.NewDiscrepancies += o.NewDiscrepancies
	c.Resolved += o.Resolved
	c.Reopened += o.Reopened
}

// SaveStandings makes the stored standings of year y for the staff
// numbers in rng equal to results: a standing whose content is unchanged
// is not written, one no longer computed is removed. results must be the
// complete set for rng.
func SaveStandings(ctx context.Context, tx *sqlx.Tx, d Dialect, y reconcile.Year, rng Range, results []PersonResult) (SaveCounts, error) {
	var c SaveCounts
	cond, args := rng.where("staff_no")
	stored := map[string]string{}
	rows, err := tx.QueryxContext(ctx, `SELECT staff_no, digest FROM standings WHERE year = ? AND `+cond,
		append([]any{int(y)}, args...)...)
	if err != nil {
		return c, fmt.Errorf("select standing digests: %w", err)
	}
	for rows.Next() {
		var no, dg string
		if err := rows.Scan(&no, &dg); err != nil {
			rows.Close()
			return c, fmt.Errorf("scan standing digest: %w", err)
		}
		stored[no] = dg
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("select standing digests: %w", err)
	}

	// Decide what changed: new or different standings are rewritten, those
	// no longer computed are removed.
	var changed []PersonResult
	var digests []string
	var remove []string
	for _, r := range results {
		if r.digest == "" {
			r = NewPersonResult(r.Standing, r.Ledger)
		}
		dg := r.digest
		if old, ok := stored[r.Standing.StaffNo]; !ok || old != dg {
			changed = append(changed, r)
			digests = append(digests, dg)
			if ok {
				remove = append(remove, r.Standing.StaffNo)
			}
		}
		delete(stored, r.Standing.StaffNo)
	}
	for no := range stored {
		remove = append(remove, no)
		c.StandingsRemoved++
	}
	if err := deleteStandings(ctx, tx, y, remove); err != nil {
		return c, err
	}
	if err := insertStandings(ctx, tx, d, y, changed, digests); err != nil {
		return c, err
	}
	c.StandingsWritten = len(changed)
	return c, nil
}

func deleteStandings(ctx context.Context, tx *sqlx.Tx, y reconcile.Year, nos []string) error {
	for len(nos) > 0 {
		n := min(len(nos), 500)
		q, args, err := sqlx.In(`DELETE FROM standings WHERE year = ? AND staff_no IN (?)`, int(y), nos[:n])
		if err != nil {
			return fmt.Errorf("delete standings: %w", err)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("delete standings: %w", err)
		}
		nos = nos[n:]
	}
	return nil
}

const standingColumns = `(staff_no, year, unit_code, name, status, if_confirmed, profile,
	whole_year, hours_a, hours_b, hours_c, hours_total, pending_a, pending_b, pending_c,
	pending_total, capped, missing_total, missing_a, missing_bc, ledger, digest, computed_at)`

const standingPlaceholders = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

func insertStandings(ctx context.Context, tx *sqlx.Tx, d Dialect, y reconcile.Year, rs []PersonResult, digests []string) error {
	now := Now()
	rows := make([][]any, len(rs))
	for i, r := range rs {
		s := r.Standing
		rows[i] = []any{s.StaffNo, int(y), s.UnitCode, s.Name, string(s.Status),
			string(s.IfConfirmed), s.Profile, s.WholeYear,
			s.Hours.A, s.Hours.B, s.Hours.C, s.Hours.Total,
			s.Pending.A, s.Pending.B, s.Pending.C, s.Pending.Total,
			s.Capped, s.Missing.Total, s.Missing.A, s.Missing.BC,
			r.ledgerJSON, digests[i], now}
	}
	return InsertRows(ctx, tx, d, "INSERT INTO standings "+standingColumns+" VALUES ", standingPlaceholders, rows)
}

// InsertRows inserts rows with the statement prefix ("INSERT INTO t (…)
// VALUES ") and one row's placeholder group, in the batch size that suits
// the dialect: multi-row statements on MySQL, where round trips dominate,
// one prepared single-row statement on SQLite, where that is fastest.
func InsertRows(ctx context.Context, tx *sqlx.Tx, d Dialect, prefix, group string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	batch := d.BatchRows()
	var stmt *sqlx.Stmt
	defer func() {
		if stmt != nil {
			stmt.Close()
		}
	}()
	for len(rows) > 0 {
		n := min(batch, len(rows))
		var args []any
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if n == batch {
			if stmt == nil {
				q := prefix + strings.TrimSuffix(strings.Repeat(group+",", n), ",")
				s, err := tx.PreparexContext(ctx, q)
				if err != nil {
					return fmt.Errorf("prepare insert: %w", err)
				}
				stmt = s
			}
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return fmt.Errorf("insert: %w", err)
			}
		} else {
			q := prefix + strings.TrimSuffix(strings.Repeat(group+",", n), ",")
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("insert: %w", err)
			}
		}
		rows = rows[n:]
	}
	return nil
}

// storedDiscrepancy is the part of a stored discrepancy a merge compares.
type storedDiscrepancy struct {
	ID       string         `db:"id"`
	Code     string         `db:"code"`
	Severity string         `db:"severity"`
	UnitCode string         `db:"unit_code"`
	Message  string         `db:"message"`
	Action   *string        `db:"action"`
	Sources  *string        `db:"sources"`
	Status   string         `db:"status"`
	LastSeen reconcile.Date `db:"last_seen"`
}

// Codes selects discrepancies by code: with Only set, those codes; else
// every code but Except.
type Codes struct {
	Only   []reconcile.FlagCode
	Except []reconcile.FlagCode
}

func (c Codes) match(code string) bool {
	for _, o := range c.Only {
		if string(o) == code {
			return true
		}
	}
	if len(c.Only) > 0 {
		return false
	}
	for _, e := range c.Except {
		if string(e) == code {
			return false
		}
	}
	return true
}

// MergeDiscrepancies makes the stored discrepancies of year y, for the
// staff numbers in rng and the codes selected, agree with computed: a new
// one is inserted as first seen today; one seen again keeps its id and
// first-seen date and is updated only if it changed; one no longer
// computed is resolved today. A discrepancy with a reviewer's decision in
// force is stored as resolved.
func MergeDiscrepancies(ctx context.Context, tx *sqlx.Tx, d Dialect, y reconcile.Year, rng Range, codes Codes,
	computed []reconcile.Discrepancy, today reconcile.Date) (SaveCounts, error) {
	var c SaveCounts
	cond, args := rng.where("staff_no")
	var stored []storedDiscrepancy
	q := `SELECT id, code, severity, unit_code, message, action, sources, status, last_seen
		FROM discrepancies WHERE year = ? AND ` + cond
	if err := sqlx.SelectContext(ctx, tx, &stored, q, append([]any{int(y)}, args...)...); err != nil {
		return c, fmt.Errorf("select discrepancies: %w", err)
	}
	byID := make(map[string]storedDiscrepancy, len(stored))
	for _, s := range stored {
		if codes.match(s.Code) {
			byID[s.ID] = s
		}
	}

	seen := make(map[string]bool, len(computed))
	var inserts, updates [][]any
	for _, d := range computed {
		if seen[d.ID] {
			continue
		}
		seen[d.ID] = true
		status := "open"
		var resolved any
		if d.Resolution != "" {
			status, resolved = "resolved", today
		}
		sources := jsonText(d.Sources)
		s, ok := byID[d.ID]
		delete(byID, d.ID)
		switch {
		case !ok:
			inserts = append(inserts, []any{d.ID, string(d.Code), string(d.Severity), d.StaffNo,
				d.UnitCode, int(y), truncate(d.Subject, 191), d.Message, d.Action, sources, status,
				today, today, resolved})
		case s.Status != status || s.Severity != string(d.Severity) || s.UnitCode != d.UnitCode ||
			s.Message != d.Message || deref(s.Action) != d.Action || deref(s.Sources) != sources ||
			s.LastSeen != today:
			if s.Status == "resolved" && status == "open" {
				c.Reopened++
			}
			updates = append(updates, []any{string(d.Severity), d.UnitCode, d.Message, d.Action,
				sources, status, today, resolved, d.ID})
		}
	}
	// What is no longer found is resolved.
	var gone []string
	for id, s := range byID {
		if s.Status == "open" {
			gone = append(gone, id)
		}
	}

	const ins = `INSERT INTO discrepancies (id, code, severity, staff_no, unit_code, year,
		subject, message, action, sources, status, first_seen, last_seen, resolved_on) VALUES `
	if err := InsertRows(ctx, tx, d, ins, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", inserts); err != nil {
		return c, fmt.Errorf("insert discrepancies: %w", err)
	}
	c.NewDiscrepancies = len(inserts)
	const upd = `UPDATE discrepancies SET severity = ?, unit_code = ?, message = ?, action = ?,
		sources = ?, status = ?, last_seen = ?, resolved_on = ? WHERE id = ?`
	if err := execEach(ctx, tx, upd, updates); err != nil {
		return c, fmt.Errorf("update discrepancies: %w", err)
	}
	const res = `UPDATE discrepancies SET status = 'resolved', resolved_on = ? WHERE id = ?`
	resolve := make([][]any, len(gone))
	for i, id := range gone {
		resolve[i] = []any{today, id}
	}
	if err := execEach(ctx, tx, res, resolve); err != nil {
		return c, fmt.Errorf("resolve discrepancies: %w", err)
	}
	c.Resolved = len(gone)
	return c, nil
}

// execEach runs one statement, prepared once, for each argument list.
func execEach(ctx context.Context, tx *sqlx.Tx, query string, args [][]any) error {
	if len(args) == 0 {
		return nil
	}
	stmt, err := tx.PreparexContext(ctx, query)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, a := range args {
		if _, err := stmt.ExecContext(ctx, a...); err != nil {
			return err
		}
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// truncate cuts s to at most n characters (not bytes).
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
