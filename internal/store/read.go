package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"cehours/reconcile"
)

// standingRow is a row of the standings table.
type standingRow struct {
	StaffNo      string          `db:"staff_no"`
	Year         int             `db:"year"`
	UnitCode     string          `db:"unit_code"`
	Name         string          `db:"name"`
	Status       string          `db:"status"`
	IfConfirmed  string          `db:"if_confirmed"`
	Profile      string          `db:"profile"`
	WholeYear    bool            `db:"whole_year"`
	HoursA       reconcile.Hours `db:"hours_a"`
	HoursB       reconcile.Hours `db:"hours_b"`
	HoursC       reconcile.Hours `db:"hours_c"`
	HoursTotal   reconcile.Hours `db:"hours_total"`
	PendingA     reconcile.Hours `db:"pending_a"`
	PendingB     reconcile.Hours `db:"pending_b"`
	PendingC     reconcile.Hours `db:"pending_c"`
	PendingTotal reconcile.Hours `db:"pending_total"`
	Capped       reconcile.Hours `db:"capped"`
	MissingTotal reconcile.Hours `db:"missing_total"`
	MissingA     reconcile.Hours `db:"missing_a"`
	MissingBC    reconcile.Hours `db:"missing_bc"`
}

func (r standingRow) standing() reconcile.Standing {
	return reconcile.Standing{
		StaffNo: r.StaffNo, Name: r.Name, UnitCode: r.UnitCode, Year: reconcile.Year(r.Year),
		Status: reconcile.StandingStatus(r.Status), WholeYear: r.WholeYear,
		Hours:       reconcile.CategoryHours{A: r.HoursA, B: r.HoursB, C: r.HoursC, Total: r.HoursTotal},
		Pending:     reconcile.CategoryHours{A: r.PendingA, B: r.PendingB, C: r.PendingC, Total: r.PendingTotal},
		Capped:      r.Capped,
		Missing:     reconcile.Missing{Total: r.MissingTotal, A: r.MissingA, BC: r.MissingBC},
		IfConfirmed: reconcile.StandingStatus(r.IfConfirmed), Profile: r.Profile,
	}
}

// standingColumnList is what standingRow scans; ledgerSelect adds the
// stored ledger for ledgerRow.
const standingColumnList = `staff_no, year, unit_code, name, status, if_confirmed, profile,
	whole_year, hours_a, hours_b, hours_c, hours_total, pending_a, pending_b, pending_c,
	pending_total, capped, missing_total, missing_a, missing_bc`

const (
	standingSelect = `SELECT ` + standingColumnList + ` FROM standings`
	ledgerSelect   = `SELECT ` + standingColumnList + `, ledger FROM standings`
)

// Standings returns the standings of year y in staff-number order, of one
// unit when unit is not empty.
func Standings(ctx context.Context, q Queryer, y reconcile.Year, unit string) ([]reconcile.Standing, error) {
	query, args := standingSelect+` WHERE year = ? ORDER BY staff_no`, []any{int(y)}
	if unit != "" {
		query, args = standingSelect+` WHERE year = ? AND unit_code = ? ORDER BY staff_no`, []any{int(y), unit}
	}
	var rows []standingRow
	if err := sqlx.SelectContext(ctx, q, &rows, query, args...); err != nil {
		return nil, fmt.Errorf("select standings: %w", err)
	}
	out := make([]reconcile.Standing, len(rows))
	for i, r := range rows {
		out[i] = r.standing()
	}
	return out, nil
}

// PersonLedger returns one person's standing and ledger for year y; found
// is false when the year has not been reconciled for that person.
func PersonLedger(ctx context.Context, q Queryer, staffNo string, y reconcile.Year) (
	st reconcile.Standing, lines []reconcile.LedgerLine, found bool, err error) {
	var row ledgerRow
	query := ledgerSelect + ` WHERE staff_no = ? AND year = ?`
	err = sqlx.GetContext(ctx, q, &row, query, staffNo, int(y))
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil, false, nil
	}
	if err != nil {
		return st, nil, false, fmt.Errorf("select ledger of %s: %w", staffNo, err)
	}
	lines, err = row.lines()
	if err != nil {
		return st, nil, false, err
	}
	return row.standing(), lines, true, nil
}

// ledgerRow is a standing with its stored ledger.
type ledgerRow struct {
	standingRow
	Ledger sql.NullString `db:"ledger"`
}

// lines decodes the stored ledger; none when it is empty.
func (r ledgerRow) lines() ([]reconcile.LedgerLine, error) {
	if !r.Ledger.Valid || r.Ledger.String == "" {
		return nil, nil
	}
	var lines []reconcile.LedgerLine
	if err := json.Unmarshal([]byte(r.Ledger.String), &lines); err != nil {
		return nil, fmt.Errorf("decode ledger of %s: %w", r.StaffNo, err)
	}
	return lines, nil
}

// DiscrepancyFilter selects discrepancies; zero fields select all.
type DiscrepancyFilter struct {
	ID      string
	Year    reconcile.Year
	Range   *Range // staff numbers in (After, Last]
	Unit    string
	StaffNo string
	Status  string // open | resolved | "" for all
}

// Discrepancies returns the discrepancies the filter selects, with the
// decision in force on each, ordered by unit, staff number, code and id.
func Discrepancies(ctx context.Context, q Queryer, f DiscrepancyFilter) ([]reconcile.Discrepancy, error) {
	// Only the filters given become conditions, so that the indexes on
	// (staff_no, year) and (year, unit_code, status) serve them; values
	// still travel as parameters.
	var conds []string
	var args []any
	for _, c := range []struct {
		on   bool
		cond string
		arg  any
	}{
		{f.ID != "", "id = ?", f.ID},
		{f.Year != 0, "year = ?", int(f.Year)},
		{f.Unit != "", "unit_code = ?", f.Unit},
		{f.StaffNo != "", "staff_no = ?", f.StaffNo},
		{f.Status != "", "status = ?", f.Status},
	} {
		if c.on {
			conds = append(conds, c.cond)
			args = append(args, c.arg)
		}
	}
	if f.Range != nil {
		cond, a := f.Range.where("staff_no")
		conds, args = append(conds, cond), append(args, a...)
	}
	where := ""
	if len(conds) > 0 {
		where = "WHERE " + strings.Join(conds, " AND ")
	}
	// For one person the order names no unit or staff: an ORDER BY that
	// the (year, unit_code, status) index satisfies would lead the planner
	// to scan the whole year through it instead of the person's rows.
	order := "ORDER BY unit_code, staff_no, code, id"
	switch {
	case f.StaffNo != "":
		order = "ORDER BY code, id"
	case f.Range != nil:
		order = "ORDER BY staff_no, code, id"
	}
	query := `SELECT id, code, severity, staff_no, unit_code, year, subject, message,
		COALESCE(action, '') AS action, COALESCE(sources, '') AS sources, status, first_seen
		FROM discrepancies ` + where + " " + order
	var rows []struct {
		ID        string         `db:"id"`
		Code      string         `db:"code"`
		Severity  string         `db:"severity"`
		StaffNo   string         `db:"staff_no"`
		UnitCode  string         `db:"unit_code"`
		Year      int            `db:"year"`
		Subject   string         `db:"subject"`
		Message   string         `db:"message"`
		Action    string         `db:"action"`
		Sources   string         `db:"sources"`
		Status    string         `db:"status"`
		FirstSeen reconcile.Date `db:"first_seen"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, query, args...); err != nil {
		return nil, fmt.Errorf("select discrepancies: %w", err)
	}
	out := make([]reconcile.Discrepancy, len(rows))
	for i, r := range rows {
		d := reconcile.Discrepancy{ID: r.ID, Code: reconcile.FlagCode(r.Code),
			Severity: reconcile.Severity(r.Severity), StaffNo: r.StaffNo, UnitCode: r.UnitCode,
			Year: reconcile.Year(r.Year), Subject: r.Subject, Message: r.Message, Action: r.Action,
			Status: r.Status, FirstSeen: r.FirstSeen, Sources: []reconcile.SourceRef{}}
		if r.Sources != "" {
			if err := json.Unmarshal([]byte(r.Sources), &d.Sources); err != nil {
				return nil, fmt.Errorf("decode sources of %s: %w", r.ID, err)
			}
		}
		out[i] = d
	}
	if err := attachDecisions(ctx, q, out); err != nil {
		return nil, err
	}
	return out, nil
}

// LedgersInRange returns the standings and ledgers of year y for the
// staff numbers in rng, by staff number.
func LedgersInRange(ctx context.Context, q Queryer, y reconcile.Year, rng Range) (map[string]PersonResult, error) {
	cond, args := rng.where("staff_no")
	query := ledgerSelect + ` WHERE year = ? AND ` + cond
	rows, err := q.QueryxContext(ctx, query, append([]any{int(y)}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("select ledgers: %w", err)
	}
	defer rows.Close()
	out := map[string]PersonResult{}
	for rows.Next() {
		var row ledgerRow
		if err := rows.StructScan(&row); err != nil {
			return nil, fmt.Errorf("scan ledger: %w", err)
		}
		lines, err := row.lines()
		if err != nil {
			return nil, err
		}
		out[row.StaffNo] = PersonResult{Standing: row.standing(), Ledger: lines}
	}
	return out, rows.Err()
}

// attachDecisions fills in the decision in force on each discrepancy.
func attachDecisions(ctx context.Context, q Queryer, ds []reconcile.Discrepancy) error {
	idx := make(map[string]int, len(ds))
	ids := make([]string, 0, len(ds))
	for i, d := range ds {
		idx[d.ID] = i
		ids = append(ids, d.ID)
	}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		query, args, err := sqlx.In(`SELECT discrepancy_id, accepted, COALESCE(note, ''), decided_by
			FROM resolutions WHERE discrepancy_id IN (?) ORDER BY decided_at, id`, ids[:n])
		if err != nil {
			return fmt.Errorf("select decisions: %w", err)
		}
		rows, err := q.QueryxContext(ctx, q.Rebind(query), args...)
		if err != nil {
			return fmt.Errorf("select decisions: %w", err)
		}
		for rows.Next() {
			var id, note, by string
			var accepted bool
			if err := rows.Scan(&id, &accepted, &note, &by); err != nil {
				rows.Close()
				return fmt.Errorf("scan decision: %w", err)
			}
			d := &ds[idx[id]]
			d.Resolution, d.Note, d.DecidedBy = "rejected", note, by
			if accepted {
				d.Resolution = "accepted"
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("select decisions: %w", err)
		}
		ids = ids[n:]
	}
	return nil
}
