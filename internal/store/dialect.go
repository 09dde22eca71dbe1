package store

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"testing/fstest"

	"github.com/pressly/goose/v3"
)

// Dialect is the SQL dialect of a store. Queries are written once in the
// SQL that MySQL, MariaDB and SQLite all accept; what differs is kept here.
type Dialect int

// The supported dialects.
const (
	SQLite Dialect = iota
	MySQL
)

// String returns "sqlite" or "mysql".
func (d Dialect) String() string {
	if d == MySQL {
		return "mysql"
	}
	return "sqlite"
}

// goose returns the dialect name goose knows.
func (d Dialect) goose() goose.Dialect {
	if d == MySQL {
		return goose.DialectMySQL
	}
	return goose.DialectSQLite3
}

// ddl is what the migration templates' placeholders become in a dialect.
func (d Dialect) ddl() map[string]string {
	if d == MySQL {
		return map[string]string{
			"{{ID}}":    "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
			"{{TABLE}}": "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
		}
	}
	return map[string]string{
		"{{ID}}":    "INTEGER PRIMARY KEY AUTOINCREMENT",
		"{{TABLE}}": "",
	}
}

// BatchRows is how many rows one INSERT statement should carry. Round
// trips dominate on MySQL, so rows travel in multi-row statements there;
// SQLite is in-process and fastest with one prepared single-row statement.
func (d Dialect) BatchRows() int {
	if d == MySQL {
		return 500
	}
	return 1
}

// renderMigrations returns the embedded migrations with the dialect's DDL
// substituted, as a file system goose can read.
func renderMigrations(src fs.FS, d Dialect) (fs.FS, error) {
	names, err := fs.Glob(src, "*.sql")
	if err != nil {
		return nil, err
	}
	out := fstest.MapFS{}
	for _, name := range names {
		b, err := fs.ReadFile(src, name)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		for k, v := range d.ddl() {
			b = bytes.ReplaceAll(b, []byte(k), []byte(v))
		}
		out[path.Base(name)] = &fstest.MapFile{Data: b, Mode: 0o444}
	}
	return out, nil
}
