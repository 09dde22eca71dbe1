package store_test

import (
	"context"
	"testing"

	"cehours/internal/store"
	"cehours/internal/store/storetest"
	"cehours/reconcile"
)

func TestMigrateTwiceChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cur, latest, err := s.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if cur != latest || latest == 0 {
			t.Fatalf("after migrate: version %d, latest %d", cur, latest)
		}
		applied, err := s.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Errorf("second migrate applied %v, want nothing", applied)
		}
	})
}

// TestRoundTrip checks that the types the schema relies on survive both
// drivers: dates, instants, integer hundredths and Chinese text.
func TestRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := store.Now()
		start := reconcile.NewDate(2024, 3, 5)
		err := s.InTx(ctx, func(tx *sqlxTx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO records
				(file_id, kind, staff_no, name, title, start_date, hours, year)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				1, "claims", "0012", "张伟", "师德培训：新时代😀", start, reconcile.Hours(225), 2023)
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO job_runs (job, started_at, outcome)
				VALUES (?, ?, ?)`, "import", now, "ok")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Name  string          `db:"name"`
			Title string          `db:"title"`
			Start reconcile.Date  `db:"start_date"`
			Hours reconcile.Hours `db:"hours"`
		}
		if err := s.DB.GetContext(ctx, &got,
			`SELECT name, title, start_date, hours FROM records WHERE staff_no = ?`, "0012"); err != nil {
			t.Fatal(err)
		}
		if got.Name != "张伟" || got.Title != "师德培训：新时代😀" || got.Start != start || got.Hours != 225 {
			t.Errorf("round trip: got %+v", got)
		}
		var at timeScan
		if err := s.DB.GetContext(ctx, &at, `SELECT started_at FROM job_runs`); err != nil {
			t.Fatal(err)
		}
		if !at.StartedAt.Equal(now) {
			t.Errorf("instant: got %v, want %v", at.StartedAt, now)
		}
	})
}
