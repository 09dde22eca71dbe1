package mail

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"cehours/configs"
	"cehours/internal/mail/mailpittest"
	"cehours/internal/store/storetest"
)

// TestMailpitEndToEnd delivers messages with Chinese subjects, bodies and
// attachment names through a real Mailpit and reads each back through its
// API as a mail client would show it.
func TestMailpitEndToEnd(t *testing.T) {
	tests := []struct {
		name  string
		flags []string
		user  string
	}{
		{"without authentication", nil, ""},
		{"with authentication", []string{"--smtp-auth-accept-any", "--smtp-auth-allow-insecure"},
			"cehours"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mp := mailpittest.Start(t, tc.flags...)
			s := storetest.SQLite(t)
			cfg := configs.Defaults().Mail
			cfg.From = "温州医科大学继续教育 <cehours@wmu.edu.cn>"
			cfg.SMTP.Host, cfg.SMTP.Port, cfg.SMTP.TLS = mp.SMTPHost, mp.SMTPPort, "none"
			cfg.SMTP.Username, cfg.SMTP.Password = tc.user, "口令"
			cfg.RatePerMinute = 0
			o := newOutbox(t, s, cfg, newClock())

			const n = 6
			want := map[string]Message{}
			for i := 1; i <= n; i++ {
				m := reminder(i)
				m.Attachments = append(m.Attachments, Attachment{
					Filename: fmt.Sprintf("discrepancies-U%02d-2024-2025.xlsx", i),
					Name:     fmt.Sprintf("学时差异清单-U%02d-2024-2025.xlsx", i),
					Data:     bytes.Repeat([]byte{byte(i), 0, 0xff}, 1000*i)})
				if _, err := o.Queue(context.Background(), s.DB, m); err != nil {
					t.Fatal(err)
				}
				want[MessageID(m.Key, sender)] = m
			}
			res, err := o.Deliver(context.Background())
			if err != nil || res.Sent != n {
				dead, _ := DeadMessages(context.Background(), s.DB, time.Time{})
				t.Fatalf("deliver = %+v, %v; want %d sent; dead: %+v", res, err, n, dead)
			}

			// Every message arrived once, and reads back whole.
			list := mp.WaitMessages(n, 10*time.Second)
			if len(list) != n {
				t.Fatalf("mailpit has %d messages, want %d", len(list), n)
			}
			for _, sum := range list {
				m, ok := want[sum.MessageID]
				if !ok {
					t.Fatalf("unexpected Message-ID %s", sum.MessageID)
				}
				delete(want, sum.MessageID)
				checkMailpitMessage(t, mp, sum.ID, m)
			}
		})
	}
}

// checkMailpitMessage compares what Mailpit shows of message id with m.
func checkMailpitMessage(t *testing.T, mp *mailpittest.Server, id string, m Message) {
	t.Helper()
	got := mp.Message(id)
	if got.Subject != m.Subject {
		t.Errorf("subject %q, want %q", got.Subject, m.Subject)
	}
	if len(got.To) != 1 || got.To[0].Address != m.To[0].Email || got.To[0].Name != m.To[0].Name {
		t.Errorf("to %+v, want %+v", got.To, m.To)
	}
	if got.From.Name != "温州医科大学继续教育" {
		t.Errorf("from %+v", got.From)
	}
	if strings.TrimSpace(got.Text) != m.Text || !strings.Contains(got.HTML, m.HTML) {
		t.Errorf("bodies %q / %q, want %q / %q", got.Text, got.HTML, m.Text, m.HTML)
	}
	if len(got.Attachments) != len(m.Attachments) {
		t.Fatalf("%d attachments, want %d", len(got.Attachments), len(m.Attachments))
	}
	for i, a := range got.Attachments {
		w := m.Attachments[i]
		if a.FileName != w.Name {
			t.Errorf("attachment %d shown as %q, want %q", i, a.FileName, w.Name)
		}
		if data := mp.Part(id, a.PartID); !bytes.Equal(data, w.Data) {
			t.Errorf("attachment %s: %d bytes differ from the %d sent", w.Name, len(data), len(w.Data))
		}
	}
	if raw := mp.Raw(id); !bytes.Contains(raw, []byte(`filename="`+m.Attachments[0].Filename+`"`)) {
		t.Errorf("raw message lacks the ASCII file name %s", m.Attachments[0].Filename)
	}
}
