package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cehours/configs"
	"cehours/internal/mail"
	"cehours/internal/mail/mailpittest"
	"cehours/internal/store"
)

// queueForSend migrates a SQLite database at dbPath and queues n
// reminders in it.
func queueForSend(t *testing.T, dbPath string, n int) {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, "sqlite:"+dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	o, err := mail.New(s, configs.Defaults().Mail)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		no := fmt.Sprintf("2023%04d", i)
		_, err := o.Queue(ctx, s.DB, mail.Message{
			Key: "reminder/" + no + "/2024-2025/2025-08-01", Kind: "reminder",
			To:      []mail.Address{{Name: "教师", Email: "t" + no + "@wmu.edu.cn"}},
			Subject: "【继续教育】学时提醒", Text: "请补齐学时。"})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// runSendWith runs "cehours send" with the mail section yaml and returns
// the exit status and output.
func runSendWith(t *testing.T, dir, mailYAML string) (int, string) {
	t.Helper()
	cfg := filepath.Join(dir, "cehours.yaml")
	text := fmt.Sprintf("var: %s\ninbox: %s\nlog:\n  level: error\nmail:\n%s",
		filepath.Join(dir, "var"), filepath.Join(dir, "inbox"), mailYAML)
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"--config", cfg, "send"}, &out, &errOut)
	return code, out.String() + errOut.String()
}

func TestSendExitStatus(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := closed.Addr().(*net.TCPAddr).Port
	closed.Close()

	tests := []struct {
		name     string
		mailYAML func(t *testing.T) string
		want     int
		output   string
	}{
		{"files without smtp settings", func(*testing.T) string { return "  from: ce@wmu.edu.cn\n" },
			exitOK, "2 sent"},
		{"smtp server refusing connections", func(*testing.T) string {
			return fmt.Sprintf("  smtp:\n    host: 127.0.0.1\n    port: %d\n    tls: none\n", closedPort)
		}, exitUnavailable, "unavailable"},
		{"every recipient rejected", func(t *testing.T) string {
			mp := mailpittest.Start(t, "--smtp-allowed-recipients", `^nobody@example\.org$`)
			return fmt.Sprintf("  smtp:\n    host: %s\n    port: %d\n    tls: none\n",
				mp.SMTPHost, mp.SMTPPort)
		}, exitPartial, "2 dead"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			yaml := tc.mailYAML(t)
			queueForSend(t, filepath.Join(dir, "var", "cehours.db"), 2)
			code, out := runSendWith(t, dir, yaml)
			if code != tc.want || !strings.Contains(out, tc.output) {
				t.Fatalf("exit %d, output:\n%s\nwant exit %d and %q", code, out, tc.want, tc.output)
			}
		})
	}
	t.Run("files are written to var/outbox", func(t *testing.T) {
		dir := t.TempDir()
		queueForSend(t, filepath.Join(dir, "var", "cehours.db"), 3)
		if code, out := runSendWith(t, dir, "  from: ce@wmu.edu.cn\n"); code != exitOK {
			t.Fatalf("exit %d: %s", code, out)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "var", "outbox", "*.eml"))
		if len(files) != 3 {
			t.Errorf("%d .eml files, want 3", len(files))
		}
	})
}
