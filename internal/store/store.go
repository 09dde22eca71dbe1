// Package store keeps cehours' state in MySQL (production) or an embedded
// SQLite file (the default): imported files and their rows, standings,
// discrepancies, job runs, locks and the mail outbox. The schema is
// versioned by embedded goose migrations.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrUnavailable is the cause of errors when the database cannot be
// reached; callers map it to exit status 4.
var ErrUnavailable = errors.New("database unavailable")

// ErrBadDSN is the cause of errors for a DSN that cannot be understood.
var ErrBadDSN = errors.New("bad database DSN")

// Store is an open database with its dialect.
type Store struct {
	DB      *sqlx.DB
	Dialect Dialect
	// Name is the database for people: the SQLite path or the MySQL
	// address and database, never a password.
	Name string
}

// Open connects to dsn, which is "sqlite:PATH" or a go-sql-driver/mysql
// DSN ("user:pass@tcp(host:3306)/db"). A SQLite file and its folder are
// created when missing. Open does not migrate; see Migrate.
func Open(ctx context.Context, dsn string) (*Store, error) {
	var s *Store
	var err error
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		s, err = openSQLite(path)
	} else {
		s, err = openMySQL(dsn)
	}
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.DB.PingContext(pctx); err != nil {
		_ = s.DB.Close()
		return nil, fmt.Errorf("open %s: %w: %w", s.Name, ErrUnavailable, err)
	}
	return s, nil
}

// openSQLite opens a SQLite file in WAL mode with a busy timeout and
// foreign keys on. Write transactions take the lock at BEGIN so that two
// processes queue instead of failing on a lock upgrade.
func openSQLite(path string) (*Store, error) {
	if path == "" {
		return nil, fmt.Errorf("open sqlite: empty path: %w", ErrBadDSN)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(30000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "cache_size(-65536)")
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite")
	db, err := sqlx.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// A file created here is private to its owner.
	if f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600); err == nil {
		f.Close()
	}
	return &Store{DB: db, Dialect: SQLite, Name: "sqlite:" + path}, nil
}

// openMySQL opens a MySQL or MariaDB database with the settings cehours
// relies on: utf8mb4 with utf8mb4_unicode_ci (MariaDB has no
// utf8mb4_0900_ai_ci), DATETIME parsed into time.Time, and the session and
// the driver both in UTC so that instants round-trip unchanged.
func openMySQL(dsn string) (*Store, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("open mysql: %w: %w", ErrBadDSN, err)
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.Collation = "utf8mb4_unicode_ci"
	cfg.InterpolateParams = true
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["time_zone"] = "'+00:00'"
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("open mysql: %w: %w", ErrBadDSN, err)
	}
	db := sqlx.NewDb(sql.OpenDB(conn), "mysql")
	db.SetConnMaxLifetime(5 * time.Minute)
	db.SetMaxOpenConns(16)
	name := fmt.Sprintf("mysql:%s(%s)/%s", cfg.Net, cfg.Addr, cfg.DBName)
	return &Store{DB: db, Dialect: MySQL, Name: name}, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.DB.Close() }

// provider returns a goose provider over the migrations in s's dialect.
func (s *Store) provider() (*goose.Provider, error) {
	fsys, err := renderMigrations(mustSub(migrations, "migrations"), s.Dialect)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(s.Dialect.goose(), s.DB.DB, fsys)
}

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // the embedded folder is fixed at build time
	}
	return sub
}

// Migrate applies every pending migration and returns the versions it
// applied, none when the schema was current. On MySQL it holds a named
// lock meanwhile, so two processes starting together migrate once.
func (s *Store) Migrate(ctx context.Context) ([]int64, error) {
	if s.Dialect == MySQL {
		unlock, err := s.mysqlLock(ctx, "cehours.migrate", 2*time.Minute)
		if err != nil {
			return nil, fmt.Errorf("migrate: %w", err)
		}
		defer unlock()
	}
	p, err := s.provider()
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate %s: %w", s.Name, err)
	}
	var applied []int64
	for _, r := range res {
		applied = append(applied, r.Source.Version)
	}
	return applied, nil
}

// Version returns the schema version, 0 for an empty database, and the
// newest version this binary knows.
func (s *Store) Version(ctx context.Context) (current, latest int64, err error) {
	p, err := s.provider()
	if err != nil {
		return 0, 0, err
	}
	current, err = p.GetDBVersion(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("schema version: %w", err)
	}
	srcs := p.ListSources()
	if len(srcs) > 0 {
		latest = srcs[len(srcs)-1].Version
	}
	return current, latest, nil
}

// mysqlLock takes a MySQL named lock on a connection of its own and
// returns the function that releases it.
func (s *Store) mysqlLock(ctx context.Context, name string, wait time.Duration) (func(), error) {
	conn, err := s.DB.Connx(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	var got sql.NullInt64
	err = conn.QueryRowxContext(ctx, "SELECT GET_LOCK(?, ?)", name, int(wait.Seconds())).Scan(&got)
	if err != nil || got.Int64 != 1 {
		conn.Close()
		if err == nil {
			err = errors.New("timed out")
		}
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	return func() {
		// Closing the connection releases the lock too; the explicit
		// release only makes it prompt.
		_, _ = conn.ExecContext(context.Background(), "SELECT RELEASE_LOCK(?)", name)
		conn.Close()
	}, nil
}

// InTx runs fn in a transaction and commits it when fn returns nil; any
// error, or a panic, rolls it back.
func (s *Store) InTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.DB.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Now returns the current instant as stored: UTC, whole seconds (a MySQL
// DATETIME keeps no fraction), so
// that it compares equal after a round trip through either database.
func Now() time.Time { return time.Now().UTC().Truncate(time.Second) }
