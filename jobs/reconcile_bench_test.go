package jobs_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"cehours/configs"
	"cehours/internal/store"
	"cehours/internal/store/storetest"
	"cehours/jobs"
	"cehours/reconcile"
)

// benchStores are the stores benchmarked: SQLite always, MySQL when
// CEHOURS_TEST_MYSQL_DSN is set.
var benchStores = []struct {
	name string
	open func(testing.TB) *store.Store
}{{"sqlite", storetest.SQLite}, {"mysql", storetest.MySQL}}

// BenchmarkReconcileYear reconciles a university of 20,000 staff with 40
// records each (800,000 records) and 4× that, from the store, reporting
// records per second and the peak live heap. Each iteration starts from
// empty results, so it measures a full first run.
func BenchmarkReconcileYear(b *testing.B) {
	for _, st := range benchStores {
		for _, staff := range benchScales() {
			b.Run(fmt.Sprintf("%s/staff=%d", st.name, staff), func(b *testing.B) {
				s := st.open(b)
				seedUniversity(b, s, staff, 40)
				benchReconcile(b, s, staff*40)
			})
		}
	}
}

func benchReconcile(b *testing.B, s *store.Store, records int) {
	ctx := context.Background()
	eng, err := configs.Defaults().Engine()
	if err != nil {
		b.Fatal(err)
	}
	rc := &jobs.Reconciler{Store: s, Engine: eng}
	today := reconcile.NewDate(2025, 8, 20)
	var peak uint64
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		for _, q := range []string{"DELETE FROM standings", "DELETE FROM discrepancies"} {
			if _, err := s.DB.Exec(q); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		stop := sampleHeap(&peak)
		b.StartTimer()
		if _, err := rc.Year(ctx, 2024, today); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		stop()
		b.StartTimer()
	}
	b.ReportMetric(float64(records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// sampleHeap records the largest live heap seen until the returned
// function is called.
func sampleHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			*peak = max(*peak, s[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// seedUniversity stores a roster of n people in 60 units and perRecords
// activity records for each in 2024-2025: sign-ins of the Teacher
// Development Center and of a college, approved and pending unit-sheet
// rows and claims, spread over the activity types.
func seedUniversity(b testing.TB, s *store.Store, n, perPerson int) {
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(1, 2))
	err := s.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.Exec(`INSERT INTO files (id, sha256, name, path, kind, status, imported_at)
			VALUES (1, 'bench', 'bench.xlsx', 'bench.xlsx', 'unit-sheet', 'imported', ?)`, store.Now()); err != nil {
			return err
		}
		staff := make([][]any, 0, n)
		for i := range n {
			no := fmt.Sprintf("%08d", 20000000+i)
			staff = append(staff, []any{1, no, fmt.Sprintf("员工%d", i),
				fmt.Sprintf("U%02d", i%60), i%3 != 0, "教师", "t" + no + "@example.edu.cn"})
		}
		if err := store.InsertRows(ctx, tx, s.Dialect,
			"INSERT INTO staff (file_id, staff_no, name, unit_code, teacher, series, email) VALUES ",
			"(?, ?, ?, ?, ?, ?, ?)", staff); err != nil {
			return err
		}
		var units, heads [][]any
		for u := range 60 {
			code := fmt.Sprintf("U%02d", u)
			units = append(units, []any{1, code, "学院" + code})
			heads = append(heads, []any{1, code, "负责人" + code, "head" + code + "@example.edu.cn"})
		}
		if err := store.InsertRows(ctx, tx, s.Dialect, "INSERT INTO units (file_id, code, name) VALUES ",
			"(?, ?, ?)", units); err != nil {
			return err
		}
		if err := store.InsertRows(ctx, tx, s.Dialect,
			"INSERT INTO unit_heads (file_id, unit_code, name, email) VALUES ", "(?, ?, ?, ?)", heads); err != nil {
			return err
		}
		batch := make([][]any, 0, 10_000)
		for i := range n {
			no, name, unit := fmt.Sprintf("%08d", 20000000+i), fmt.Sprintf("员工%d", i), fmt.Sprintf("U%02d", i%60)
			row := 2
			for act := 0; row-2 < perPerson; act++ {
				for _, r := range activity(rnd, act) {
					if row-2 == perPerson {
						break
					}
					batch = append(batch, append([]any{1, r.kind, "Sheet1", row, no, name, unit}, r.values...))
					row++
				}
				if len(batch) >= 9_000 {
					if err := insertRecords(ctx, tx, s.Dialect, batch); err != nil {
						return err
					}
					batch = batch[:0]
				}
			}
		}
		return insertRecords(ctx, tx, s.Dialect, batch)
	})
	if err != nil {
		b.Fatal(err)
	}
}

type seedRecord struct {
	kind   string
	values []any
}

// activity returns the records of one activity of a person as a
// university's sources report it: a Teacher Development Center event from
// its sign-in list alone, another organiser's event from its sign-in list
// and a claim, or an external activity from an approved unit-sheet row
// and a claim; one in twenty claims states more hours than the standard.
func activity(rnd *rand.Rand, act int) []seedRecord {
	start := reconcile.NewDate(2024, 7, 1).AddDays(rnd.IntN(360))
	cat := []string{"A", "A", "A", "B", "C"}[rnd.IntN(5)]
	title := fmt.Sprintf("第%d期教学能力提升研讨会", act)
	hours := reconcile.H(4)
	claimed := hours
	if rnd.IntN(20) == 0 {
		claimed = reconcile.H(8)
	}
	rec := func(kind string, typ int, org, review string, h reconcile.Hours) seedRecord {
		return seedRecord{kind, []any{title, typ, cat, start, start, 1, h, 2024, org, review}}
	}
	switch rnd.IntN(3) {
	case 0:
		typ := []int{1, 2, 3, 14}[rnd.IntN(4)]
		return []seedRecord{rec("attendance", typ, "教师发展中心", "", hours)}
	case 1:
		typ := []int{1, 5, 14, 16}[rnd.IntN(4)]
		return []seedRecord{rec("attendance", typ, "基础医学院", "", hours),
			rec("claims", typ, "基础医学院", "", claimed)}
	default:
		typ := []int{26, 29, 30, 31}[rnd.IntN(4)]
		if typ == 29 {
			hours, claimed = reconcile.H(25), reconcile.H(25)
		}
		return []seedRecord{rec("unit-sheet", typ, "", "approved", hours),
			rec("claims", typ, "", "approved", claimed)}
	}
}

func insertRecords(ctx context.Context, tx *sqlx.Tx, d store.Dialect, rows [][]any) error {
	return store.InsertRows(ctx, tx, d, `INSERT INTO records (file_id, kind, sheet, row_no, staff_no,
		name, unit_code, title, type_no, category, start_date, end_date, cnt, hours, year,
		organiser, review) VALUES `, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
}

// benchScales are the roster sizes benchmarked: the university of the
// specification and four times it, or the one given by
// CEHOURS_BENCH_STAFF for a quick look.
func benchScales() []int {
	if v, err := strconv.Atoi(os.Getenv("CEHOURS_BENCH_STAFF")); err == nil && v > 0 {
		return []int{v}
	}
	return []int{20_000, 80_000}
}
