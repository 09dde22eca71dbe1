package jobs

import (
	"errors"
	"testing"
	"time"

	"cehours/internal/store"
	"cehours/internal/store/storetest"
)

// TestRowLockExpiresAndIsStolen: a row lock excludes other holders until
// it expires; then another holder takes it, and the first learns on its
// next refresh that it lost it.
func TestRowLockExpiresAndIsStolen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clock := newFakeClock(at(2025, 8, 4, 8, 0))
		a := &RowLocker{Store: s, Holder: "a", TTL: time.Minute, Clock: clock.Now}
		b := &RowLocker{Store: s, Holder: "b", TTL: time.Minute, Clock: clock.Now}

		la, err := a.TryLock(t.Context(), "job.digest")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.TryLock(t.Context(), "job.digest"); !errors.Is(err, ErrLocked) {
			t.Fatalf("b took a held lock: %v", err)
		}

		// a refreshes in time: b still waits.
		clock.Advance(50 * time.Second)
		if held, err := la.(*rowLease).refresh(t.Context()); !held || err != nil {
			t.Fatalf("a's refresh: held %v, %v", held, err)
		}
		clock.Advance(50 * time.Second)
		if _, err := b.TryLock(t.Context(), "job.digest"); !errors.Is(err, ErrLocked) {
			t.Fatalf("b took a refreshed lock: %v", err)
		}

		// a stops refreshing (a hung or dead process): b steals it.
		clock.Advance(61 * time.Second)
		lb, err := b.TryLock(t.Context(), "job.digest")
		if err != nil {
			t.Fatalf("b could not take an expired lock: %v", err)
		}
		if held, err := la.(*rowLease).refresh(t.Context()); held || err != nil {
			t.Fatalf("a's refresh after the steal: held %v, %v", held, err)
		}

		// a's late release leaves b's lock alone; b's release frees it.
		la.Release()
		if _, err := a.TryLock(t.Context(), "job.digest"); !errors.Is(err, ErrLocked) {
			t.Fatalf("a's release freed b's lock: %v", err)
		}
		lb.Release()
		lb.Release()
		la2, err := a.TryLock(t.Context(), "job.digest")
		if err != nil {
			t.Fatalf("lock not free after b's release: %v", err)
		}
		la2.Release()
	})
}

func TestRowLeaseReportsLoss(t *testing.T) {
	s := storetest.SQLite(t)
	clock := newFakeClock(at(2025, 8, 4, 8, 0))
	a := &RowLocker{Store: s, Holder: "a", TTL: 300 * time.Millisecond, Clock: clock.Now}
	b := &RowLocker{Store: s, Holder: "b", TTL: time.Minute, Clock: clock.Now}
	la, err := a.TryLock(t.Context(), "job.send")
	if err != nil {
		t.Fatal(err)
	}
	defer la.Release()
	clock.Advance(time.Second)
	lb, err := b.TryLock(t.Context(), "job.send")
	if err != nil {
		t.Fatal(err)
	}
	defer lb.Release()
	select {
	case <-la.Lost():
	case <-time.After(10 * time.Second):
		t.Fatal("a's lease did not report the loss of its lock")
	}
}

func TestMySQLLock(t *testing.T) {
	s := storetest.MySQL(t)
	a := &MySQLLocker{DB: s.DB, Check: 50 * time.Millisecond}
	b := &MySQLLocker{DB: s.DB, Check: 50 * time.Millisecond}
	la, err := a.TryLock(t.Context(), "job.import")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.TryLock(t.Context(), "job.import"); !errors.Is(err, ErrLocked) {
		t.Fatalf("second GET_LOCK succeeded: %v", err)
	}
	lo, err := b.TryLock(t.Context(), "job.send")
	if err != nil {
		t.Fatalf("another job's lock: %v", err)
	}
	lo.Release()

	// Another database on the same server has locks of its own.
	other := storetest.MySQL(t)
	lx, err := (&MySQLLocker{DB: other.DB, Check: time.Minute}).TryLock(t.Context(), "job.import")
	if err != nil {
		t.Fatalf("a lock of another database on the same server: %v", err)
	}
	lx.Release()

	// The server frees the lock when its holder's connection dies.
	ml := la.(*mysqlLease)
	var id int64
	if err := ml.conn.GetContext(t.Context(), &id, "SELECT CONNECTION_ID()"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.ExecContext(t.Context(), "KILL ?", id); err != nil {
		t.Fatal(err)
	}
	select {
	case <-la.Lost():
	case <-time.After(10 * time.Second):
		t.Fatal("the lease did not notice its connection died")
	}
	la.Release()
	lb, err := b.TryLock(t.Context(), "job.import")
	if err != nil {
		t.Fatalf("lock not freed by the holder's death: %v", err)
	}
	lb.Release()
}
