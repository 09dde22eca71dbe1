package mail

import (
	"context"
	"errors"
	"fmt"
	"net/textproto"
	"strings"
	"time"
)

// ErrUnavailable is the cause of a delivery error when the SMTP server
// cannot be reached (connection refused, timed out, name not found);
// callers map it to exit status 4.
var ErrUnavailable = errors.New("smtp server unavailable")

// errNotFound is returned when a message to claim was claimed or finished
// by another process first.
var errNotFound = errors.New("outbox message taken")

// claimLease is how long a claimed message stays reserved for the process
// that claimed it. A process that dies while sending leaves the message
// due again when the lease ends.
const claimLease = 15 * time.Minute

// dueBatch is how many due messages one query fetches.
const dueBatch = 100

// Result counts what one delivery run did.
type Result struct {
	Sent    int // accepted by the server, or written as .eml files
	Retried int // failed and scheduled again
	Dead    int // marked dead by this run
	Skipped int // due, but claimed by another process first
}

// due is a message due for delivery, as the run first sees it.
type due struct {
	ID       int64  `db:"id"`
	Key      string `db:"idem_key"`
	Attempts int    `db:"attempts"`
}

// outgoing is a claimed message ready to be sent.
type outgoing struct {
	due
	Recipient string `db:"recipient"`
	Body      []byte `db:"body"`
}

// transport delivers rendered messages: over SMTP, or into files.
type transport interface {
	// open readies the transport; errors wrap ErrUnavailable when the
	// server cannot be reached.
	open(ctx context.Context) error
	// send delivers one message; a nil error means it was accepted.
	send(ctx context.Context, m *outgoing) error
	// pace is the least time between two sends; zero for none.
	pace() time.Duration
	close()
}

// Deliver sends every message that is due (queued, next attempt at or
// before now), each at most once per run, and returns what it did. With
// mail.smtp.host set it sends over SMTP, else it writes each message to
// mail.outbox_dir as an .eml file.
//
// Each message is claimed before it is sent: its attempt count goes up and
// its next attempt moves a lease into the future, with a compare-and-set
// on the count, so two processes delivering at once never both send one
// message. It is marked sent right after the server accepts it. A process
// killed between the acceptance and the mark leaves the message claimed;
// when the lease ends it is sent once more, the same bytes with the same
// Message-ID, so a recipient's client shows it once. Files are written
// under a name fixed by the key, so the repeat overwrites the first.
//
// A failed message is retried after mail.retry_base, doubled on each
// further failure, and marked dead after mail.max_attempts attempts, or at
// once when the server rejects it permanently (an SMTP 5xx reply). When the
// server cannot be reached, Deliver stops, leaving the messages not yet
// claimed untouched, and returns an error wrapping ErrUnavailable; any
// other error stops it too. The Result counts what was done before. It
// connects only when a message is due: with nothing due it succeeds
// whether or not the server is up.
func (o *Outbox) Deliver(ctx context.Context) (Result, error) {
	var res Result
	start, now := time.Now(), o.clock()
	tr := o.transport()
	defer tr.close()
	o.log.Info("mail delivery started", "mode", o.mode())

	// Walk the due messages in id order, a batch at a time.
	var last int64
	var lastSend time.Time
	for {
		batch, err := o.due(ctx, now, last)
		if err != nil {
			return res, err
		}
		if len(batch) == 0 {
			break
		}
		for _, d := range batch {
			last = d.ID
			if err := ctx.Err(); err != nil {
				return res, fmt.Errorf("deliver: %w", err)
			}
			if err := o.waitPace(ctx, tr, lastSend); err != nil {
				return res, err
			}
			sent, err := o.deliverOne(ctx, tr, d, now, &res)
			if err != nil {
				return res, err
			}
			if sent {
				lastSend = o.now()
			}
		}
	}
	o.log.Info("mail delivery finished", "mode", o.mode(), "sent", res.Sent,
		"retried", res.Retried, "dead", res.Dead, "skipped", res.Skipped,
		"duration", time.Since(start).Round(time.Millisecond))
	return res, nil
}

// mode names the delivery mode for logs.
func (o *Outbox) mode() string {
	if o.cfg.SMTP.Host == "" {
		return "files"
	}
	return "smtp"
}

// due returns up to dueBatch messages due at now with ids above after.
func (o *Outbox) due(ctx context.Context, now time.Time, after int64) ([]due, error) {
	var list []due
	const q = `SELECT id, idem_key, attempts FROM outbox
		WHERE status = 'queued' AND next_attempt_at <= ? AND id > ?
		ORDER BY id LIMIT ?`
	if err := o.store.DB.SelectContext(ctx, &list, q, now, after, dueBatch); err != nil {
		return nil, fmt.Errorf("deliver: due messages: %w", err)
	}
	return list, nil
}

// waitPace waits until the rate limit allows the next send.
func (o *Outbox) waitPace(ctx context.Context, tr transport, lastSend time.Time) error {
	p := tr.pace()
	if p == 0 || lastSend.IsZero() {
		return nil
	}
	if wait := lastSend.Add(p).Sub(o.now()); wait > 0 {
		if err := o.sleep(ctx, wait); err != nil {
			return fmt.Errorf("deliver: rate limit: %w", err)
		}
	}
	return nil
}

// deliverOne opens the transport, claims d, sends it and records the
// outcome in res; it reports whether the message was sent. An error means
// the run must stop.
func (o *Outbox) deliverOne(ctx context.Context, tr transport, d due, now time.Time,
	res *Result) (bool, error) {
	if err := tr.open(ctx); err != nil {
		return false, fmt.Errorf("deliver: %w", err)
	}
	m, err := o.claim(ctx, d, now)
	if errors.Is(err, errNotFound) {
		res.Skipped++
		o.log.Debug("mail claimed elsewhere", "key", d.Key)
		return false, nil
	}
	if err != nil {
		return false, err
	}
	sendErr := tr.send(ctx, m)
	if sendErr == nil {
		if err := o.markSent(ctx, m); err != nil {
			return false, err
		}
		res.Sent++
		o.log.Debug("mail sent", "key", m.Key, "recipient", m.Recipient, "attempt", m.Attempts)
		return true, nil
	}
	dead, err := o.markFailed(ctx, m, sendErr)
	if err != nil {
		return false, err
	}
	if dead {
		res.Dead++
	} else {
		res.Retried++
	}
	o.log.Warn("mail not delivered", "key", m.Key, "recipient", m.Recipient,
		"attempt", m.Attempts, "dead", dead, "error", sendErr)
	return false, nil
}

// claim takes d for this process and loads what is needed to send it. It
// returns errNotFound when another process claimed or finished d first.
func (o *Outbox) claim(ctx context.Context, d due, now time.Time) (*outgoing, error) {
	const q = `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?
		WHERE id = ? AND status = 'queued' AND attempts = ? AND next_attempt_at <= ?`
	r, err := o.store.DB.ExecContext(ctx, q, o.clock().Add(claimLease), d.ID, d.Attempts, now)
	if err != nil {
		return nil, fmt.Errorf("deliver %s: claim: %w", d.Key, err)
	}
	if n, err := r.RowsAffected(); err != nil {
		return nil, fmt.Errorf("deliver %s: claim: %w", d.Key, err)
	} else if n == 0 {
		return nil, errNotFound
	}
	m := &outgoing{}
	const qLoad = `SELECT id, idem_key, attempts, recipient, body FROM outbox WHERE id = ?`
	if err := o.store.DB.GetContext(ctx, m, qLoad, d.ID); err != nil {
		return nil, fmt.Errorf("deliver %s: load: %w", d.Key, err)
	}
	return m, nil
}

// markSent records that m was delivered.
func (o *Outbox) markSent(ctx context.Context, m *outgoing) error {
	const q = `UPDATE outbox SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ?`
	if _, err := o.store.DB.ExecContext(ctx, q, o.clock(), m.ID); err != nil {
		return fmt.Errorf("deliver %s: mark sent: %w", m.Key, err)
	}
	return nil
}

// markFailed records a failed attempt of m: dead after the last attempt or
// a permanent rejection, else due again after the backoff. It reports
// whether m is now dead.
func (o *Outbox) markFailed(ctx context.Context, m *outgoing, cause error) (bool, error) {
	dead := m.Attempts >= o.cfg.MaxAttempts || permanent(cause)
	status, next := StatusQueued, o.clock().Add(Backoff(o.cfg.RetryBase, m.Attempts))
	if dead {
		status, next = StatusDead, o.clock()
	}
	const q = `UPDATE outbox SET status = ?, next_attempt_at = ?, last_error = ? WHERE id = ?`
	msg := truncateRunes(cause.Error(), 2000)
	if _, err := o.store.DB.ExecContext(ctx, q, status, next, msg, m.ID); err != nil {
		return false, fmt.Errorf("deliver %s: mark failed: %w", m.Key, err)
	}
	return dead, nil
}

// Backoff returns the delay before the attempt after failed attempt n
// (1-based): base, then twice as long after each further failure, at most
// a week.
func Backoff(base time.Duration, n int) time.Duration {
	const ceiling = 7 * 24 * time.Hour
	d := base
	for i := 1; i < n; i++ {
		if d >= ceiling/2 {
			return ceiling
		}
		d *= 2
	}
	return min(d, ceiling)
}

// permanent reports whether err is an SMTP reply that retrying will not
// change (5xx).
func permanent(err error) bool {
	var te *textproto.Error
	return errors.As(err, &te) && te.Code >= 500 && te.Code < 600
}

// splitRecipients returns the envelope recipients stored by Queue.
func splitRecipients(s string) []string {
	var list []string
	for _, r := range strings.Split(s, ",") {
		if r = strings.TrimSpace(r); r != "" {
			list = append(list, r)
		}
	}
	return list
}
