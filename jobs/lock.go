package jobs

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"cehours/internal/store"
)

// ErrLocked is returned by TryLock when another holder has the lock.
var ErrLocked = errors.New("lock held by another instance")

// Locker hands out named locks shared by every process on one database,
// so that one job of a kind runs at a time across instances.
type Locker interface {
	// TryLock takes the lock name without waiting. It returns an error
	// wrapping ErrLocked when someone else holds it, or another error
	// when the database cannot say.
	TryLock(ctx context.Context, name string) (Lease, error)
}

// Lease is a held lock.
type Lease interface {
	// Lost is closed when the lock is no longer held although Release
	// was not called: the database connection holding it died, or the
	// lock expired and another instance took it.
	Lost() <-chan struct{}
	// Release gives the lock up; it is safe to call more than once.
	Release()
}

// NewLocker returns the locker of s's dialect: MySQL named locks
// (GET_LOCK), which the server frees when the holding connection dies, or
// on SQLite rows in the locks table that expire unless refreshed. holder
// names this instance in the locks table.
func NewLocker(s *store.Store, holder string, clock Clock) Locker {
	if s.Dialect == store.MySQL {
		return &MySQLLocker{DB: s.DB, Check: 30 * time.Second}
	}
	return &RowLocker{Store: s, Holder: holder, TTL: 2 * time.Minute, Clock: clock}
}

// RowLocker keeps locks as rows of the locks table, each with an expiry.
// A lock is taken in a write transaction (SQLite serialises those), is
// refreshed every TTL/3 while held, and may be taken by another holder
// only once it has expired: a holder that died frees its locks after at
// most TTL.
type RowLocker struct {
	Store  *store.Store
	Holder string
	TTL    time.Duration
	Clock  Clock
}

// TryLock takes name when it is free, expired or already this holder's.
func (l *RowLocker) TryLock(ctx context.Context, name string) (Lease, error) {
	now := l.Clock().UTC().Truncate(time.Second)
	err := l.Store.InTx(ctx, func(tx *sqlx.Tx) error {
		// Look at the current holder, if any.
		const sel = `SELECT holder, expires_at FROM locks WHERE name = ?`
		var cur struct {
			Holder    string    `db:"holder"`
			ExpiresAt time.Time `db:"expires_at"`
		}
		err := tx.GetContext(ctx, &cur, sel, name)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			const ins = `INSERT INTO locks (name, holder, acquired_at, expires_at)
				VALUES (?, ?, ?, ?)`
			_, err = tx.ExecContext(ctx, ins, name, l.Holder, now, now.Add(l.TTL))
			return err
		case err != nil:
			return err
		case cur.Holder != l.Holder && now.Before(cur.ExpiresAt):
			return fmt.Errorf("%w: %s until %s", ErrLocked, cur.Holder,
				cur.ExpiresAt.UTC().Format(time.RFC3339))
		}

		// Free, expired or ours: take it over.
		const upd = `UPDATE locks SET holder = ?, acquired_at = ?, expires_at = ?
			WHERE name = ?`
		_, err = tx.ExecContext(ctx, upd, l.Holder, now, now.Add(l.TTL), name)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	lease := &rowLease{l: l, name: name, lost: make(chan struct{}), done: make(chan struct{})}
	go lease.keep()
	return lease, nil
}

// rowLease is a RowLocker lock being held.
type rowLease struct {
	l    *RowLocker
	name string
	lost chan struct{}
	done chan struct{}
	once sync.Once
}

func (r *rowLease) Lost() <-chan struct{} { return r.lost }

// keep refreshes the lock every TTL/3 until it is released or lost.
func (r *rowLease) keep() {
	t := time.NewTicker(r.l.TTL / 3)
	defer t.Stop()
	for {
		select {
		case <-r.done:
			return
		case <-t.C:
			if held, err := r.refresh(context.Background()); err == nil && !held {
				close(r.lost)
				return
			}
			// A failed refresh is retried on the next tick; the lock
			// holds until it expires.
		}
	}
}

// refresh extends the lock's expiry and reports whether it is still
// this holder's.
func (r *rowLease) refresh(ctx context.Context) (bool, error) {
	now := r.l.Clock().UTC().Truncate(time.Second)
	held := false
	err := r.l.Store.InTx(ctx, func(tx *sqlx.Tx) error {
		const sel = `SELECT COUNT(*) FROM locks WHERE name = ? AND holder = ?`
		var n int
		if err := tx.GetContext(ctx, &n, sel, r.name, r.l.Holder); err != nil {
			return err
		}
		if held = n > 0; !held {
			return nil
		}
		const upd = `UPDATE locks SET expires_at = ? WHERE name = ? AND holder = ?`
		_, err := tx.ExecContext(ctx, upd, now.Add(r.l.TTL), r.name, r.l.Holder)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("refresh lock %s: %w", r.name, err)
	}
	return held, nil
}

// Release deletes the lock row if it is still this holder's.
func (r *rowLease) Release() {
	r.once.Do(func() {
		close(r.done)
		const q = `DELETE FROM locks WHERE name = ? AND holder = ?`
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		// A row left behind by a failed delete expires after TTL.
		_, _ = r.l.Store.DB.ExecContext(ctx, q, r.name, r.l.Holder)
	})
}

// MySQLLocker takes MySQL named locks (GET_LOCK), each on a connection of
// its own held until release. The server frees a lock when its
// connection dies, so a crashed holder never blocks the others. Lock
// names are server-wide: they carry the database name, so that databases
// sharing a server do not exclude each other.
type MySQLLocker struct {
	DB *sqlx.DB
	// Check is how often a held lock is verified to still be held.
	Check time.Duration
}

// TryLock takes the named lock when no other connection holds it.
func (l *MySQLLocker) TryLock(ctx context.Context, name string) (Lease, error) {
	conn, err := l.DB.Connx(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	var db sql.NullString
	if err := conn.GetContext(ctx, &db, "SELECT DATABASE()"); err != nil {
		conn.Close()
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	full := mysqlLockName(db.String, name)
	var got sql.NullInt64
	if err := conn.GetContext(ctx, &got, "SELECT GET_LOCK(?, 0)", full); err != nil {
		conn.Close()
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	if got.Int64 != 1 {
		conn.Close()
		return nil, fmt.Errorf("lock %s: %w", name, ErrLocked)
	}
	lease := &mysqlLease{conn: conn, name: full, lost: make(chan struct{}), done: make(chan struct{})}
	go lease.watch(l.Check)
	return lease, nil
}

// mysqlLockName makes a named lock server-wide unique and at most 64
// characters, the limit of MySQL.
func mysqlLockName(database, name string) string {
	full := "cehours." + database + "." + name
	if len(full) <= 64 {
		return full
	}
	sum := sha256.Sum256([]byte(full))
	return "cehours." + hex.EncodeToString(sum[:24])
}

// mysqlLease is a held MySQL named lock and its connection.
type mysqlLease struct {
	mu   sync.Mutex // serialises use of conn
	conn *sqlx.Conn
	name string
	lost chan struct{}
	done chan struct{}
	once sync.Once
}

func (m *mysqlLease) Lost() <-chan struct{} { return m.lost }

// watch checks every interval that the lock's connection still holds it.
func (m *mysqlLease) watch(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-m.done:
			return
		case <-t.C:
			m.mu.Lock()
			var mine sql.NullInt64
			err := m.conn.GetContext(context.Background(), &mine,
				"SELECT IS_USED_LOCK(?) = CONNECTION_ID()", m.name)
			m.mu.Unlock()
			if err != nil || mine.Int64 != 1 {
				close(m.lost)
				return
			}
		}
	}
}

// Release frees the lock and closes its connection.
func (m *mysqlLease) Release() {
	m.once.Do(func() {
		close(m.done)
		m.mu.Lock()
		defer m.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		// Closing the connection frees the lock even if RELEASE_LOCK fails.
		_, _ = m.conn.ExecContext(ctx, "SELECT RELEASE_LOCK(?)", m.name)
		m.conn.Close()
	})
}
