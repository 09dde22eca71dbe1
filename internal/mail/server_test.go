package mail

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// received is one message an smtpServer accepted.
type received struct {
	From string
	To   []string
	Data []byte
}

// smtpServer is an in-process SMTP server (emersion/go-smtp) that keeps
// what it accepts. It can require a password, offer STARTTLS, reject
// recipients or data, and stop listening and start again on the same port.
type smtpServer struct {
	t    testing.TB
	Addr string

	mu       sync.Mutex
	srv      *smtp.Server
	msgs     []received
	user     string // required login when set
	pass     string
	tls      *tls.Config
	dataErr  error            // returned for DATA when set
	rcptErrs map[string]error // returned for RCPT TO by address
}

// startSMTP starts a server on a free local port; it stops when the test
// ends. setup, when given, configures it before it listens.
func startSMTP(t testing.TB, setup func(s *smtpServer)) *smtpServer {
	t.Helper()
	s := &smtpServer{t: t, rcptErrs: map[string]error{}}
	if setup != nil {
		setup(s)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = l.Addr().String()
	s.serve(l)
	t.Cleanup(s.Stop)
	return s
}

func (s *smtpServer) serve(l net.Listener) {
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{s: s}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.TLSConfig = s.tls
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go func() { _ = srv.Serve(l) }() // ends with an error when Stop closes it
}

// Stop closes the listener and every connection: new connections are
// refused until Restart.
func (s *smtpServer) Stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
}

// Restart listens again on the same address.
func (s *smtpServer) Restart() {
	l, err := net.Listen("tcp", s.Addr)
	if err != nil {
		s.t.Fatalf("restart smtp server: %v", err)
	}
	s.serve(l)
}

// Port returns the port the server listens on.
func (s *smtpServer) Port() int {
	_, p, _ := net.SplitHostPort(s.Addr)
	n, _ := strconv.Atoi(p)
	return n
}

// Messages returns a copy of what the server accepted.
func (s *smtpServer) Messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

// session is one SMTP connection.
type session struct {
	s     *smtpServer
	authd bool
	cur   received
}

func (x *session) AuthMechanisms() []string {
	if x.s.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (x *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != x.s.user || pass != x.s.pass {
			return smtp.ErrAuthFailed
		}
		x.authd = true
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.s.user != "" && !x.authd {
		return smtp.ErrAuthRequired
	}
	x.cur = received{From: from}
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	err := x.s.rcptErrs[to]
	x.s.mu.Unlock()
	if err != nil {
		return err
	}
	x.cur.To = append(x.cur.To, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.dataErr != nil {
		return x.s.dataErr
	}
	x.cur.Data = b
	x.s.msgs = append(x.s.msgs, x.cur)
	return nil
}

func (x *session) Reset()        { x.cur = received{} }
func (x *session) Logout() error { return nil }

// tempFailure and permFailure are replies a test server gives.
var (
	tempFailure = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0},
		Message: "try again later"}
	permFailure = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
		Message: "no such user"}
)

// selfSigned returns a server TLS configuration for 127.0.0.1 and a
// client configuration that trusts it.
func selfSigned(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der},
		PrivateKey: key}}}
	client = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	return server, client
}

// fakeClock is a clock tests move by hand; sleeping moves it.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func newClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 8, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d)
	c.now = c.now.Add(d)
	return ctx.Err()
}

// byMessageID counts the messages a server accepted by Message-ID.
func byMessageID(t *testing.T, msgs []received) map[string]int {
	t.Helper()
	n := map[string]int{}
	for _, m := range msgs {
		n[headerOf(t, m.Data, "Message-ID")]++
	}
	return n
}

// headerOf returns one header of a raw message.
func headerOf(t *testing.T, raw []byte, name string) string {
	t.Helper()
	m, err := parseRaw(raw)
	if err != nil {
		t.Fatalf("parse message: %v", err)
	}
	return m.Header.Get(name)
}
