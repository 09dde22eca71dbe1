package mail

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// transport returns the transport the configuration asks for.
func (o *Outbox) transport() transport {
	if o.cfg.SMTP.Host == "" {
		return &fileTransport{dir: o.cfg.OutboxDir}
	}
	t := &smtpTransport{o: o, from: o.from.Email}
	if o.cfg.RatePerMinute > 0 {
		t.interval = time.Minute / time.Duration(o.cfg.RatePerMinute)
	}
	return t
}

// smtpTransport sends over one SMTP connection, opened when first needed
// and opened again after it breaks.
type smtpTransport struct {
	o        *Outbox
	from     string
	interval time.Duration
	conn     *smtp.Client
	client   *gomail.Client
	used     time.Time // when conn last did something
}

// idleCheck is how long a connection may sit idle (waiting for the rate
// limit) before it is checked with a NOOP.
const idleCheck = 10 * time.Second

func (t *smtpTransport) pace() time.Duration { return t.interval }

// open connects, says EHLO, starts TLS and authenticates as configured. An
// open connection idle for a while is checked first and replaced when the
// server has dropped it.
func (t *smtpTransport) open(ctx context.Context) error {
	if t.conn != nil && time.Since(t.used) > idleCheck {
		if err := t.conn.Noop(); err != nil {
			t.close()
		}
	}
	if t.conn != nil {
		return nil
	}
	c, err := t.newClient()
	if err != nil {
		return err
	}
	conn, err := c.DialToSMTPClientWithContext(ctx)
	addr := c.ServerAddr()
	if err != nil {
		if unreachable(err) {
			return fmt.Errorf("connect %s: %w: %w", addr, ErrUnavailable, err)
		}
		return fmt.Errorf("connect %s: %w", addr, err)
	}
	t.client, t.conn, t.used = c, conn, time.Now()
	return nil
}

// newClient configures go-mail's client from the mail.smtp settings. With
// a username, the strongest mechanism the server offers is used; over an
// encrypted connection that may be PLAIN or LOGIN. With tls "none" and a
// username, PLAIN and LOGIN are still used when the server offers nothing
// better: the password then travels in clear text, which the setting asks
// for (a relay on the same host or a trusted network).
func (t *smtpTransport) newClient() (*gomail.Client, error) {
	cfg := t.o.cfg.SMTP
	opts := []gomail.Option{gomail.WithPort(cfg.Port), gomail.WithTimeout(cfg.Timeout)}
	switch cfg.TLS {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if t.o.tls != nil {
		opts = append(opts, gomail.WithTLSConfig(t.o.tls))
	}
	switch {
	case cfg.Username != "" && cfg.TLS == "none":
		opts = append(opts, gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256,
			gomail.SMTPAuthSCRAMSHA1, gomail.SMTPAuthCramMD5, gomail.SMTPAuthPlainNoEnc,
			gomail.SMTPAuthLoginNoEnc),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	case cfg.Username != "":
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	default:
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthNoAuth))
	}
	c, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp client for %s: %w", cfg.Host, err)
	}
	return c, nil
}

// send runs one SMTP transaction with m's stored bytes. After a failure
// the connection is reset, or dropped when it cannot be.
func (t *smtpTransport) send(ctx context.Context, m *outgoing) error {
	err := t.transact(m)
	t.used = time.Now()
	if err != nil && t.conn != nil {
		if rerr := t.conn.Reset(); rerr != nil {
			t.close()
		}
	}
	return err
}

func (t *smtpTransport) transact(m *outgoing) error {
	if err := t.conn.UpdateDeadline(t.o.cfg.SMTP.Timeout); err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	if err := t.conn.Mail("<" + t.from + ">"); err != nil {
		return fmt.Errorf("smtp MAIL FROM: %w", err)
	}
	for _, rcpt := range splitRecipients(m.Recipient) {
		if err := t.conn.Rcpt("<" + rcpt + ">"); err != nil {
			return fmt.Errorf("smtp RCPT TO %s: %w", rcpt, err)
		}
	}
	w, err := t.conn.Data()
	if err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if _, err := w.Write(m.Body); err != nil {
		w.Close()
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	return nil
}

func (t *smtpTransport) close() {
	if t.conn != nil {
		// The connection is being abandoned: a failing QUIT changes nothing.
		_ = t.client.CloseWithSMTPClient(t.conn)
		_ = t.conn.Close()
		t.conn = nil
	}
}

// unreachable reports whether a dial error means the server could not be
// reached at all, as opposed to refusing our TLS or credentials.
func unreachable(err error) bool {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &dnsErr):
		return true
	case errors.As(err, &opErr):
		return opErr.Op == "dial"
	}
	return false
}

// fileTransport writes each message as an .eml file.
type fileTransport struct {
	dir string
}

func (t *fileTransport) pace() time.Duration { return 0 }
func (t *fileTransport) close()              {}

// open creates the folder, private to its owner.
func (t *fileTransport) open(context.Context) error {
	if err := os.MkdirAll(t.dir, 0o700); err != nil {
		return fmt.Errorf("outbox folder: %w", err)
	}
	return nil
}

// send writes m to EMLName(m.Key) in the folder, through a temporary file
// renamed into place, so a reader never sees half a message and writing
// the same message again replaces it.
func (t *fileTransport) send(_ context.Context, m *outgoing) error {
	path := filepath.Join(t.dir, EMLName(m.Key))
	f, err := os.CreateTemp(t.dir, ".tmp-*.eml")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(m.Body); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// EMLName returns the file name of the message with key key: the key with
// every character but ASCII letters, digits, '.', '-' and '_' replaced by
// '_', cut to 100 characters, then '-', eight hex digits of the key's
// SHA-256 (two keys never share a file) and ".eml". It is valid on every
// common file system.
func EMLName(key string) string {
	var b strings.Builder
	for _, r := range key {
		ok := 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' ||
			r == '.' || r == '-' || r == '_'
		if !ok {
			r = '_'
		}
		b.WriteRune(r)
	}
	name := strings.Trim(b.String(), ".")
	if len(name) > 100 {
		name = name[:100]
	}
	sum := sha256.Sum256([]byte(key))
	return name + "-" + hex.EncodeToString(sum[:4]) + ".eml"
}
