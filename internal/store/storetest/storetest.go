// Package storetest gives tests a store of their own: a new SQLite file
// always, and a new MySQL/MariaDB database when CEHOURS_TEST_MYSQL_DSN
// names a server (a DSN with a user allowed to create databases; its
// database part is ignored).
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-sql-driver/mysql"

	"cehours/internal/store"
)

// EnvMySQL names the environment variable with the MySQL test DSN.
const EnvMySQL = "CEHOURS_TEST_MYSQL_DSN"

// SQLite returns a migrated store in a new SQLite file under t.TempDir.
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	return open(t, "sqlite:"+filepath.Join(t.TempDir(), "cehours.db"))
}

// MySQL returns a migrated store in a new database on the server named by
// CEHOURS_TEST_MYSQL_DSN, dropped when the test ends; it skips the test
// when the variable is unset.
func MySQL(t testing.TB) *store.Store {
	t.Helper()
	dsn, _ := NewMySQLDatabase(t)
	return open(t, dsn)
}

// NewMySQLDatabase creates an empty database on the test server and
// returns its DSN and name; the database is dropped when the test ends.
// It skips the test when CEHOURS_TEST_MYSQL_DSN is unset.
func NewMySQLDatabase(t testing.TB) (dsn, name string) {
	t.Helper()
	base := os.Getenv(EnvMySQL)
	if base == "" {
		t.Skipf("%s is not set: skipping the MySQL variant (bash .ci/run sets it)", EnvMySQL)
	}
	cfg, err := mysql.ParseDSN(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvMySQL, err)
	}
	cfg.DBName = ""
	admin, err := store.Open(context.Background(), cfg.FormatDSN())
	if err != nil {
		t.Fatalf("connect to the test MySQL server: %v", err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name = "cehours_test_" + hex.EncodeToString(b)
	create := fmt.Sprintf("CREATE DATABASE `%s` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", name)
	if _, err := admin.DB.Exec(create); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		a, err := store.Open(context.Background(), cfg.FormatDSN())
		if err != nil {
			t.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer a.Close()
		if _, err := a.DB.Exec("DROP DATABASE `" + name + "`"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	cfg.DBName = name
	return cfg.FormatDSN(), name
}

// Each runs fn as a subtest against every available store: "sqlite"
// always, "mysql" when CEHOURS_TEST_MYSQL_DSN is set.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("mysql", func(t *testing.T) { fn(t, MySQL(t)) })
}

func open(t testing.TB, dsn string) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open test store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate test store: %v", err)
	}
	return s
}
