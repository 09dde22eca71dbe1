package jobs_test

import (
	"context"
	"reflect"
	"testing"

	"cehours/configs"
	"cehours/internal/store"
	"cehours/internal/store/storetest"
	"cehours/jobs"
	"cehours/reconcile"
)

// TestReconcileIsStableAcrossBatchesAndReruns reconciles one university
// in batches of different sizes and checks that the standings and
// discrepancies do not depend on where the batches break, and that a
// second run on unchanged data writes nothing.
func TestReconcileIsStableAcrossBatchesAndReruns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedUniversity(t, s, 60, 12)
		eng, err := configs.Defaults().Engine()
		if err != nil {
			t.Fatal(err)
		}
		today := reconcile.NewDate(2025, 8, 20)

		var first []reconcile.Standing
		var firstDiscs []reconcile.Discrepancy
		for _, batch := range []int{500, 7, 1} {
			if _, err := s.DB.Exec("DELETE FROM standings"); err != nil {
				t.Fatal(err)
			}
			rc := &jobs.Reconciler{Store: s, Engine: eng, Batch: batch}
			c, err := rc.Year(ctx, 2024, today)
			if err != nil {
				t.Fatal(err)
			}
			if c["people"] != 60 || c["records"] != 60*12 {
				t.Fatalf("batch %d: counts %v, want 60 people and 720 records", batch, c)
			}
			sts, err := store.Standings(ctx, s.DB, 2024, "")
			if err != nil {
				t.Fatal(err)
			}
			discs, err := store.Discrepancies(ctx, s.DB, store.DiscrepancyFilter{Year: 2024})
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first, firstDiscs = sts, discs
				continue
			}
			if !reflect.DeepEqual(sts, first) {
				t.Errorf("batch %d: standings differ from batch 500", batch)
			}
			if !reflect.DeepEqual(discs, firstDiscs) {
				t.Errorf("batch %d: discrepancies differ from batch 500", batch)
			}
		}

		// Unchanged data: nothing written, nothing new, nothing resolved.
		rc := &jobs.Reconciler{Store: s, Engine: eng}
		c, err := rc.Year(ctx, 2024, today)
		if err != nil {
			t.Fatal(err)
		}
		if c["standings_written"] != 0 || c["discrepancies_new"] != 0 || c["discrepancies_resolved"] != 0 {
			t.Errorf("re-run on unchanged data changed something: %v", c)
		}
		if len(first) != 60 {
			t.Errorf("%d standings, want 60", len(first))
		}
	})
}
