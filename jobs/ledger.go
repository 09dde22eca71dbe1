package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Ledger is the history of job runs in the job_runs table.
type Ledger struct {
	DB *sqlx.DB
}

// RunRecord is one row of the ledger.
type RunRecord struct {
	ID         int64      `db:"id" json:"id"`
	Job        string     `db:"job" json:"job"`
	Period     string     `db:"period" json:"period"`
	Instance   string     `db:"instance" json:"instance"`
	StartedAt  time.Time  `db:"started_at" json:"started_at"`
	FinishedAt *time.Time `db:"finished_at" json:"finished_at"`
	Outcome    string     `db:"outcome" json:"outcome"`
	Counts     Counts     `db:"-" json:"counts"`
	Error      string     `db:"-" json:"error,omitempty"`

	CountsJSON sql.NullString `db:"counts" json:"-"`
	ErrorText  sql.NullString `db:"error" json:"-"`
}

// Duration returns how long the run took; zero while it runs.
func (r RunRecord) Duration() time.Duration {
	if r.FinishedAt == nil {
		return 0
	}
	return r.FinishedAt.Sub(r.StartedAt)
}

// Start records that job began at the instant at for period, by
// instance, and returns the row's id.
func (l Ledger) Start(ctx context.Context, job, period, instance string, at time.Time) (int64, error) {
	const q = `INSERT INTO job_runs (job, period, instance, started_at, outcome)
		VALUES (?, ?, ?, ?, ?)`
	res, err := l.DB.ExecContext(ctx, q, job, period, instance, at.UTC(), OutcomeRunning)
	if err != nil {
		return 0, fmt.Errorf("ledger start %s: %w", job, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("ledger start %s: %w", job, err)
	}
	return id, nil
}

// Finish records the end of run id: its outcome, counts and error text
// ("" for none).
func (l Ledger) Finish(ctx context.Context, id int64, outcome string, c Counts, errText string, at time.Time) error {
	const q = `UPDATE job_runs SET finished_at = ?, outcome = ?, counts = ?, error = ?
		WHERE id = ?`
	if _, err := l.DB.ExecContext(ctx, q, at.UTC(), outcome, c.JSON(), nullString(errText), id); err != nil {
		return fmt.Errorf("ledger finish run %d: %w", id, err)
	}
	return nil
}

// Insert records a whole run at once: a run that could not be recorded
// when it happened (the database was unreachable) is written this way
// once the database is back.
func (l Ledger) Insert(ctx context.Context, r RunRecord) error {
	const q = `INSERT INTO job_runs
		(job, period, instance, started_at, finished_at, outcome, counts, error)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	var fin any
	if r.FinishedAt != nil {
		fin = r.FinishedAt.UTC()
	}
	_, err := l.DB.ExecContext(ctx, q, r.Job, r.Period, r.Instance, r.StartedAt.UTC(), fin,
		r.Outcome, r.Counts.JSON(), nullString(r.Error))
	if err != nil {
		return fmt.Errorf("ledger insert %s: %w", r.Job, err)
	}
	return nil
}

// Succeeded reports whether job has a successful run for period.
func (l Ledger) Succeeded(ctx context.Context, job, period string) (bool, error) {
	const q = `SELECT COUNT(*) FROM job_runs WHERE job = ? AND period = ? AND outcome = ?`
	var n int
	if err := l.DB.GetContext(ctx, &n, q, job, period, OutcomeOK); err != nil {
		return false, fmt.Errorf("ledger lookup %s %s: %w", job, period, err)
	}
	return n > 0, nil
}

// Abandon marks every run of job still "running" as abandoned at the
// instant at and returns how many it marked. The caller must hold the
// job's lock: then no live process runs the job, and a running row is
// the trace of one that died.
func (l Ledger) Abandon(ctx context.Context, job string, at time.Time) (int64, error) {
	const q = `UPDATE job_runs SET outcome = ?, finished_at = ?,
		error = 'the process running it stopped before it finished'
		WHERE job = ? AND outcome = ?`
	res, err := l.DB.ExecContext(ctx, q, OutcomeAbandoned, at.UTC(), job, OutcomeRunning)
	if err != nil {
		return 0, fmt.Errorf("ledger abandon %s: %w", job, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("ledger abandon %s: %w", job, err)
	}
	return n, nil
}

// Recent returns the newest limit runs, newest first; job filters by job
// when not empty.
func (l Ledger) Recent(ctx context.Context, job string, limit int) ([]RunRecord, error) {
	const q = `SELECT id, job, period, instance, started_at, finished_at, outcome, counts, error
		FROM job_runs WHERE (? = '' OR job = ?) ORDER BY started_at DESC, id DESC LIMIT ?`
	var runs []RunRecord
	if err := l.DB.SelectContext(ctx, &runs, q, job, job, limit); err != nil {
		return nil, fmt.Errorf("ledger recent runs: %w", err)
	}
	for i := range runs {
		runs[i].decode()
	}
	return runs, nil
}

// Last returns the newest run of each job that has one, by job name.
func (l Ledger) Last(ctx context.Context) (map[string]RunRecord, error) {
	const q = `SELECT r.id, r.job, r.period, r.instance, r.started_at, r.finished_at,
		r.outcome, r.counts, r.error
		FROM job_runs r JOIN (SELECT job, MAX(id) AS id FROM job_runs GROUP BY job) m
		ON r.id = m.id`
	var runs []RunRecord
	if err := l.DB.SelectContext(ctx, &runs, q); err != nil {
		return nil, fmt.Errorf("ledger last runs: %w", err)
	}
	out := make(map[string]RunRecord, len(runs))
	for _, r := range runs {
		r.decode()
		out[r.Job] = r
	}
	return out, nil
}

// decode fills Counts and Error from their columns.
func (r *RunRecord) decode() {
	r.StartedAt = r.StartedAt.UTC()
	if r.FinishedAt != nil {
		t := r.FinishedAt.UTC()
		r.FinishedAt = &t
	}
	r.Counts = Counts{}
	if r.CountsJSON.Valid {
		_ = json.Unmarshal([]byte(r.CountsJSON.String), &r.Counts) // written by Counts.JSON
	}
	r.Error = r.ErrorText.String
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
