package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"cehours/internal/store"
	"cehours/reconcile"
)

// Reconciler recomputes standings, ledgers and discrepancies from the
// stored records. It walks the roster in staff-number order, a batch of
// people at a time, so that memory holds one batch whatever the size of
// the university.
type Reconciler struct {
	Store  *store.Store
	Engine *reconcile.Engine
	Log    *slog.Logger
	// Batch is how many people are read and written together; 0 means 500.
	Batch int
}

// Run reconciles the years a run on r.Today serves: the due year, while
// claims for it are being collected, and the current year.
func (rc *Reconciler) Run(ctx context.Context, r Run) (Counts, error) {
	total := Counts{}
	for _, y := range ReconcileYears(r.Today) {
		c, err := rc.Year(ctx, y, r.Today)
		for k, v := range c {
			total[k] += v
		}
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// Year recomputes year y as of today in one transaction, so that readers
// see either the previous run's results or this one's, never a mix. On
// unchanged data a second run writes nothing.
func (rc *Reconciler) Year(ctx context.Context, y reconcile.Year, today reconcile.Date) (Counts, error) {
	started := time.Now()
	c := Counts{}
	var saved store.SaveCounts
	err := rc.Store.InTx(ctx, func(tx *sqlx.Tx) error {
		res, err := store.Resolutions(ctx, tx, y)
		if err != nil {
			return err
		}
		after := ""
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			staff, err := store.StaffInScope(ctx, tx, y, after, rc.batch())
			if err != nil {
				return err
			}
			rng := store.Range{After: after}
			if len(staff) > 0 {
				rng.Last = staff[len(staff)-1].No
			}
			sc, err := rc.batchYear(ctx, tx, y, rng, staff, res, today, c)
			if err != nil {
				return err
			}
			saved.Add(sc)
			if len(staff) == 0 {
				break
			}
			after = rng.Last
		}
		sc, err := rc.sharedEvidence(ctx, tx, y, today)
		saved.Add(sc)
		return err
	})
	c["standings_written"] = saved.StandingsWritten
	c["discrepancies_new"] = saved.NewDiscrepancies
	c["discrepancies_resolved"] = saved.Resolved
	if err != nil {
		return c, fmt.Errorf("reconcile %s: %w", y, err)
	}
	rc.log().Info("year reconciled", "year", y.String(), "people", c["people"],
		"records", c["records"], "short", c["short"], "compliant", c["compliant"],
		"standings_written", saved.StandingsWritten, "discrepancies_new", saved.NewDiscrepancies,
		"discrepancies_resolved", saved.Resolved, "duration", time.Since(started).Round(time.Millisecond))
	return c, nil
}

// batchYear reconciles the people of one batch, whose staff numbers are
// in rng, and the records in rng that belong to nobody in scope. An empty
// staff list is the tail after the last person.
func (rc *Reconciler) batchYear(ctx context.Context, tx *sqlx.Tx, y reconcile.Year, rng store.Range,
	staff []reconcile.Staff, res map[string]reconcile.Resolution, today reconcile.Date, c Counts) (store.SaveCounts, error) {
	var recs []reconcile.Record
	var totals []reconcile.UnitTotal
	var err error
	if rng.Last == "" {
		recs, err = store.RecordsAfter(ctx, tx, y, rng.After)
	} else {
		recs, err = store.RecordsInRange(ctx, tx, y, rng.After, rng.Last)
		if err == nil {
			totals, err = store.UnitTotalsInRange(ctx, tx, y, rng.After, rng.Last)
		}
	}
	if err != nil {
		return store.SaveCounts{}, err
	}
	c["records"] += len(recs)
	byStaff := groupRecords(recs)
	totalsBy := map[string][]reconcile.UnitTotal{}
	for _, t := range totals {
		totalsBy[t.StaffNo] = append(totalsBy[t.StaffNo], t)
	}

	// Each person in scope, computed on every core; results keep the
	// roster order, so the outcome does not depend on scheduling.
	outs := rc.compute(staff, byStaff, totalsBy, res, y, today)
	results := make([]store.PersonResult, 0, len(staff))
	var discs []reconcile.Discrepancy
	for i, r := range outs {
		delete(byStaff, staff[i].No)
		results = append(results, store.PersonResult{Standing: r.Standing, Ledger: reconcile.Ledger(r.Occurrences)})
		discs = append(discs, r.Discrepancies...)
		c["people"]++
		c["occurrences"] += len(r.Occurrences)
		c[statusCount(r.Standing.Status)]++
	}

	// Records of staff numbers the roster does not know. People in the
	// roster but out of scope for the year (not yet hired, gone) are not
	// reported.
	if len(byStaff) > 0 {
		known, err := store.RosterNumbers(ctx, tx, keys(byStaff))
		if err != nil {
			return store.SaveCounts{}, err
		}
		var orphans []reconcile.Record
		for no, rs := range byStaff {
			if !known[no] {
				orphans = append(orphans, rs...)
			}
		}
		discs = append(discs, rc.Engine.Unknown(orphans, today)...)
	}

	saved, err := store.SaveStandings(ctx, tx, rc.Store.Dialect, y, rng, results)
	if err != nil {
		return saved, err
	}
	merged, err := store.MergeDiscrepancies(ctx, tx, rc.Store.Dialect, y, rng,
		store.Codes{Except: []reconcile.FlagCode{reconcile.FlagSharedEvidence}}, discs, today)
	saved.Add(merged)
	return saved, err
}

// compute reconciles each person of staff, spreading the people over
// GOMAXPROCS workers; the i-th result is staff[i]'s.
func (rc *Reconciler) compute(staff []reconcile.Staff, recs map[string][]reconcile.Record,
	totals map[string][]reconcile.UnitTotal, res map[string]reconcile.Resolution,
	y reconcile.Year, today reconcile.Date) []reconcile.Result {
	out := make([]reconcile.Result, len(staff))
	workers := min(runtime.GOMAXPROCS(0), len(staff))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(staff); i += workers {
				p := staff[i]
				out[i] = rc.Engine.Reconcile(reconcile.Input{Staff: p, Year: y, Records: recs[p.No],
					Totals: totals[p.No], Resolutions: res, Today: today})
			}
		}()
	}
	wg.Wait()
	return out
}

// sharedEvidence finds evidence values cited by several people, across the
// whole year.
func (rc *Reconciler) sharedEvidence(ctx context.Context, tx *sqlx.Tx, y reconcile.Year, today reconcile.Date) (store.SaveCounts, error) {
	recs, err := store.RecordsSharingEvidence(ctx, tx, y)
	if err != nil {
		return store.SaveCounts{}, err
	}
	return store.MergeDiscrepancies(ctx, tx, rc.Store.Dialect, y, store.Range{},
		store.Codes{Only: []reconcile.FlagCode{reconcile.FlagSharedEvidence}},
		reconcile.SharedEvidence(recs), today)
}

func (rc *Reconciler) batch() int {
	if rc.Batch > 0 {
		return rc.Batch
	}
	return 500
}

func (rc *Reconciler) log() *slog.Logger {
	if rc.Log != nil {
		return rc.Log
	}
	return slog.Default()
}

func groupRecords(recs []reconcile.Record) map[string][]reconcile.Record {
	m := map[string][]reconcile.Record{}
	for _, r := range recs {
		m[r.StaffNo] = append(m[r.StaffNo], r)
	}
	return m
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// statusCount names the count of a standing status: "short", "at_risk" …
func statusCount(s reconcile.StandingStatus) string {
	if s == reconcile.StandingAtRisk {
		return "at_risk"
	}
	return string(s)
}
