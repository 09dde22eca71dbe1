package store_test

import (
	"time"

	"github.com/jmoiron/sqlx"
)

type sqlxTx = sqlx.Tx

type timeScan struct {
	StartedAt time.Time `db:"started_at"`
}
