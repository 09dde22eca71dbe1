package mail

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/jmoiron/sqlx"

	"cehours/configs"
	"cehours/internal/store"
	"cehours/internal/store/storetest"
)

var (
	discard    = slog.New(slog.NewTextHandler(io.Discard, nil))
	clockStart = newClock().Now()
)

// benchStores returns the stores a benchmark runs against: SQLite, and
// MySQL when CEHOURS_TEST_MYSQL_DSN is set.
func benchStores(b *testing.B, fn func(b *testing.B, s *store.Store)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, storetest.SQLite(b)) })
	if os.Getenv(storetest.EnvMySQL) != "" {
		b.Run("mysql", func(b *testing.B) { fn(b, storetest.MySQL(b)) })
	}
}

func benchOutbox(b *testing.B, s *store.Store, cfg configs.Mail) *Outbox {
	o, err := New(s, cfg, WithLogger(discard))
	if err != nil {
		b.Fatal(err)
	}
	return o
}

// BenchmarkRender renders one reminder with a small attachment.
func BenchmarkRender(b *testing.B) {
	m := reminder(1)
	for b.Loop() {
		if _, err := Render(m, sender, clockStart); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQueue queues reminders, each in a transaction of its own or
// all in the caller's one transaction.
func BenchmarkQueue(b *testing.B) {
	benchStores(b, func(b *testing.B, s *store.Store) {
		ctx := context.Background()
		o := benchOutbox(b, s, configs.Defaults().Mail)
		run := 0
		b.Run("own transaction", func(b *testing.B) {
			run++
			i := 0
			for b.Loop() {
				i++
				m := reminder(i)
				m.Key = fmt.Sprintf("%s/%d", m.Key, run)
				if _, err := o.Queue(ctx, s.DB, m); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("one transaction", func(b *testing.B) {
			run++
			err := s.InTx(ctx, func(tx *sqlx.Tx) error {
				i := 0
				for b.Loop() {
					i++
					m := reminder(i)
					m.Key = fmt.Sprintf("%s/one/%d", m.Key, run)
					if _, err := o.Queue(ctx, tx, m); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		})
	})
}

// BenchmarkDeliver delivers queued reminders over SMTP to an in-process
// server and as .eml files; each iteration delivers one message.
func BenchmarkDeliver(b *testing.B) {
	benchStores(b, func(b *testing.B, s *store.Store) {
		ctx := context.Background()
		srv := startSMTP(b, nil)
		run := 0
		for _, mode := range []string{"smtp", "files"} {
			b.Run(mode, func(b *testing.B) {
				run++
				cfg := smtpConfig(srv)
				if mode == "files" {
					cfg.SMTP.Host = ""
					cfg.OutboxDir = filepath.Join(b.TempDir(), "outbox")
				}
				o := benchOutbox(b, s, cfg)
				for i := 0; i < b.N; i++ {
					m := reminder(i)
					m.Key = fmt.Sprintf("%s/%d/%s", mode, run, m.Key)
					if _, err := o.Queue(ctx, s.DB, m); err != nil {
						b.Fatal(err)
					}
				}
				b.ResetTimer()
				res, err := o.Deliver(ctx)
				if err != nil || res.Sent != b.N {
					b.Fatalf("deliver = %+v, %v; want %d sent", res, err, b.N)
				}
			})
		}
	})
}
