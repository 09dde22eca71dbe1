package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"cehours/reconcile"
)

// File statuses.
const (
	FileImported = "imported" // its rows are in force
	FileReplaced = "replaced" // a newer file of the same kind and scope replaced it
	FileFailed   = "failed"   // it could not be read at all; no rows
)

// ImportedFile is a row of the files table: one file ever imported.
type ImportedFile struct {
	ID         int64                `db:"id" json:"-"`
	Name       string               `db:"name" json:"file"`
	Path       string               `db:"path" json:"-"`
	SHA256     string               `db:"sha256" json:"sha256"`
	Kind       reconcile.SourceKind `db:"kind" json:"kind"`
	Scope      string               `db:"scope" json:"scope"`
	UnitCode   string               `db:"unit_code" json:"-"`
	Size       int64                `db:"size" json:"-"`
	Status     string               `db:"status" json:"status"`
	Stored     int                  `db:"stored" json:"stored"`
	Rejected   int                  `db:"rejected" json:"rejected"`
	Skipped    int                  `db:"skipped" json:"skipped"`
	Error      sql.NullString       `db:"error" json:"-"`
	ImportedAt time.Time            `db:"imported_at" json:"imported_at"`
	ReplacedBy sql.NullInt64        `db:"replaced_by" json:"-"`
}

// Reject is a stored rejected row.
type Reject struct {
	FileID  int64  `db:"file_id" json:"-"`
	Sheet   string `db:"sheet" json:"sheet"`
	Row     int    `db:"row_no" json:"row"`
	Column  string `db:"col" json:"column"`
	Value   string `db:"value" json:"value"`
	Code    string `db:"code" json:"code"`
	Message string `db:"message" json:"message"`
}

// ErrDuplicate is returned by ImportFile when a file with the same bytes
// is already imported; nothing was written.
var ErrDuplicate = errors.New("same file already imported")

// FileByChecksum returns the imported (or replaced) file with this
// SHA-256, and false when there is none. Failed attempts do not count.
func (s *Store) FileByChecksum(ctx context.Context, sha string) (ImportedFile, bool, error) {
	var f ImportedFile
	err := s.DB.GetContext(ctx, &f, `SELECT id, name, path, sha256, kind, scope, unit_code, size,
		status, stored, rejected, skipped, error, imported_at, replaced_by
		FROM files WHERE sha256 = ? AND status <> ? ORDER BY id LIMIT 1`, sha, FileFailed)
	if errors.Is(err, sql.ErrNoRows) {
		return f, false, nil
	}
	if err != nil {
		return f, false, fmt.Errorf("find file %s: %w", sha, err)
	}
	return f, true, nil
}

// ImportFile stores one file in a single transaction: the files row,
// every row fill hands to the FileWriter (in batches), and the
// replacement of the older files of the same kind and scope, whose rows
// are deactivated and kept for audit. fill parses the file; it returns
// the final scope and counts in f, and any error rolls everything back.
// When a file with the same SHA-256 is already imported, ImportFile writes
// nothing and returns that file and ErrDuplicate.
func (s *Store) ImportFile(ctx context.Context, f ImportedFile,
	fill func(w *FileWriter) (ImportedFile, error)) (ImportedFile, error) {
	tx, err := s.DB.BeginTxx(ctx, nil)
	if err != nil {
		return f, fmt.Errorf("import %s: begin: %w", f.Name, err)
	}
	defer tx.Rollback()

	// The same bytes again: nothing to do.
	var prev ImportedFile
	err = tx.GetContext(ctx, &prev, `SELECT id, name, path, sha256, kind, scope, unit_code, size,
		status, stored, rejected, skipped, error, imported_at, replaced_by
		FROM files WHERE sha256 = ? AND status <> ? ORDER BY id LIMIT 1`, f.SHA256, FileFailed)
	if err == nil {
		return prev, ErrDuplicate
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return f, fmt.Errorf("import %s: find checksum: %w", f.Name, err)
	}

	// The files row first, for its id; the rows; then the final counts.
	f.Status, f.ImportedAt = FileImported, Now()
	if f.ID, err = insertFile(ctx, tx, f); err != nil {
		return f, fmt.Errorf("import %s: %w", f.Name, err)
	}
	w := newFileWriter(ctx, tx, s.Dialect, f.ID, f.Kind)
	defer w.close()
	done, err := fill(w)
	if err != nil {
		return f, err
	}
	if err := w.flush(); err != nil {
		return f, fmt.Errorf("import %s: %w", f.Name, err)
	}
	done.ID, done.Status, done.ImportedAt = f.ID, FileImported, f.ImportedAt
	if err := finishFile(ctx, tx, done); err != nil {
		return f, fmt.Errorf("import %s: %w", f.Name, err)
	}
	if err := replaceOlder(ctx, tx, done); err != nil {
		return f, fmt.Errorf("import %s: %w", f.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return f, fmt.Errorf("import %s: commit: %w", f.Name, err)
	}
	return done, nil
}

// RecordFailure stores a file that could not be read at all, with its
// error, so that `cehours imports` shows it. Its bytes may be imported
// again later (after the file is fixed they differ anyway).
func (s *Store) RecordFailure(ctx context.Context, f ImportedFile, cause error) (ImportedFile, error) {
	f.Status, f.ImportedAt = FileFailed, Now()
	f.Error = sql.NullString{String: cause.Error(), Valid: true}
	id, err := insertFile(ctx, s.DB, f)
	if err != nil {
		return f, fmt.Errorf("record failed import %s: %w", f.Name, err)
	}
	f.ID = id
	return f, nil
}

func insertFile(ctx context.Context, q sqlx.ExtContext, f ImportedFile) (int64, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO files (sha256, name, path, kind, scope, unit_code,
		size, status, stored, rejected, skipped, error, imported_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.SHA256, clip(f.Name, 255), f.Path, string(f.Kind), clip(f.Scope, 191),
		clip(f.UnitCode, 32), f.Size, f.Status, f.Stored, f.Rejected, f.Skipped, f.Error,
		f.ImportedAt)
	if err != nil {
		return 0, fmt.Errorf("insert file: %w", err)
	}
	return res.LastInsertId()
}

func finishFile(ctx context.Context, tx *sqlx.Tx, f ImportedFile) error {
	_, err := tx.ExecContext(ctx, `UPDATE files SET scope = ?, unit_code = ?, status = ?,
		stored = ?, rejected = ?, skipped = ? WHERE id = ?`,
		clip(f.Scope, 191), clip(f.UnitCode, 32), f.Status, f.Stored, f.Rejected, f.Skipped, f.ID)
	if err != nil {
		return fmt.Errorf("update file: %w", err)
	}
	return nil
}

// replaceOlder marks the files of f's kind and scope imported before f as
// replaced by f and deactivates their rows.
func replaceOlder(ctx context.Context, tx *sqlx.Tx, f ImportedFile) error {
	var older []int64
	err := tx.SelectContext(ctx, &older, `SELECT id FROM files
		WHERE kind = ? AND scope = ? AND status = ? AND id <> ?`,
		string(f.Kind), clip(f.Scope, 191), FileImported, f.ID)
	if err != nil || len(older) == 0 {
		return err
	}
	for _, table := range []string{"records", "staff", "units", "unit_heads", "unit_totals"} {
		q, args, err := sqlx.In(`UPDATE `+table+` SET active = 0 WHERE active = 1 AND file_id IN (?)`, older)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("deactivate %s: %w", table, err)
		}
	}
	q, args, err := sqlx.In(`UPDATE files SET status = ?, replaced_by = ? WHERE id IN (?)`,
		FileReplaced, f.ID, older)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("mark replaced files: %w", err)
	}
	return nil
}

// Files returns every imported file, newest first, with its rejected rows
// when withRejects is set.
func (s *Store) Files(ctx context.Context, withRejects bool) ([]ImportedFile, map[int64][]Reject, error) {
	var files []ImportedFile
	err := s.DB.SelectContext(ctx, &files, `SELECT id, name, path, sha256, kind, scope, unit_code,
		size, status, stored, rejected, skipped, error, imported_at, replaced_by
		FROM files ORDER BY id DESC`)
	if err != nil {
		return nil, nil, fmt.Errorf("list files: %w", err)
	}
	if !withRejects {
		return files, nil, nil
	}
	var rejects []Reject
	err = s.DB.SelectContext(ctx, &rejects, `SELECT file_id, sheet, row_no, col,
		COALESCE(value, '') AS value, code, message FROM rejects ORDER BY file_id, id`)
	if err != nil {
		return nil, nil, fmt.Errorf("list rejects: %w", err)
	}
	byFile := map[int64][]Reject{}
	for _, r := range rejects {
		byFile[r.FileID] = append(byFile[r.FileID], r)
	}
	return files, byFile, nil
}

// clip cuts s to at most n characters, the width of its column.
func clip(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// FileWriter writes the rows of one file inside ImportFile's transaction,
// in multi-row statements of the dialect's batch size.
type FileWriter struct {
	ctx                                           context.Context
	tx                                            *sqlx.Tx
	fileID                                        int64
	kind                                          reconcile.SourceKind
	records, staff, units, heads, totals, rejects *batcher
}

func newFileWriter(ctx context.Context, tx *sqlx.Tx, d Dialect, fileID int64,
	kind reconcile.SourceKind) *FileWriter {
	n := d.BatchRows()
	return &FileWriter{ctx: ctx, tx: tx, fileID: fileID, kind: kind,
		records: newBatcher(tx, n, "records", recordInsertColumns),
		staff:   newBatcher(tx, n, "staff", staffInsertColumns),
		units:   newBatcher(tx, n, "units", "file_id, active, code, name"),
		heads:   newBatcher(tx, n, "unit_heads", "file_id, active, unit_code, name, email"),
		totals: newBatcher(tx, n, "unit_totals",
			"file_id, sheet, row_no, active, staff_no, unit_code, year, hours_a, hours_b, hours_c"),
		rejects: newBatcher(tx, n, "rejects", "file_id, sheet, row_no, col, value, code, message"),
	}
}

const recordInsertColumns = `file_id, kind, sheet, row_no, active, staff_no, name, unit_code,
	event_code, title, type_no, type_raw, category, role, start_date, end_date, days, cnt,
	level, share, hours, year_explicit, year, organiser, evidence, review, flags, extra`

const staffInsertColumns = `file_id, active, staff_no, name, unit_code, email, teacher, series,
	birth_date, hire_date, leave_date`

// Record stores an activity record. Its year column is the explicit 学年,
// else the academic year of its start date; flags are stored comma
// separated and unknown columns as a JSON object.
func (w *FileWriter) Record(r reconcile.Record) error {
	year := r.Year
	if year == 0 {
		year = reconcile.YearOf(r.Start)
	}
	extra, err := jsonOrNil(r.Extra)
	if err != nil {
		return err
	}
	flags := make([]string, len(r.Flags))
	for i, f := range r.Flags {
		flags[i] = string(f)
	}
	return w.records.add(w.ctx, w.fileID, string(w.kind), clip(r.Source.Sheet, 100),
		r.Source.Row, 1, clip(r.StaffNo, 32), clip(r.Name, 100), clip(r.UnitCode, 32),
		clip(r.EventCode, 100), clip(r.Title, 500), r.Type, clip(r.TypeRaw, 200),
		string(r.Category), string(r.Role), r.Start, r.End, r.Days, r.Count, string(r.Level),
		r.Share, int64(r.Hours), int(r.Year), int(year), clip(r.Organiser, 200),
		clip(r.Evidence, 200), string(r.Review), clip(strings.Join(flags, ","), 255), extra)
}

// Person stores a person of the roster.
func (w *FileWriter) Person(s reconcile.Staff) error {
	return w.staff.add(w.ctx, w.fileID, 1, clip(s.No, 32), clip(s.Name, 100),
		clip(s.UnitCode, 32), clip(s.Email, 255), boolInt(s.Teacher), clip(s.Series, 64),
		s.Birth, s.Hired, s.Left)
}

// Unit stores a unit and its heads.
func (w *FileWriter) Unit(u reconcile.Unit) error {
	if err := w.units.add(w.ctx, w.fileID, 1, clip(u.Code, 32), clip(u.Name, 200)); err != nil {
		return err
	}
	for _, h := range u.Heads {
		if err := w.heads.add(w.ctx, w.fileID, 1, clip(u.Code, 32), clip(h.Name, 100),
			clip(h.Email, 255)); err != nil {
			return err
		}
	}
	return nil
}

// Total stores a row of a unit's per-person summary.
func (w *FileWriter) Total(t reconcile.UnitTotal) error {
	return w.totals.add(w.ctx, w.fileID, clip(t.Source.Sheet, 100), t.Source.Row, 1,
		clip(t.StaffNo, 32), clip(t.UnitCode, 32), int(t.Year), int64(t.A), int64(t.B), int64(t.C))
}

// Reject stores a rejected row.
func (w *FileWriter) Reject(r Reject) error {
	return w.rejects.add(w.ctx, w.fileID, clip(r.Sheet, 100), r.Row, clip(r.Column, 100),
		r.Value, clip(r.Code, 32), r.Message)
}

// flush writes the rows still buffered.
func (w *FileWriter) flush() error {
	for _, b := range []*batcher{w.records, w.staff, w.units, w.heads, w.totals, w.rejects} {
		if err := b.flush(w.ctx); err != nil {
			return err
		}
	}
	return nil
}

func (w *FileWriter) close() {
	for _, b := range []*batcher{w.records, w.staff, w.units, w.heads, w.totals, w.rejects} {
		b.close()
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func jsonOrNil(m map[string]string) (any, error) {
	if len(m) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode extra columns: %w", err)
	}
	return string(b), nil
}

// batcher inserts rows into one table, size rows a statement: the one
// place where the dialects differ in how rows are written (see
// Dialect.BatchRows). A full batch goes through a statement prepared once.
type batcher struct {
	tx    *sqlx.Tx
	size  int
	head  string // INSERT INTO t (cols) VALUES
	tuple string // (?, ?, …)
	ncols int
	rows  int
	args  []any
	prep  *sql.Stmt
}

func newBatcher(tx *sqlx.Tx, size int, table, cols string) *batcher {
	n := strings.Count(cols, ",") + 1
	return &batcher{
		tx: tx, size: size, ncols: n,
		head:  "INSERT INTO " + table + " (" + cols + ") VALUES ",
		tuple: "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")",
	}
}

func (b *batcher) add(ctx context.Context, vals ...any) error {
	if len(vals) != b.ncols {
		return fmt.Errorf("insert: %d values for %d columns", len(vals), b.ncols)
	}
	b.args = append(b.args, vals...)
	b.rows++
	if b.rows < b.size {
		return nil
	}
	if b.prep == nil {
		p, err := b.tx.PrepareContext(ctx, b.statement(b.size))
		if err != nil {
			return fmt.Errorf("prepare insert: %w", err)
		}
		b.prep = p
	}
	if _, err := b.prep.ExecContext(ctx, b.args...); err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	b.rows, b.args = 0, b.args[:0]
	return nil
}

// flush inserts a last, partial batch.
func (b *batcher) flush(ctx context.Context) error {
	if b.rows == 0 {
		return nil
	}
	if _, err := b.tx.ExecContext(ctx, b.statement(b.rows), b.args...); err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	b.rows, b.args = 0, b.args[:0]
	return nil
}

func (b *batcher) statement(rows int) string {
	var sb strings.Builder
	sb.Grow(len(b.head) + rows*(len(b.tuple)+2))
	sb.WriteString(b.head)
	for i := range rows {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(b.tuple)
	}
	return sb.String()
}

func (b *batcher) close() {
	if b.prep != nil {
		_ = b.prep.Close()
	}
}

// RosterInForce returns the roster and the units in force: the rows of
// the latest roster and units files, ordered by staff number and code.
func (s *Store) RosterInForce(ctx context.Context) ([]reconcile.Staff, []reconcile.Unit, error) {
	var staff []staffRow
	err := s.DB.SelectContext(ctx, &staff, `SELECT staff_no, name, unit_code, email, teacher,
		series, birth_date, hire_date, leave_date FROM staff WHERE active = 1 ORDER BY staff_no, id`)
	if err != nil {
		return nil, nil, fmt.Errorf("select roster: %w", err)
	}
	people := make([]reconcile.Staff, len(staff))
	for i, r := range staff {
		people[i] = r.staff()
	}
	var units []reconcile.Unit
	err = s.DB.SelectContext(ctx, &units, `SELECT code, name FROM units WHERE active = 1 ORDER BY code`)
	if err != nil {
		return nil, nil, fmt.Errorf("select units: %w", err)
	}
	var heads []struct {
		Unit  string `db:"unit_code"`
		Name  string `db:"name"`
		Email string `db:"email"`
	}
	err = s.DB.SelectContext(ctx, &heads, `SELECT unit_code, name, email FROM unit_heads
		WHERE active = 1 ORDER BY unit_code, id`)
	if err != nil {
		return nil, nil, fmt.Errorf("select unit heads: %w", err)
	}
	at := map[string]int{}
	for i, u := range units {
		at[u.Code] = i
	}
	for _, h := range heads {
		if i, ok := at[h.Unit]; ok {
			units[i].Heads = append(units[i].Heads, reconcile.Head{Name: h.Name, Email: h.Email})
		}
	}
	return people, units, nil
}
