package configs

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestExampleIsTheDefaults keeps the commented example and the defaults
// table saying the same thing.
func TestExampleIsTheDefaults(t *testing.T) {
	t.Setenv(EnvConfig, "")
	t.Setenv(EnvDB, "")
	t.Setenv(EnvSMTPPassword, "")
	fromFile, err := Load("cehours.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	builtin, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*Config{&fromFile, &builtin} {
		c.Location = nil
		if len(c.Mail.HR) == 0 {
			c.Mail.HR = nil
		}
		if len(c.Import.Aliases) == 0 {
			c.Import.Aliases = nil
		}
	}
	if !reflect.DeepEqual(fromFile, builtin) {
		t.Errorf("example differs from defaults:\nfile:    %+v\ndefault: %+v", fromFile, builtin)
	}
}

func TestLoadErrorsNameTheKey(t *testing.T) {
	tests := []struct {
		name, yaml, key string
	}{
		{"unknown key", "inbx: x\n", "inbx"},
		{"tls", "mail:\n  smtp:\n    tls: ssl\n", "mail.smtp.tls"},
		{"cron", "schedule:\n  digest: \"61 8 * * MON\"\n", "schedule.digest"},
		{"reminder date", "reminder_dates: [\"8-1\"]\n", "reminder_dates[0]"},
		{"hr address", "mail:\n  hr: [\"not an address\"]\n", "mail.hr[0]"},
		{"similarity", "match:\n  title_similarity: 1.5\n", "match.title_similarity"},
		{"timezone", "timezone: Mars/Olympus\n", "timezone"},
		{"dsn", "db: \"user@tcp(\"\n", "db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "c.yaml")
			if err := os.WriteFile(p, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Load(p)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Load: %v, want ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.key) {
				t.Errorf("error %q does not name %q", err, tt.key)
			}
		})
	}
}

func TestEnvironmentOverridesSecrets(t *testing.T) {
	t.Setenv(EnvConfig, "")
	t.Setenv(EnvDB, "app:pw@tcp(db:3306)/ce")
	t.Setenv(EnvSMTPPassword, "smtp-secret")
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if c.DB != "app:pw@tcp(db:3306)/ce" || c.Mail.SMTP.Password != "smtp-secret" {
		t.Fatalf("environment not applied: db %q", c.DB)
	}
	out, err := c.Redacted().YAML()
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"pw@", "smtp-secret"} {
		if strings.Contains(string(out), secret) {
			t.Errorf("redacted configuration shows %q:\n%s", secret, out)
		}
	}
	if c.Mail.SMTP.Password != "smtp-secret" {
		t.Error("Redacted changed the original")
	}
}

func TestRedactDSN(t *testing.T) {
	tests := map[string]string{
		"u:secret@tcp(127.0.0.1:3306)/x": "u:***@tcp(127.0.0.1:3306)/x",
		"u@tcp(127.0.0.1:3306)/x":        "u@tcp(127.0.0.1:3306)/x",
		"sqlite:var/cehours.db":          "sqlite:var/cehours.db",
	}
	for in, want := range tests {
		if got := RedactDSN(in); got != want {
			t.Errorf("RedactDSN(%q) = %q, want %q", in, got, want)
		}
	}
}
