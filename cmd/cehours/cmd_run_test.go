package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cehours/internal/store"
	"cehours/jobs"
)

// copyTree copies the regular files under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// syncBuffer is a bytes.Buffer safe for the daemon's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// emlFiles lists the .eml files in dir by prefix (digest, unit, reminder).
func emlFiles(dir string) map[string]int {
	n := map[string]int{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if kind, _, ok := strings.Cut(e.Name(), "_"); ok && strings.HasSuffix(e.Name(), ".eml") {
			n[kind]++
		}
	}
	return n
}

// TestRunDaemonOnExampleData runs "cehours run" with one-second ticks on
// the example university as of a reminder date, until the digest, the
// unit workbooks and the reminders are delivered as .eml files; a stop
// exits 0, and a restarted daemon sends nothing again.
func TestRunDaemonOnExampleData(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, filepath.Join("..", "..", "examples", "inbox"), filepath.Join(dir, "inbox"))
	cfg := filepath.Join(dir, "cehours.yaml")
	text := fmt.Sprintf(`var: %s
inbox: %s
log: {level: info, format: json}
mail:
  from: cehours@example.edu.cn
  hr: [renshichu@example.edu.cn]
schedule: {import: "@every 1s", reconcile: "", digest: "@every 1s",
  unit_reports: "@every 1s", reminders: "@every 1s", send: "@every 1s"}
jobs: {stop_timeout: 30s}
`, filepath.Join(dir, "var"), filepath.Join(dir, "inbox"))
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	outbox := filepath.Join(dir, "var", "outbox")
	args := []string{"--config", cfg, "--today", "2025-08-15", "run"}

	// The first daemon delivers every kind of mail, then stops cleanly.
	ctx, cancel := context.WithCancel(t.Context())
	var out, logs syncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, &out, &logs) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		n := emlFiles(outbox)
		if n["digest"] > 0 && n["unit"] > 0 && n["reminder"] > 0 {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			<-done
			t.Fatalf("no digest, unit and reminder mail after 60 s: %v\n%s", n, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Let the send job deliver what was queued together with them.
	time.Sleep(2 * time.Second)
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("daemon exit status %d, want 0\n%s", code, logs.String())
	}
	first := emlFiles(outbox)

	// A restarted daemon finds every period done and sends nothing.
	ctx, cancel = context.WithCancel(t.Context())
	var logs2 syncBuffer
	go func() { done <- run(ctx, args, &out, &logs2) }()
	time.Sleep(3 * time.Second)
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("restarted daemon exit status %d\n%s", code, logs2.String())
	}
	if again := emlFiles(outbox); fmt.Sprint(again) != fmt.Sprint(first) {
		t.Errorf("mail after the restart %v, before %v", again, first)
	}

	// The ledger holds one successful run per period of each report.
	s, err := store.Open(t.Context(), "sqlite:"+filepath.Join(dir, "var", "cehours.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for job, period := range map[string]string{jobs.KindDigest: "2025-W33",
		jobs.KindUnitReports: "2025-W33", jobs.KindReminders: "2025-08-15"} {
		runs, err := jobs.Ledger{DB: s.DB}.Recent(t.Context(), job, 100)
		if err != nil {
			t.Fatal(err)
		}
		ok := 0
		for _, r := range runs {
			if r.Outcome == jobs.OutcomeOK && r.Period == period {
				ok++
			}
		}
		if ok != 1 {
			t.Errorf("%s %s has %d successful runs, want 1: %+v", job, period, ok, runs)
		}
	}
}
