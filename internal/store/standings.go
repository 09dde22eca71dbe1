package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"cehours/reconcile"
)

// Queryer is what read queries need: the database or a transaction.
type Queryer interface {
	sqlx.QueryerContext
	sqlx.ExtContext
}

// staffRow is a row of the staff table.
type staffRow struct {
	No       string         `db:"staff_no"`
	Name     string         `db:"name"`
	UnitCode string         `db:"unit_code"`
	Email    string         `db:"email"`
	Teacher  bool           `db:"teacher"`
	Series   string         `db:"series"`
	Birth    reconcile.Date `db:"birth_date"`
	Hired    reconcile.Date `db:"hire_date"`
	Left     reconcile.Date `db:"leave_date"`
}

func (r staffRow) staff() reconcile.Staff {
	return reconcile.Staff{No: r.No, Name: r.Name, UnitCode: r.UnitCode, Email: r.Email,
		Teacher: r.Teacher, Series: r.Series, Birth: r.Birth, Hired: r.Hired, Left: r.Left}
}

// StaffInScope returns up to limit people of the current roster in scope
// for year y whose staff number sorts after `after`, in staff-number
// order. A person is in scope when hired on or before the year's last day
// (or with no hire date) and not gone before its first day.
func StaffInScope(ctx context.Context, q Queryer, y reconcile.Year, after string, limit int) ([]reconcile.Staff, error) {
	const query = `SELECT staff_no, name, unit_code, email, teacher, series,
		birth_date, hire_date, leave_date
		FROM staff
		WHERE active = 1 AND staff_no > ?
		  AND (hire_date IS NULL OR hire_date <= ?)
		  AND (leave_date IS NULL OR leave_date >= ?)
		ORDER BY staff_no
		LIMIT ?`
	var rows []staffRow
	if err := sqlx.SelectContext(ctx, q, &rows, query, after, y.End(), y.Start(), limit); err != nil {
		return nil, fmt.Errorf("select staff in scope: %w", err)
	}
	out := make([]reconcile.Staff, len(rows))
	for i, r := range rows {
		out[i] = r.staff()
	}
	return out, nil
}

// StaffByNo returns one person of the current roster; found is false when
// the roster has no such staff number.
func StaffByNo(ctx context.Context, q Queryer, no string) (p reconcile.Staff, found bool, err error) {
	const query = `SELECT staff_no, name, unit_code, email, teacher, series,
		birth_date, hire_date, leave_date
		FROM staff WHERE active = 1 AND staff_no = ? LIMIT 1`
	var r staffRow
	err = sqlx.GetContext(ctx, q, &r, query, no)
	if errors.Is(err, sql.ErrNoRows) {
		return p, false, nil
	}
	if err != nil {
		return p, false, fmt.Errorf("select staff %s: %w", no, err)
	}
	return r.staff(), true, nil
}

// recordRow is a row of the records table.
type recordRow struct {
	ID        int64           `db:"id"`
	FileID    int64           `db:"file_id"`
	Kind      string          `db:"kind"`
	Sheet     string          `db:"sheet"`
	Row       int             `db:"row_no"`
	StaffNo   string          `db:"staff_no"`
	Name      string          `db:"name"`
	UnitCode  string          `db:"unit_code"`
	EventCode string          `db:"event_code"`
	Title     string          `db:"title"`
	Type      int             `db:"type_no"`
	TypeRaw   string          `db:"type_raw"`
	Category  string          `db:"category"`
	Role      string          `db:"role"`
	Start     reconcile.Date  `db:"start_date"`
	End       reconcile.Date  `db:"end_date"`
	Days      int             `db:"days"`
	Count     int             `db:"cnt"`
	Level     string          `db:"level"`
	Share     int             `db:"share"`
	Hours     reconcile.Hours `db:"hours"`
	Year      int             `db:"year_explicit"`
	Organiser string          `db:"organiser"`
	Evidence  string          `db:"evidence"`
	Review    string          `db:"review"`
	Flags     string          `db:"flags"`
}

func (r recordRow) record() reconcile.Record {
	rec := reconcile.Record{
		ID: r.ID, FileID: r.FileID,
		Source:  reconcile.SourceRef{Kind: reconcile.SourceKind(r.Kind), Sheet: r.Sheet, Row: r.Row},
		StaffNo: r.StaffNo, Name: r.Name, UnitCode: r.UnitCode,
		EventCode: r.EventCode, Title: r.Title, Type: r.Type, TypeRaw: r.TypeRaw,
		Category: reconcile.Category(r.Category), Role: reconcile.Role(r.Role),
		Start: r.Start, End: r.End, Days: r.Days, Count: r.Count,
		Level: reconcile.Level(r.Level), Share: r.Share, Hours: r.Hours,
		Year: reconcile.Year(r.Year), Organiser: r.Organiser, Evidence: r.Evidence,
		Review: reconcile.Review(r.Review),
	}
	for _, f := range strings.Split(r.Flags, ",") {
		if f != "" {
			rec.Flags = append(rec.Flags, reconcile.FlagCode(f))
		}
	}
	return rec
}

// recordSelectColumns are the columns selectRecords scans. The file's
// name is looked up apart (fileNames): joining files in the query lets
// MySQL drive the join from files, through the file_id index, and read a
// whole file's rows for every batch.
const recordSelectColumns = `r.id, r.file_id, r.kind, r.sheet, r.row_no,
	r.staff_no, r.name, r.unit_code, r.event_code, r.title, r.type_no, r.type_raw,
	r.category, r.role, r.start_date, r.end_date, r.days, r.cnt, r.level, r.share,
	r.hours, r.year_explicit, r.organiser, r.evidence, r.review, r.flags`

// RecordsInRange returns the active records of year y whose staff number
// is in (after, last], in the order of the index: by staff number, and
// within a person in no particular order (reconciliation does not depend
// on it). A caller walking the roster in batches reads each record once.
func RecordsInRange(ctx context.Context, q Queryer, y reconcile.Year, after, last string) ([]reconcile.Record, error) {
	const query = `SELECT ` + recordSelectColumns + `
		FROM records r
		WHERE r.active = 1 AND r.staff_no > ? AND r.staff_no <= ? AND r.year = ?`
	return selectRecords(ctx, q, query, after, last, int(y))
}

// RecordsAfter returns the active records of year y whose staff number
// sorts after `after`; with RecordsInRange it covers every staff number.
func RecordsAfter(ctx context.Context, q Queryer, y reconcile.Year, after string) ([]reconcile.Record, error) {
	const query = `SELECT ` + recordSelectColumns + `
		FROM records r
		WHERE r.active = 1 AND r.staff_no > ? AND r.year = ?`
	return selectRecords(ctx, q, query, after, int(y))
}

// RecordsSharingEvidence returns the active records of year y whose
// evidence value is cited by more than one person.
func RecordsSharingEvidence(ctx context.Context, q Queryer, y reconcile.Year) ([]reconcile.Record, error) {
	const query = `SELECT ` + recordSelectColumns + `
		FROM records r
		WHERE r.active = 1 AND r.year = ? AND r.evidence IN (
			SELECT evidence FROM records
			WHERE active = 1 AND year = ? AND evidence <> ''
			GROUP BY evidence HAVING COUNT(DISTINCT staff_no) > 1)
		ORDER BY r.evidence, r.staff_no, r.file_id, r.row_no`
	return selectRecords(ctx, q, query, int(y), int(y))
}

func selectRecords(ctx context.Context, q Queryer, query string, args ...any) ([]reconcile.Record, error) {
	rows, err := q.QueryxContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("select records: %w", err)
	}
	defer rows.Close()
	var out []reconcile.Record
	var r recordRow
	// Scan by position: reflection per row (StructScan) costs more than
	// the rest of reading a record.
	dest := []any{&r.ID, &r.FileID, &r.Kind, &r.Sheet, &r.Row, &r.StaffNo, &r.Name,
		&r.UnitCode, &r.EventCode, &r.Title, &r.Type, &r.TypeRaw, &r.Category, &r.Role,
		&r.Start, &r.End, &r.Days, &r.Count, &r.Level, &r.Share, &r.Hours, &r.Year,
		&r.Organiser, &r.Evidence, &r.Review, &r.Flags}
	ids := map[int64]string{}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("scan record: %w", err)
		}
		ids[r.FileID] = ""
		out = append(out, r.record())
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select records: %w", err)
	}
	rows.Close()
	if err := fileNames(ctx, q, ids); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Source.File = ids[out[i].FileID]
	}
	return out, nil
}

// fileNames fills in the name of each file id in names.
func fileNames(ctx context.Context, q Queryer, names map[int64]string) error {
	ids := make([]int64, 0, len(names))
	for id := range names {
		ids = append(ids, id)
	}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		query, args, err := sqlx.In(`SELECT id, name FROM files WHERE id IN (?)`, ids[:n])
		if err != nil {
			return fmt.Errorf("select file names: %w", err)
		}
		rows, err := q.QueryxContext(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("select file names: %w", err)
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return fmt.Errorf("scan file name: %w", err)
			}
			names[id] = name
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("select file names: %w", err)
		}
		ids = ids[n:]
	}
	return nil
}

// UnitTotalsInRange returns the active per-person unit totals of year y
// for staff numbers in (after, last].
func UnitTotalsInRange(ctx context.Context, q Queryer, y reconcile.Year, after, last string) ([]reconcile.UnitTotal, error) {
	const query = `SELECT t.staff_no, t.unit_code, t.hours_a, t.hours_b, t.hours_c,
		f.name AS file_name, t.sheet, t.row_no
		FROM unit_totals t JOIN files f ON f.id = t.file_id
		WHERE t.active = 1 AND t.year = ? AND t.staff_no > ? AND t.staff_no <= ?
		ORDER BY t.staff_no, t.file_id, t.row_no`
	rows, err := q.QueryxContext(ctx, query, int(y), after, last)
	if err != nil {
		return nil, fmt.Errorf("select unit totals: %w", err)
	}
	defer rows.Close()
	var out []reconcile.UnitTotal
	for rows.Next() {
		t := reconcile.UnitTotal{Year: y, Source: reconcile.SourceRef{Kind: reconcile.KindUnitSheet}}
		if err := rows.Scan(&t.StaffNo, &t.UnitCode, &t.A, &t.B, &t.C,
			&t.Source.File, &t.Source.Sheet, &t.Source.Row); err != nil {
			return nil, fmt.Errorf("scan unit total: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Resolutions returns the decision in force (the newest) on each
// discrepancy of year y, by discrepancy id.
func Resolutions(ctx context.Context, q Queryer, y reconcile.Year) (map[string]reconcile.Resolution, error) {
	const query = `SELECT r.discrepancy_id, r.accepted, COALESCE(r.note, ''), r.decided_by, r.decided_at
		FROM resolutions r JOIN discrepancies d ON d.id = r.discrepancy_id
		WHERE d.year = ?
		ORDER BY r.decided_at, r.id`
	rows, err := q.QueryxContext(ctx, query, int(y))
	if err != nil {
		return nil, fmt.Errorf("select resolutions: %w", err)
	}
	defer rows.Close()
	out := map[string]reconcile.Resolution{}
	for rows.Next() {
		var r reconcile.Resolution
		var at time.Time
		if err := rows.Scan(&r.DiscrepancyID, &r.Accepted, &r.Note, &r.By, &at); err != nil {
			return nil, fmt.Errorf("scan resolution: %w", err)
		}
		r.At = reconcile.DateOf(at)
		out[r.DiscrepancyID] = r // later rows win
	}
	return out, rows.Err()
}

// Resolve records a reviewer's decision on a discrepancy. It returns an
// error wrapping sql.ErrNoRows when no discrepancy has that id.
func Resolve(ctx context.Context, q Queryer, id string, accepted bool, note, by string, fileID int64) error {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT COUNT(*) FROM discrepancies WHERE id = ?`, id); err != nil {
		return fmt.Errorf("resolve %s: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("resolve %s: %w", id, sql.ErrNoRows)
	}
	var file any
	if fileID != 0 {
		file = fileID
	}
	const ins = `INSERT INTO resolutions (discrepancy_id, accepted, note, decided_by, decided_at, file_id)
		VALUES (?, ?, ?, ?, ?, ?)`
	if _, err := q.ExecContext(ctx, ins, id, accepted, note, by, Now(), file); err != nil {
		return fmt.Errorf("resolve %s: %w", id, err)
	}
	return nil
}

// jsonText stores a value as JSON text.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("marshal %T: %v", v, err)) // only our own types reach here
	}
	return string(b)
}

// RosterNumbers reports which of nos are staff numbers of the current
// roster.
func RosterNumbers(ctx context.Context, q Queryer, nos []string) (map[string]bool, error) {
	known := make(map[string]bool, len(nos))
	for len(nos) > 0 {
		n := min(len(nos), 500)
		query, args, err := sqlx.In(`SELECT staff_no FROM staff WHERE active = 1 AND staff_no IN (?)`, nos[:n])
		if err != nil {
			return nil, fmt.Errorf("select roster numbers: %w", err)
		}
		var found []string
		if err := sqlx.SelectContext(ctx, q, &found, query, args...); err != nil {
			return nil, fmt.Errorf("select roster numbers: %w", err)
		}
		for _, no := range found {
			known[no] = true
		}
		nos = nos[n:]
	}
	return known, nil
}
