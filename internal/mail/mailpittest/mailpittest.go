// Package mailpittest runs a Mailpit server (github.com/axllent/mailpit)
// for a test and reads what it received through its HTTP API: message
// summaries, whole messages with their text and HTML bodies, attachments
// and raw sources.
//
// The binary is found in $CEHOURS_TEST_MAILPIT, else as mailpit in PATH,
// else as ~/go/bin/mailpit; without one the test is skipped. Install it
// with: go install github.com/axllent/mailpit@v1.33.1
package mailpittest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// EnvBinary names the environment variable with the Mailpit binary.
const EnvBinary = "CEHOURS_TEST_MAILPIT"

// Server is a running Mailpit: SMTP on SMTPHost:SMTPPort, the HTTP API at
// URL. It stops when the test ends.
type Server struct {
	SMTPHost string
	SMTPPort int
	URL      string

	t      testing.TB
	client *http.Client
}

// Address is a sender or recipient as Mailpit reports it.
type Address struct {
	Name    string `json:"Name"`
	Address string `json:"Address"`
}

// Summary is a message in Mailpit's list.
type Summary struct {
	ID          string    `json:"ID"`
	MessageID   string    `json:"MessageID"` // without angle brackets
	From        Address   `json:"From"`
	To          []Address `json:"To"`
	Subject     string    `json:"Subject"`
	Created     time.Time `json:"Created"`
	Size        int       `json:"Size"`
	Attachments int       `json:"Attachments"`
}

// Message is one message, decoded by Mailpit.
type Message struct {
	ID          string       `json:"ID"`
	MessageID   string       `json:"MessageID"`
	From        Address      `json:"From"`
	To          []Address    `json:"To"`
	Subject     string       `json:"Subject"`
	Date        time.Time    `json:"Date"`
	Text        string       `json:"Text"`
	HTML        string       `json:"HTML"`
	Attachments []Attachment `json:"Attachments"`
	Inline      []Attachment `json:"Inline"`
}

// Attachment is a part of a message; Data is read with Server.Part.
type Attachment struct {
	PartID      string `json:"PartID"`
	FileName    string `json:"FileName"`
	ContentType string `json:"ContentType"`
	Size        int    `json:"Size"`
}

// Binary returns the path of the Mailpit binary and whether one exists.
func Binary() (string, bool) {
	if p := os.Getenv(EnvBinary); p != "" {
		_, err := os.Stat(p)
		return p, err == nil
	}
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p, true
	}
	if home, err := os.UserHomeDir(); err == nil {
		p := filepath.Join(home, "go", "bin", "mailpit")
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
	}
	return "", false
}

// Start runs Mailpit on free local ports with a database in a temporary
// folder and waits until both SMTP and HTTP answer. extra flags are passed
// on, e.g. "--smtp-auth-accept-any". It skips the test when no binary is
// found and fails it when Mailpit does not start.
func Start(t testing.TB, extra ...string) *Server {
	t.Helper()
	bin, ok := Binary()
	if !ok {
		t.Skipf("mailpit not found ($%s, PATH, ~/go/bin): skipping; "+
			"install with go install github.com/axllent/mailpit@v1.33.1", EnvBinary)
	}
	smtpPort, httpPort := freePort(t), freePort(t)
	dir := t.TempDir()
	s := &Server{SMTPHost: "127.0.0.1", SMTPPort: smtpPort,
		URL: "http://127.0.0.1:" + strconv.Itoa(httpPort), t: t,
		client: &http.Client{Timeout: 10 * time.Second}}
	args := append([]string{
		"--smtp", "127.0.0.1:" + strconv.Itoa(smtpPort),
		"--listen", "127.0.0.1:" + strconv.Itoa(httpPort),
		"--database", filepath.Join(dir, "mailpit.db"),
		"--max", "0", "--disable-version-check", "--smtp-disable-rdns", "--quiet",
		"--log-file", filepath.Join(dir, "mailpit.log"),
	}, extra...)
	cmd := exec.Command(bin, args...)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start mailpit: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited //nolint:errcheck // killed: its exit status says only that
	})
	if err := s.waitReady(exited, 20*time.Second); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "mailpit.log"))
		t.Fatalf("mailpit did not start: %v\n%s", err, log)
	}
	return s
}

// freePort returns a local TCP port that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitReady polls SMTP and the API until both answer, the process exits
// or the time is up.
func (s *Server) waitReady(exited <-chan error, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("mailpit exited: %w", err)
		default:
		}
		c, err := net.DialTimeout("tcp", net.JoinHostPort(s.SMTPHost,
			strconv.Itoa(s.SMTPPort)), time.Second)
		if err == nil {
			c.Close()
			if resp, err := s.client.Get(s.URL + "/api/v1/info"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return nil
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("timed out")
}

// SMTPAddr returns host:port of the SMTP listener.
func (s *Server) SMTPAddr() string {
	return net.JoinHostPort(s.SMTPHost, strconv.Itoa(s.SMTPPort))
}

// get fetches path from the API and returns the body; a status other than
// 200 fails the test.
func (s *Server) get(path string) []byte {
	s.t.Helper()
	resp, err := s.client.Get(s.URL + path)
	if err != nil {
		s.t.Fatalf("mailpit GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatalf("mailpit GET %s: %v", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("mailpit GET %s: %s: %s", path, resp.Status, b)
	}
	return b
}

func (s *Server) getJSON(path string, v any) {
	s.t.Helper()
	if err := json.Unmarshal(s.get(path), v); err != nil {
		s.t.Fatalf("mailpit GET %s: %v", path, err)
	}
}

// Messages returns every message received, newest first.
func (s *Server) Messages() []Summary {
	s.t.Helper()
	var all []Summary
	for start := 0; ; {
		var page struct {
			Total    int       `json:"total"`
			Messages []Summary `json:"messages"`
		}
		s.getJSON("/api/v1/messages?limit=500&start="+strconv.Itoa(start), &page)
		all = append(all, page.Messages...)
		start += len(page.Messages)
		if len(page.Messages) == 0 || start >= page.Total {
			return all
		}
	}
}

// WaitMessages waits until at least n messages have arrived and returns
// them; it fails the test after timeout.
func (s *Server) WaitMessages(n int, timeout time.Duration) []Summary {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		list := s.Messages()
		if len(list) >= n {
			return list
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("mailpit: %d messages after %v, want %d", len(list), timeout, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Message returns the message with Mailpit id id.
func (s *Server) Message(id string) Message {
	s.t.Helper()
	var m Message
	s.getJSON("/api/v1/message/"+url.PathEscape(id), &m)
	return m
}

// Part returns the decoded content of a message part, e.g. an
// attachment's PartID.
func (s *Server) Part(id, partID string) []byte {
	s.t.Helper()
	return s.get("/api/v1/message/" + url.PathEscape(id) + "/part/" + url.PathEscape(partID))
}

// Raw returns the message source as Mailpit received it.
func (s *Server) Raw(id string) []byte {
	s.t.Helper()
	return s.get("/api/v1/message/" + url.PathEscape(id) + "/raw")
}

// DeleteAll removes every message.
func (s *Server) DeleteAll() {
	s.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodDelete,
		s.URL+"/api/v1/messages", nil)
	if err != nil {
		s.t.Fatal(err)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Fatalf("mailpit delete all: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("mailpit delete all: %s", resp.Status)
	}
}
