package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"cehours/configs"
	"cehours/internal/store"
)

// Outbox statuses.
const (
	StatusQueued = "queued"
	StatusSent   = "sent"
	StatusDead   = "dead"
)

// Outbox queues messages in a store's outbox table and delivers them.
// Every message is rendered once, when it is queued, and stored whole;
// delivery sends exactly those bytes.
type Outbox struct {
	store *store.Store
	cfg   configs.Mail
	from  Address
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
	tls   *tls.Config
	log   *slog.Logger
}

// Option adjusts an Outbox.
type Option func(*Outbox)

// WithClock makes the outbox read the time from now instead of the system
// clock, and wait through sleep instead of real timers (the rate limit).
func WithClock(now func() time.Time, sleep func(context.Context, time.Duration) error) Option {
	return func(o *Outbox) { o.now, o.sleep = now, sleep }
}

// WithTLSConfig sets the TLS configuration used to reach the SMTP server,
// e.g. to trust a private certificate authority.
func WithTLSConfig(c *tls.Config) Option { return func(o *Outbox) { o.tls = c } }

// WithLogger sets the logger; the default is slog.Default().
func WithLogger(l *slog.Logger) Option { return func(o *Outbox) { o.log = l } }

// New returns the outbox of s configured by cfg (the validated mail
// section of the configuration). It fails only when cfg.From is not an
// address.
func New(s *store.Store, cfg configs.Mail, opts ...Option) (*Outbox, error) {
	from, err := ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("outbox: mail.from: %w", err)
	}
	o := &Outbox{store: s, cfg: cfg, from: from, now: time.Now, sleep: sleepCtx,
		log: slog.Default()}
	for _, opt := range opts {
		opt(o)
	}
	return o, nil
}

// sleepCtx waits for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// clock returns the current instant as the store keeps it.
func (o *Outbox) clock() time.Time { return o.now().UTC().Truncate(time.Second) }

// Queue renders msg and stores it, due at once, unless a message with its
// key is already in the outbox; it reports whether it stored it. Queuing
// a key again is a no-op whatever the message says, so a job that runs
// twice for the same recipient and period mails once.
//
// db is the caller's transaction (a *sqlx.Tx of the outbox's store), so
// that a report and its mail are stored together, or the store's *sqlx.DB,
// in which case Queue runs in a transaction of its own.
func (o *Outbox) Queue(ctx context.Context, db sqlx.ExtContext, msg Message) (bool, error) {
	if d, ok := db.(*sqlx.DB); ok {
		tx, err := d.BeginTxx(ctx, nil)
		if err != nil {
			return false, fmt.Errorf("queue %s: begin: %w", msg.Key, err)
		}
		defer tx.Rollback()
		queued, err := o.queue(ctx, tx, msg)
		if err != nil {
			return false, err
		}
		return queued, tx.Commit()
	}
	return o.queue(ctx, db, msg)
}

func (o *Outbox) queue(ctx context.Context, db sqlx.ExtContext, msg Message) (bool, error) {
	p, err := o.Prepare(msg)
	if err != nil {
		return false, err
	}
	return o.QueuePrepared(ctx, db, p)
}

// Prepared is a message rendered for the outbox, ready to be queued.
type Prepared struct {
	msg  Message
	body []byte
	rcpt string
	at   time.Time
}

// Prepare renders msg as Queue does, without touching the database. It
// is safe for concurrent use, so that a caller can render many messages
// at once and queue them in one transaction with QueuePrepared.
func (o *Outbox) Prepare(msg Message) (Prepared, error) {
	now := o.clock()
	body, err := Render(msg, o.from, now)
	if err != nil {
		return Prepared{}, fmt.Errorf("queue: %w", err)
	}
	rcpt, err := recipients(msg.To)
	if err != nil {
		return Prepared{}, fmt.Errorf("queue %s: %w", msg.Key, err)
	}
	return Prepared{msg: msg, body: body, rcpt: rcpt, at: now}, nil
}

// QueuePrepared queues a prepared message in db (typically the caller's
// transaction) and reports whether it was queued: false when its key was
// there already.
func (o *Outbox) QueuePrepared(ctx context.Context, db sqlx.ExtContext, p Prepared) (bool, error) {
	msg, body, rcpt, now := p.msg, p.body, p.rcpt, p.at

	// The message, unless its key is there already.
	const q = `INSERT INTO outbox (idem_key, kind, recipient, subject, message_id, body,
		status, attempts, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?)`
	res, err := db.ExecContext(ctx, q+ignoreDuplicateKey(o.store.Dialect),
		msg.Key, msg.Kind, rcpt, truncateRunes(msg.Subject, 500),
		"<"+MessageID(msg.Key, o.from)+">", body, now, now)
	if err != nil {
		return false, fmt.Errorf("queue %s: %w", msg.Key, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return false, fmt.Errorf("queue %s: %w", msg.Key, err)
	} else if n == 0 {
		return false, nil
	}
	id, err := res.LastInsertId()
	if err != nil {
		return false, fmt.Errorf("queue %s: %w", msg.Key, err)
	}

	// What it carries, for people looking at the outbox.
	for _, a := range msg.Attachments {
		const q = `INSERT INTO outbox_attachments (outbox_id, filename, name, content_type, size)
			VALUES (?, ?, ?, ?, ?)`
		if _, err := db.ExecContext(ctx, q, id, a.Filename, a.Name, a.ContentType,
			len(a.Data)); err != nil {
			return false, fmt.Errorf("queue %s: attachment %s: %w", msg.Key, a.Filename, err)
		}
	}
	o.log.Debug("mail queued", "key", msg.Key, "kind", msg.Kind, "recipient", rcpt,
		"bytes", len(body))
	return true, nil
}

// ignoreDuplicateKey is the clause that makes an INSERT into outbox a
// no-op when the idempotency key exists; it is the one place the outbox's
// SQL differs between the dialects. Unlike MySQL's INSERT IGNORE it turns
// no other error (a value too long, say) into a warning.
func ignoreDuplicateKey(d store.Dialect) string {
	if d == store.MySQL {
		return " ON DUPLICATE KEY UPDATE id = id"
	}
	return " ON CONFLICT (idem_key) DO NOTHING"
}

// recipients returns the envelope recipients as stored: addresses joined
// by ", ".
func recipients(to []Address) (string, error) {
	var list []string
	for _, a := range to {
		if a.Email == "" || strings.ContainsAny(a.Email, ", \r\n") {
			return "", fmt.Errorf("recipient %q: %w", a.Email, ErrInvalidMessage)
		}
		list = append(list, a.Email)
	}
	s := strings.Join(list, ", ")
	if len(s) > 255 {
		return "", fmt.Errorf("recipients longer than 255 bytes: %w", ErrInvalidMessage)
	}
	return s, nil
}

// truncateRunes cuts s to at most n characters.
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// Counts summarises the outbox.
type Counts struct {
	Queued, Sent, Dead int
	// OldestQueued is when the oldest queued message was queued; zero when
	// nothing is queued.
	OldestQueued time.Time
}

// Count returns the outbox's counts by status.
func Count(ctx context.Context, db sqlx.QueryerContext) (Counts, error) {
	var c Counts
	var rows []struct {
		Status string `db:"status"`
		N      int    `db:"n"`
	}
	const q = `SELECT status, COUNT(*) AS n FROM outbox GROUP BY status`
	if err := sqlx.SelectContext(ctx, db, &rows, q); err != nil {
		return c, fmt.Errorf("count outbox: %w", err)
	}
	for _, r := range rows {
		switch r.Status {
		case StatusQueued:
			c.Queued = r.N
		case StatusSent:
			c.Sent = r.N
		case StatusDead:
			c.Dead = r.N
		}
	}
	if c.Queued == 0 {
		return c, nil
	}
	const qOldest = `SELECT created_at FROM outbox WHERE status = 'queued'
		ORDER BY created_at LIMIT 1`
	if err := sqlx.GetContext(ctx, db, &c.OldestQueued, qOldest); err != nil {
		return c, fmt.Errorf("count outbox: oldest queued: %w", err)
	}
	return c, nil
}

// DeadMessage is a message delivery gave up on.
type DeadMessage struct {
	Key       string    `db:"idem_key"`
	Kind      string    `db:"kind"`
	Recipient string    `db:"recipient"`
	Subject   string    `db:"subject"`
	Attempts  int       `db:"attempts"`
	LastError string    `db:"last_error"`
	CreatedAt time.Time `db:"created_at"`
	// DiedAt is when delivery gave up (the outbox keeps it in
	// next_attempt_at, which a dead message no longer needs).
	DiedAt time.Time `db:"next_attempt_at"`
}

// DeadMessages returns the messages that died at or after since (e.g. the
// previous HR digest), in the order they died; with none it returns an
// empty list and no error.
func DeadMessages(ctx context.Context, db sqlx.QueryerContext,
	since time.Time) ([]DeadMessage, error) {
	var list []DeadMessage
	const q = `SELECT idem_key, kind, recipient, subject, attempts,
		COALESCE(last_error, '') AS last_error, created_at, next_attempt_at
		FROM outbox WHERE status = 'dead' AND next_attempt_at >= ?
		ORDER BY next_attempt_at, id`
	if err := sqlx.SelectContext(ctx, db, &list, q, since.UTC()); err != nil {
		return nil, fmt.Errorf("dead messages: %w", err)
	}
	return list, nil
}
