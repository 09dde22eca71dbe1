package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jmoiron/sqlx"

	"cehours/configs"
	"cehours/internal/store"
	"cehours/internal/store/storetest"
)

// row is an outbox row as the tests inspect it.
type row struct {
	ID        int64     `db:"id"`
	Key       string    `db:"idem_key"`
	Status    string    `db:"status"`
	Attempts  int       `db:"attempts"`
	Next      time.Time `db:"next_attempt_at"`
	MessageID string    `db:"message_id"`
	Body      []byte    `db:"body"`
}

func rows(t *testing.T, s *store.Store) []row {
	t.Helper()
	var list []row
	const q = `SELECT id, idem_key, status, attempts, next_attempt_at, message_id, body
		FROM outbox ORDER BY id`
	if err := s.DB.Select(&list, q); err != nil {
		t.Fatal(err)
	}
	return list
}

// smtpConfig is the mail configuration that reaches srv without TLS.
func smtpConfig(srv *smtpServer) configs.Mail {
	c := configs.Defaults().Mail
	c.From = "继续教育 <cehours@wmu.edu.cn>"
	c.SMTP.Host, c.SMTP.Port, c.SMTP.TLS = "127.0.0.1", srv.Port(), "none"
	c.SMTP.Timeout = 5 * time.Second
	c.RatePerMinute = 0
	c.MaxAttempts = 4
	c.RetryBase = time.Minute
	return c
}

func newOutbox(t *testing.T, s *store.Store, cfg configs.Mail, clk *fakeClock,
	opts ...Option) *Outbox {
	t.Helper()
	opts = append([]Option{WithClock(clk.Now, clk.Sleep),
		WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))}, opts...)
	o, err := New(s, cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// reminder is the i-th test message: a reminder with an attachment.
func reminder(i int) Message {
	no := fmt.Sprintf("2023%04d", i)
	return Message{
		Key:     "reminder/" + no + "/2024-2025/2025-08-01",
		Kind:    "reminder",
		To:      []Address{{Name: "教师" + no, Email: "t" + no + "@wmu.edu.cn"}},
		Subject: fmt.Sprintf("【继续教育】您 2024-2025 学年还差 %d.5 学时", i),
		Text:    "请在 8 月 31 日前补齐。", HTML: "<p>请在 <b>8 月 31 日</b>前补齐。</p>",
		Attachments: []Attachment{{Filename: "form-" + no + ".xlsx",
			Name: "继续教育学时统计表-" + no + ".xlsx", Data: []byte("PK " + no)}},
	}
}

func queueAll(t *testing.T, o *Outbox, s *store.Store, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		if ok, err := o.Queue(context.Background(), s.DB, reminder(i)); err != nil || !ok {
			t.Fatalf("queue %d: %v, %v", i, ok, err)
		}
	}
}

func TestQueueTwiceStoresOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := newOutbox(t, s, configs.Defaults().Mail, newClock())
		m := reminder(1)
		if ok, err := o.Queue(ctx, s.DB, m); err != nil || !ok {
			t.Fatalf("first queue: %v, %v", ok, err)
		}
		m.Subject = "另一个主题"
		if ok, err := o.Queue(ctx, s.DB, m); err != nil || ok {
			t.Fatalf("second queue: %v, %v; want false, nil", ok, err)
		}
		got := rows(t, s)
		if len(got) != 1 || got[0].Status != StatusQueued || got[0].Attempts != 0 {
			t.Fatalf("rows = %+v, want one queued", got)
		}
		if p := parseMessage(t, got[0].Body); p.Subject != reminder(1).Subject {
			t.Errorf("stored subject %q, want the first one", p.Subject)
		}
		var n int
		if err := s.DB.Get(&n, `SELECT COUNT(*) FROM outbox_attachments`); err != nil || n != 1 {
			t.Errorf("attachment rows = %d (%v), want 1", n, err)
		}
	})
}

func TestQueueInCallersTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := newOutbox(t, s, configs.Defaults().Mail, newClock())
		fail := errors.New("report failed")

		// A transaction that fails takes its mail with it.
		err := s.InTx(ctx, func(tx *sqlx.Tx) error {
			if _, err := o.Queue(ctx, tx, reminder(1)); err != nil {
				return err
			}
			return fail
		})
		if !errors.Is(err, fail) || len(rows(t, s)) != 0 {
			t.Fatalf("after rollback: %v, %d rows; want no rows", err, len(rows(t, s)))
		}

		// One that commits keeps it.
		err = s.InTx(ctx, func(tx *sqlx.Tx) error {
			_, err := o.Queue(ctx, tx, reminder(1))
			return err
		})
		if err != nil || len(rows(t, s)) != 1 {
			t.Fatalf("after commit: %v, %d rows; want 1", err, len(rows(t, s)))
		}
	})
}

func TestDeliverOverSMTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		serverTLS, clientTLS := selfSigned(t)
		srv := startSMTP(t, func(x *smtpServer) {
			x.user, x.pass, x.tls = "ce", "秘密 pass", serverTLS
		})
		cfg := smtpConfig(srv)
		cfg.SMTP.TLS, cfg.SMTP.Username, cfg.SMTP.Password = "starttls", "ce", "秘密 pass"
		o := newOutbox(t, s, cfg, newClock(), WithTLSConfig(clientTLS))
		queueAll(t, o, s, 5)

		res, err := o.Deliver(context.Background())
		if err != nil || res != (Result{Sent: 5}) {
			t.Fatalf("deliver = %+v, %v; want 5 sent", res, err)
		}
		got := srv.Messages()
		if len(got) != 5 {
			t.Fatalf("server got %d messages, want 5", len(got))
		}
		for i, r := range rows(t, s) {
			if r.Status != StatusSent || r.Attempts != 1 {
				t.Errorf("row %s: %s after %d attempts", r.Key, r.Status, r.Attempts)
			}
			m := got[i]
			if m.From != "cehours@wmu.edu.cn" || len(m.To) != 1 ||
				m.To[0] != reminder(i + 1).To[0].Email {
				t.Errorf("envelope %s → %v", m.From, m.To)
			}
			if !bytes.Equal(bytes.TrimRight(m.Data, "\r\n"), bytes.TrimRight(r.Body, "\r\n")) {
				t.Errorf("message %d differs from the stored body", i+1)
			}
		}

		// Nothing is due any more.
		if res, err := o.Deliver(context.Background()); err != nil || res != (Result{}) {
			t.Fatalf("second deliver = %+v, %v; want nothing", res, err)
		}
		c, err := Count(context.Background(), s.DB)
		if err != nil || c != (Counts{Sent: 5}) {
			t.Errorf("counts = %+v, %v", c, err)
		}
	})
}

func TestDeliverWithWrongPasswordTouchesNothing(t *testing.T) {
	s := storetest.SQLite(t)
	serverTLS, clientTLS := selfSigned(t)
	srv := startSMTP(t, func(x *smtpServer) { x.user, x.pass, x.tls = "ce", "right", serverTLS })
	cfg := smtpConfig(srv)
	cfg.SMTP.TLS, cfg.SMTP.Username, cfg.SMTP.Password = "starttls", "ce", "wrong"
	o := newOutbox(t, s, cfg, newClock(), WithTLSConfig(clientTLS))
	queueAll(t, o, s, 2)
	_, err := o.Deliver(context.Background())
	if err == nil || errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "535") {
		t.Fatalf("deliver error = %v, want an authentication error", err)
	}
	for _, r := range rows(t, s) {
		if r.Status != StatusQueued || r.Attempts != 0 {
			t.Errorf("row %s: %s, %d attempts; want untouched", r.Key, r.Status, r.Attempts)
		}
	}
}

func TestDeliverWithPasswordWithoutTLS(t *testing.T) {
	s := storetest.SQLite(t)
	srv := startSMTP(t, func(x *smtpServer) { x.user, x.pass = "ce", "right" })
	cfg := smtpConfig(srv)
	cfg.SMTP.Username, cfg.SMTP.Password = "ce", "right"
	o := newOutbox(t, s, cfg, newClock())
	queueAll(t, o, s, 2)
	if res, err := o.Deliver(context.Background()); err != nil || res.Sent != 2 {
		t.Fatalf("deliver = %+v, %v; want 2 sent", res, err)
	}
	if len(srv.Messages()) != 2 {
		t.Errorf("server got %d messages, want 2", len(srv.Messages()))
	}
}

func TestRefusedThenRecoveredDeliversEachOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		srv := startSMTP(t, nil)
		clk := newClock()
		o := newOutbox(t, s, smtpConfig(srv), clk)
		queueAll(t, o, s, 4)

		// The server refuses connections: nothing is touched.
		srv.Stop()
		res, err := o.Deliver(ctx)
		if !errors.Is(err, ErrUnavailable) || res != (Result{}) {
			t.Fatalf("deliver while down = %+v, %v; want ErrUnavailable", res, err)
		}
		for _, r := range rows(t, s) {
			if r.Status != StatusQueued || r.Attempts != 0 {
				t.Errorf("row %s: %s, %d attempts; want untouched", r.Key, r.Status, r.Attempts)
			}
		}

		// It is back: everything goes, once.
		srv.Restart()
		clk.Advance(time.Minute)
		if res, err := o.Deliver(ctx); err != nil || res.Sent != 4 {
			t.Fatalf("deliver after recovery = %+v, %v", res, err)
		}
		if res, err := o.Deliver(ctx); err != nil || res.Sent != 0 {
			t.Fatalf("deliver again = %+v, %v", res, err)
		}
		ids := byMessageID(t, srv.Messages())
		if len(ids) != 4 {
			t.Errorf("%d distinct messages, want 4", len(ids))
		}
		for id, n := range ids {
			if n != 1 {
				t.Errorf("%s delivered %d times", id, n)
			}
		}
	})
}

func TestBackoffThenDead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		srv := startSMTP(t, func(x *smtpServer) { x.dataErr = tempFailure })
		clk := newClock()
		cfg := smtpConfig(srv) // 4 attempts, retry base 1 minute
		o := newOutbox(t, s, cfg, clk)
		queueAll(t, o, s, 1)
		queuedAt := clk.Now()

		// Each failure doubles the wait; a run before it ends does nothing.
		for attempt, wait := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute} {
			res, err := o.Deliver(ctx)
			if err != nil || res != (Result{Retried: 1}) {
				t.Fatalf("attempt %d = %+v, %v; want one retried", attempt+1, res, err)
			}
			r := rows(t, s)[0]
			if r.Attempts != attempt+1 || !r.Next.Equal(clk.Now().Add(wait)) {
				t.Fatalf("after attempt %d: attempts %d, next %v; want next %v",
					attempt+1, r.Attempts, r.Next, clk.Now().Add(wait))
			}
			clk.Advance(wait - time.Second)
			if res, err := o.Deliver(ctx); err != nil || res != (Result{}) {
				t.Fatalf("early run = %+v, %v; want nothing", res, err)
			}
			clk.Advance(time.Second)
		}

		// The last attempt fails too: dead, and reported.
		res, err := o.Deliver(ctx)
		if err != nil || res != (Result{Dead: 1}) {
			t.Fatalf("last attempt = %+v, %v; want one dead", res, err)
		}
		if r := rows(t, s)[0]; r.Status != StatusDead || r.Attempts != 4 {
			t.Fatalf("row = %s after %d attempts, want dead after 4", r.Status, r.Attempts)
		}
		clk.Advance(24 * time.Hour)
		if res, err := o.Deliver(ctx); err != nil || res != (Result{}) {
			t.Fatalf("run after dead = %+v, %v; want nothing", res, err)
		}
		if dead, err := DeadMessages(ctx, s.DB, clk.Now()); err != nil || len(dead) != 0 {
			t.Fatalf("dead since now = %+v, %v; want none", dead, err)
		}
		dead, err := DeadMessages(ctx, s.DB, queuedAt)
		if err != nil || len(dead) != 1 || dead[0].Attempts != 4 || dead[0].LastError == "" ||
			!dead[0].DiedAt.Equal(clk.Now().Add(-24*time.Hour)) {
			t.Fatalf("dead messages = %+v, %v", dead, err)
		}
		if c, err := Count(ctx, s.DB); err != nil || c != (Counts{Dead: 1}) {
			t.Errorf("counts = %+v, %v", c, err)
		}
		if len(srv.Messages()) != 0 {
			t.Errorf("server accepted %d messages", len(srv.Messages()))
		}
	})
}

func TestPermanentRejectionIsDeadAtOnce(t *testing.T) {
	s := storetest.SQLite(t)
	ctx := context.Background()
	srv := startSMTP(t, func(x *smtpServer) {
		x.rcptErrs["t20230002@wmu.edu.cn"] = permFailure
	})
	o := newOutbox(t, s, smtpConfig(srv), newClock())
	queueAll(t, o, s, 3)
	res, err := o.Deliver(ctx)
	if err != nil || res != (Result{Sent: 2, Dead: 1}) {
		t.Fatalf("deliver = %+v, %v; want 2 sent, 1 dead", res, err)
	}
	if r := rows(t, s)[1]; r.Status != StatusDead || r.Attempts != 1 {
		t.Errorf("rejected row = %s after %d attempts", r.Status, r.Attempts)
	}
}

func TestKilledBetweenSendAndMarkResendsSameMessageID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		srv := startSMTP(t, nil)
		clk := newClock()
		o := newOutbox(t, s, smtpConfig(srv), clk)
		queueAll(t, o, s, 2)

		// A process claims the first message and sends it, then dies
		// before marking it.
		d := due{ID: rows(t, s)[0].ID, Key: reminder(1).Key}
		m, err := o.claim(ctx, d, clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		tr := o.transport()
		if err := tr.open(ctx); err != nil {
			t.Fatal(err)
		}
		if err := tr.send(ctx, m); err != nil {
			t.Fatal(err)
		}
		tr.close()

		// A run during the lease leaves it alone; one after it sends it
		// again, with the same Message-ID.
		if res, err := o.Deliver(ctx); err != nil || res != (Result{Sent: 1}) {
			t.Fatalf("run during the lease = %+v, %v; want the other message only", res, err)
		}
		clk.Advance(claimLease)
		if res, err := o.Deliver(ctx); err != nil || res != (Result{Sent: 1}) {
			t.Fatalf("run after the lease = %+v, %v; want the lost one", res, err)
		}
		ids := byMessageID(t, srv.Messages())
		want := "<" + MessageID(reminder(1).Key, sender) + ">"
		if len(ids) != 2 || ids[want] != 2 {
			t.Fatalf("messages by Message-ID = %v; want %s twice and one other", ids, want)
		}
		for _, r := range rows(t, s) {
			if r.Status != StatusSent {
				t.Errorf("row %s is %s", r.Key, r.Status)
			}
		}
	})
}

func TestTwoDeliverersSendEachOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		srv := startSMTP(t, nil)
		clk := newClock()
		const n = 40
		o := newOutbox(t, s, smtpConfig(srv), clk)
		queueAll(t, o, s, n)

		// Two processes, each with its own connection pool to the store.
		other, err := store.Open(ctx, dsnOf(t, s))
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		outboxes := []*Outbox{o, newOutbox(t, other, smtpConfig(srv), clk)}
		results := make([]Result, 2)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i, ob := range outboxes {
			wg.Go(func() { results[i], errs[i] = ob.Deliver(ctx) })
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("deliver errors: %v, %v", errs[0], errs[1])
		}
		if sent := results[0].Sent + results[1].Sent; sent != n {
			t.Errorf("sent %d + %d, want %d in all", results[0].Sent, results[1].Sent, n)
		}
		ids := byMessageID(t, srv.Messages())
		if len(ids) != n {
			t.Errorf("%d distinct messages, want %d", len(ids), n)
		}
		for id, k := range ids {
			if k != 1 {
				t.Errorf("%s delivered %d times", id, k)
			}
		}
	})
}

// dsnOf returns a DSN that opens s's database again.
func dsnOf(t *testing.T, s *store.Store) string {
	t.Helper()
	if s.Dialect == store.SQLite {
		var file string
		if err := s.DB.QueryRow(`SELECT file FROM pragma_database_list WHERE name = 'main'`).
			Scan(&file); err != nil {
			t.Fatal(err)
		}
		return "sqlite:" + file
	}
	var name string
	if err := s.DB.Get(&name, `SELECT DATABASE()`); err != nil {
		t.Fatal(err)
	}
	return mysqlDSN(t, name)
}

func TestDeliverWritesFilesWithoutSMTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cfg := configs.Defaults().Mail
		cfg.OutboxDir = filepath.Join(t.TempDir(), "var", "outbox")
		o := newOutbox(t, s, cfg, newClock())
		queueAll(t, o, s, 3)

		res, err := o.Deliver(ctx)
		if err != nil || res != (Result{Sent: 3}) {
			t.Fatalf("deliver = %+v, %v; want 3 written", res, err)
		}
		if st, err := os.Stat(cfg.OutboxDir); err != nil || st.Mode().Perm() != 0o700 {
			t.Errorf("folder mode = %v (%v), want 0700", st.Mode().Perm(), err)
		}
		entries, _ := os.ReadDir(cfg.OutboxDir)
		if len(entries) != 3 {
			t.Fatalf("%d files, want 3", len(entries))
		}
		for i, r := range rows(t, s) {
			path := filepath.Join(cfg.OutboxDir, EMLName(r.Key))
			st, err := os.Stat(path)
			if err != nil || st.Mode().Perm() != 0o600 {
				t.Fatalf("%s: mode %v (%v), want 0600", path, st.Mode().Perm(), err)
			}
			b, _ := os.ReadFile(path)
			if !bytes.Equal(b, r.Body) || r.Status != StatusSent {
				t.Errorf("%s: %d bytes, row %s", path, len(b), r.Status)
			}
			if p := parseMessage(t, b); p.Subject != reminder(i+1).Subject ||
				p.Attachments[0].Name != reminder(i + 1).Attachments[0].Name {
				t.Errorf("%s reads back as %q with %+v", path, p.Subject, p.Attachments)
			}
		}
	})
}

func TestKilledBetweenWriteAndMarkRewritesOneFile(t *testing.T) {
	s := storetest.SQLite(t)
	ctx := context.Background()
	clk := newClock()
	cfg := configs.Defaults().Mail
	cfg.OutboxDir = filepath.Join(t.TempDir(), "outbox")
	o := newOutbox(t, s, cfg, clk)
	queueAll(t, o, s, 1)

	// Written, then the process dies before marking it.
	m, err := o.claim(ctx, due{ID: rows(t, s)[0].ID, Key: reminder(1).Key}, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	tr := o.transport()
	if err := tr.open(ctx); err != nil {
		t.Fatal(err)
	}
	if err := tr.send(ctx, m); err != nil {
		t.Fatal(err)
	}

	clk.Advance(claimLease)
	if res, err := o.Deliver(ctx); err != nil || res != (Result{Sent: 1}) {
		t.Fatalf("deliver after the lease = %+v, %v", res, err)
	}
	entries, _ := os.ReadDir(cfg.OutboxDir)
	if len(entries) != 1 || entries[0].Name() != EMLName(reminder(1).Key) {
		t.Fatalf("outbox folder holds %v, want the one message", entries)
	}
}

func TestRateLimitSpacesSends(t *testing.T) {
	s := storetest.SQLite(t)
	srv := startSMTP(t, nil)
	clk := newClock()
	cfg := smtpConfig(srv)
	cfg.RatePerMinute = 30
	o := newOutbox(t, s, cfg, clk)
	queueAll(t, o, s, 4)
	if res, err := o.Deliver(context.Background()); err != nil || res.Sent != 4 {
		t.Fatalf("deliver = %+v, %v", res, err)
	}
	want := []time.Duration{2 * time.Second, 2 * time.Second, 2 * time.Second}
	if fmt.Sprint(clk.slept) != fmt.Sprint(want) {
		t.Errorf("waited %v, want %v", clk.slept, want)
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		name string
		n    int
		want time.Duration
	}{
		{"after the first failure", 1, time.Minute},
		{"after the second", 2, 2 * time.Minute},
		{"after the fifth", 5, 16 * time.Minute},
		{"never past a week", 40, 7 * 24 * time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Backoff(time.Minute, tc.n); got != tc.want {
				t.Errorf("Backoff(1m, %d) = %v, want %v", tc.n, got, tc.want)
			}
		})
	}
}

func TestEMLName(t *testing.T) {
	tests := []struct {
		name, key, prefix string
	}{
		{"reminder key", "reminder/20230001/2024-2025/2025-08-01",
			"reminder_20230001_2024-2025_2025-08-01-"},
		{"chinese and reserved characters", `unit/临床:医学*院?/a\b`, "unit__________a_b-"},
		{"leading dots", "../../etc/passwd", "_.._etc_passwd-"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := EMLName(tc.key)
			if len(got) != len(tc.prefix)+8+4 || got[:len(tc.prefix)] != tc.prefix ||
				filepath.Ext(got) != ".eml" {
				t.Errorf("EMLName(%q) = %q, want %q + 8 hex + .eml", tc.key, got, tc.prefix)
			}
		})
	}
	if EMLName("a/b") == EMLName("a_b") {
		t.Error("keys that clean up alike share a file name")
	}
}

// mysqlDSN returns the test server's DSN for database name.
func mysqlDSN(t *testing.T, name string) string {
	t.Helper()
	cfg, err := mysql.ParseDSN(os.Getenv(storetest.EnvMySQL))
	if err != nil {
		t.Fatal(err)
	}
	cfg.DBName = name
	return cfg.FormatDSN()
}
