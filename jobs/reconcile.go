package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"runtime"
	"slices"
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
//
// The roster is walked a batch at a time; while the workers compute one
// batch, the next is read and the previous one saved, since the
// transaction's connection is free then.
func (rc *Reconciler) Year(ctx context.Context, y reconcile.Year, today reconcile.Date) (Counts, error) {
	started := time.Now()
	c := Counts{}
	var saved store.SaveCounts
	err := rc.Store.InTx(ctx, func(tx *sqlx.Tx) error {
		res, err := store.Resolutions(ctx, tx, y)
		if err != nil {
			return err
		}
		// A pipeline of three batches: while the workers compute one, this
		// goroutine, which alone uses the transaction, saves the one
		// before and loads the one after.
		cur, err := rc.load(ctx, tx, y, "")
		if err != nil {
			return err
		}
		var prev *batch
		var prevOuts []computed
		for cur != nil {
			if err := ctx.Err(); err != nil {
				return err
			}
			done := make(chan []computed, 1)
			go func(b *batch) { done <- rc.compute(b, res, y, today) }(cur)
			var next *batch
			var dbErr error
			if !cur.tail() {
				next, dbErr = rc.load(ctx, tx, y, cur.rng.Last)
			}
			if dbErr == nil && prev != nil {
				var sc store.SaveCounts
				sc, dbErr = rc.save(ctx, tx, y, prev, prevOuts, today, c)
				saved.Add(sc)
			}
			outs := <-done
			if dbErr != nil {
				return dbErr
			}
			prev, prevOuts, cur = cur, outs, next
		}
		sc, err := rc.save(ctx, tx, y, prev, prevOuts, today, c)
		saved.Add(sc)
		if err != nil {
			return err
		}
		sc, err = rc.sharedEvidence(ctx, tx, y, today)
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

// batch is the people of one batch, whose staff numbers are in rng, with
// every record and unit total in rng. An empty staff list is the tail:
// the records after the last person.
type batch struct {
	rng    store.Range
	staff  []reconcile.Staff
	recs   map[string][]reconcile.Record
	totals map[string][]reconcile.UnitTotal
	count  int // records read
}

func (b *batch) tail() bool { return len(b.staff) == 0 }

// load reads the batch of people after the staff number `after`.
func (rc *Reconciler) load(ctx context.Context, tx *sqlx.Tx, y reconcile.Year, after string) (*batch, error) {
	staff, err := store.StaffInScope(ctx, tx, y, after, rc.batchSize())
	if err != nil {
		return nil, err
	}
	b := &batch{rng: store.Range{After: after}, staff: staff,
		totals: map[string][]reconcile.UnitTotal{}}
	var recs []reconcile.Record
	if b.tail() {
		recs, err = store.RecordsAfter(ctx, tx, y, after)
	} else {
		b.rng.Last = staff[len(staff)-1].No
		recs, err = store.RecordsInRange(ctx, tx, y, after, b.rng.Last)
		if err == nil {
			var totals []reconcile.UnitTotal
			totals, err = store.UnitTotalsInRange(ctx, tx, y, after, b.rng.Last)
			for _, t := range totals {
				b.totals[t.StaffNo] = append(b.totals[t.StaffNo], t)
			}
		}
	}
	if err != nil {
		return nil, err
	}
	b.recs, b.count = groupRecords(recs), len(recs)
	return b, nil
}

// save stores a computed batch: the standings of its people, and the
// discrepancies of its people and of the records in its range that belong
// to no one in scope.
func (rc *Reconciler) save(ctx context.Context, tx *sqlx.Tx, y reconcile.Year, b *batch,
	outs []computed, today reconcile.Date, c Counts) (store.SaveCounts, error) {
	c["records"] += b.count
	results := make([]store.PersonResult, 0, len(outs))
	var discs []reconcile.Discrepancy
	for i, o := range outs {
		delete(b.recs, b.staff[i].No)
		results = append(results, o.saved)
		discs = append(discs, o.Discrepancies...)
		c["people"]++
		c["occurrences"] += len(o.Occurrences)
		c[statusCount(o.Standing.Status)]++
	}

	// Records of staff numbers the roster does not know. People in the
	// roster but out of scope for the year (not yet hired, gone) are not
	// reported.
	if len(b.recs) > 0 {
		known, err := store.RosterNumbers(ctx, tx, keys(b.recs))
		if err != nil {
			return store.SaveCounts{}, err
		}
		var orphans []reconcile.Record
		for _, no := range slices.Sorted(maps.Keys(b.recs)) {
			if !known[no] {
				orphans = append(orphans, b.recs[no]...)
			}
		}
		discs = append(discs, rc.Engine.Unknown(orphans, today)...)
	}

	saved, err := store.SaveStandings(ctx, tx, rc.Store.Dialect, y, b.rng, results)
	if err != nil {
		return saved, err
	}
	merged, err := store.MergeDiscrepancies(ctx, tx, rc.Store.Dialect, y, b.rng,
		store.Codes{Except: []reconcile.FlagCode{reconcile.FlagSharedEvidence}}, discs, today)
	saved.Add(merged)
	return saved, err
}

// computed is one person's result with its stored form.
type computed struct {
	reconcile.Result
	saved store.PersonResult
}

// compute reconciles each person of the batch and encodes the result
// for storage, spreading the people over GOMAXPROCS workers; the i-th
// result is b.staff[i]'s. It does not touch the database.
func (rc *Reconciler) compute(b *batch, res map[string]reconcile.Resolution,
	y reconcile.Year, today reconcile.Date) []computed {
	out := make([]computed, len(b.staff))
	workers := min(runtime.GOMAXPROCS(0), len(b.staff))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(b.staff); i += workers {
				p := b.staff[i]
				r := rc.Engine.Reconcile(reconcile.Input{Staff: p, Year: y, Records: b.recs[p.No],
					Totals: b.totals[p.No], Resolutions: res, Today: today})
				out[i] = computed{r, store.NewPersonResult(r.Standing, reconcile.Ledger(r.Occurrences))}
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

func (rc *Reconciler) batchSize() int {
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
