// Package configs loads cehours' configuration: the application settings
// (this file) and the policy rules (rules.go). Every setting has a default
// in Defaults, so cehours runs with no file at all.
package configs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"

	"cehours/reconcile"
)

// ErrInvalid is the cause of every configuration error; callers map it to
// exit status 2.
var ErrInvalid = errors.New("invalid configuration")

// Environment variables that override the file.
const (
	EnvConfig       = "CEHOURS_CONFIG"
	EnvDB           = "CEHOURS_DB"
	EnvSMTPPassword = "CEHOURS_SMTP_PASSWORD"
)

// Config is the whole configuration. Paths are relative to the working
// directory unless absolute.
type Config struct {
	// DB is "sqlite:PATH" or a MySQL DSN; empty means SQLite at
	// <var>/cehours.db.
	DB string `yaml:"db"`
	// Inbox holds one folder per file kind (roster/, units/, attendance/,
	// claims/, resolutions/, unit-sheet/<unit code>/).
	Inbox string `yaml:"inbox"`
	// Var holds state and output: archive/, failed/, reports/, outbox/.
	Var string `yaml:"var"`
	// Rules is the activity-type table; empty means the built-in one.
	Rules string `yaml:"rules"`

	Log                  Log            `yaml:"log"`
	Mail                 Mail           `yaml:"mail"`
	Schedule             Schedule       `yaml:"schedule"`
	ReminderDates        []string       `yaml:"reminder_dates"`
	AutoCreditOrganisers []string       `yaml:"auto_credit_organisers"`
	Match                Match          `yaml:"match"`
	Import               Import         `yaml:"import"`
	Jobs                 Jobs           `yaml:"jobs"`
	HTTP                 HTTP           `yaml:"http"`
	Timezone             string         `yaml:"timezone"`
	Location             *time.Location `yaml:"-"`
}

// Log sets the log output.
type Log struct {
	Level  string `yaml:"level"`  // debug | info | warn | error
	Format string `yaml:"format"` // auto | text | json; auto: text on a terminal
}

// Mail sets the sender, the HR recipients and delivery.
type Mail struct {
	From string `yaml:"from"`
	// HR receives the weekly shortfall digest.
	HR []string `yaml:"hr"`
	// OutboxDir receives .eml files when SMTP.Host is empty; default
	// <var>/outbox.
	OutboxDir string `yaml:"outbox_dir"`
	SMTP      SMTP   `yaml:"smtp"`
	// RatePerMinute limits deliveries; 0 means no limit.
	RatePerMinute int `yaml:"rate_per_minute"`
	// MaxAttempts before a message is marked dead.
	MaxAttempts int `yaml:"max_attempts"`
	// RetryBase is the first retry delay; each retry doubles it.
	RetryBase time.Duration `yaml:"retry_base"`
}

// SMTP is the outgoing mail server.
type SMTP struct {
	Host     string        `yaml:"host"`
	Port     int           `yaml:"port"`
	Username string        `yaml:"username"`
	Password string        `yaml:"password"`
	TLS      string        `yaml:"tls"` // starttls | tls | none
	Timeout  time.Duration `yaml:"timeout"`
}

// Schedule holds the daemon's cron specs (5 fields, or @every …) in the
// configured time zone. An empty spec disables the job.
type Schedule struct {
	Import      string `yaml:"import"`
	Reconcile   string `yaml:"reconcile"`
	Digest      string `yaml:"digest"`
	UnitReports string `yaml:"unit_reports"`
	Reminders   string `yaml:"reminders"`
	Send        string `yaml:"send"`
}

// Match tunes how records of different sources are matched.
type Match struct {
	// TitleSimilarity is the character-bigram similarity (0–1) above which
	// two titles name the same activity.
	TitleSimilarity float64 `yaml:"title_similarity"`
}

// Import sets the limits that protect against broken or hostile files and
// extra column-name aliases.
type Import struct {
	MaxFileBytes  int64 `yaml:"max_file_bytes"`
	MaxRows       int   `yaml:"max_rows"`
	MaxCellChars  int   `yaml:"max_cell_chars"`
	MaxUnzipBytes int64 `yaml:"max_unzip_bytes"`
	// Aliases adds column names: canonical name → more names.
	Aliases map[string][]string `yaml:"aliases"`
}

// Jobs tunes the daemon.
type Jobs struct {
	// CatchUpGrace is how long after a missed periodic job (digest,
	// reminders) the daemon still runs it on start.
	CatchUpGrace time.Duration `yaml:"catch_up_grace"`
	// StopTimeout is how long a stop waits for running jobs.
	StopTimeout time.Duration `yaml:"stop_timeout"`
}

// HTTP is the optional health and metrics endpoint.
type HTTP struct {
	Addr string `yaml:"addr"` // e.g. 127.0.0.1:9310; empty: off
}

// Defaults returns the configuration used when no file sets a key.
func Defaults() Config {
	return Config{
		Inbox:    "var/inbox",
		Var:      "var",
		Log:      Log{Level: "info", Format: "auto"},
		Timezone: "Asia/Shanghai",
		Mail: Mail{
			From:          "cehours@localhost",
			RatePerMinute: 120,
			MaxAttempts:   8,
			RetryBase:     time.Minute,
			SMTP:          SMTP{Port: 587, TLS: "starttls", Timeout: 30 * time.Second},
		},
		Schedule: Schedule{
			Import:      "*/30 * * * *",
			Reconcile:   "15 2 * * *",
			Digest:      "0 8 * * MON",
			UnitReports: "0 9 * 7,8 MON",
			Reminders:   "0 9 * 8 *",
			Send:        "@every 5m",
		},
		ReminderDates:        []string{"08-01", "08-15", "08-24", "08-29"},
		AutoCreditOrganisers: []string{"教师发展中心"},
		Match:                Match{TitleSimilarity: 0.5},
		Import: Import{
			MaxFileBytes:  64 << 20,
			MaxRows:       1_000_000,
			MaxCellChars:  32_767,
			MaxUnzipBytes: 1 << 30,
		},
		Jobs: Jobs{CatchUpGrace: 7 * 24 * time.Hour, StopTimeout: 2 * time.Minute},
	}
}

// Load reads the configuration: path if given, else $CEHOURS_CONFIG if
// set, else the defaults alone. Keys the file does not set keep their
// defaults; unknown keys are errors. Secrets from the environment
// override the file. The result is validated; every error wraps
// ErrInvalid and names the key.
func Load(path string) (Config, error) {
	c := Defaults()
	if path == "" {
		path = os.Getenv(EnvConfig)
	}
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("config: %w: %w", ErrInvalid, err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
			return c, fmt.Errorf("config %s: %w: %w", path, ErrInvalid, err)
		}
	}
	if v := os.Getenv(EnvDB); v != "" {
		c.DB = v
	}
	if v := os.Getenv(EnvSMTPPassword); v != "" {
		c.Mail.SMTP.Password = v
	}
	c.fill()
	if err := c.Validate(); err != nil {
		return c, err
	}
	return c, nil
}

// fill derives the settings whose defaults depend on others.
func (c *Config) fill() {
	if c.DB == "" {
		c.DB = "sqlite:" + filepath.Join(c.Var, "cehours.db")
	}
	if c.Mail.OutboxDir == "" {
		c.Mail.OutboxDir = filepath.Join(c.Var, "outbox")
	}
}

var mmdd = regexp.MustCompile(`^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`)

// Validate checks every setting and returns the first problem found,
// naming its key.
func (c *Config) Validate() error {
	bad := func(key, format string, args ...any) error {
		return fmt.Errorf("config: %s: %s: %w", key, fmt.Sprintf(format, args...), ErrInvalid)
	}
	if c.Var == "" {
		return bad("var", "must not be empty")
	}
	if c.Inbox == "" {
		return bad("inbox", "must not be empty")
	}
	if err := checkDSN(c.DB); err != nil {
		return bad("db", "%v", err)
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return bad("timezone", "%v", err)
	}
	c.Location = loc
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		return bad("log.level", "%q is not debug, info, warn or error", c.Log.Level)
	}
	switch c.Log.Format {
	case "auto", "text", "json":
	default:
		return bad("log.format", "%q is not auto, text or json", c.Log.Format)
	}
	if err := c.Mail.validate(bad); err != nil {
		return err
	}
	if err := c.Schedule.validate(bad); err != nil {
		return err
	}
	for i, d := range c.ReminderDates {
		if !mmdd.MatchString(d) {
			return bad(fmt.Sprintf("reminder_dates[%d]", i), "%q is not MM-DD", d)
		}
	}
	if s := c.Match.TitleSimilarity; s <= 0 || s > 1 {
		return bad("match.title_similarity", "%v is not in (0, 1]", s)
	}
	im := c.Import
	if im.MaxFileBytes <= 0 || im.MaxRows <= 0 || im.MaxCellChars <= 0 || im.MaxUnzipBytes <= 0 {
		return bad("import", "max_file_bytes, max_rows, max_cell_chars and max_unzip_bytes must be positive")
	}
	if c.Jobs.CatchUpGrace < 0 || c.Jobs.StopTimeout <= 0 {
		return bad("jobs", "catch_up_grace must not be negative and stop_timeout must be positive")
	}
	return nil
}

func (m *Mail) validate(bad func(string, string, ...any) error) error {
	if _, err := mail.ParseAddress(m.From); err != nil {
		return bad("mail.from", "%q: %v", m.From, err)
	}
	for i, a := range m.HR {
		if _, err := mail.ParseAddress(a); err != nil {
			return bad(fmt.Sprintf("mail.hr[%d]", i), "%q: %v", a, err)
		}
	}
	switch m.SMTP.TLS {
	case "starttls", "tls", "none":
	default:
		return bad("mail.smtp.tls", "%q is not starttls, tls or none", m.SMTP.TLS)
	}
	if m.SMTP.Host != "" && (m.SMTP.Port <= 0 || m.SMTP.Port > 65535) {
		return bad("mail.smtp.port", "%d is not a port", m.SMTP.Port)
	}
	if m.SMTP.Timeout <= 0 {
		return bad("mail.smtp.timeout", "must be positive")
	}
	if m.RatePerMinute < 0 {
		return bad("mail.rate_per_minute", "must not be negative")
	}
	if m.MaxAttempts < 1 {
		return bad("mail.max_attempts", "must be at least 1")
	}
	if m.RetryBase <= 0 {
		return bad("mail.retry_base", "must be positive")
	}
	return nil
}

// CronParser parses the schedule's specs: five fields or a descriptor such
// as @every 5m or @daily.
var CronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

func (s *Schedule) validate(bad func(string, string, ...any) error) error {
	for key, spec := range s.Specs() {
		if spec == "" {
			continue
		}
		if _, err := CronParser.Parse(spec); err != nil {
			return bad("schedule."+key, "%q: %v", spec, err)
		}
	}
	return nil
}

// Specs returns the schedule by job name.
func (s *Schedule) Specs() map[string]string {
	return map[string]string{
		"import":       s.Import,
		"reconcile":    s.Reconcile,
		"digest":       s.Digest,
		"unit_reports": s.UnitReports,
		"reminders":    s.Reminders,
		"send":         s.Send,
	}
}

// checkDSN reports whether dsn can be opened as SQLite or MySQL.
func checkDSN(dsn string) error {
	if p, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		if p == "" {
			return errors.New("sqlite: needs a file path")
		}
		return nil
	}
	if _, err := gomysql.ParseDSN(dsn); err != nil {
		return fmt.Errorf("neither sqlite:PATH nor a MySQL DSN: %w", err)
	}
	return nil
}

// Redacted returns a copy of c with every secret replaced by "***": the
// SMTP password and the password inside a MySQL DSN.
func (c Config) Redacted() Config {
	r := c
	r.DB = RedactDSN(c.DB)
	if r.Mail.SMTP.Password != "" {
		r.Mail.SMTP.Password = "***"
	}
	r.Mail.HR = append([]string(nil), c.Mail.HR...)
	return r
}

// RedactDSN replaces the password of a MySQL DSN with "***"; other DSNs
// come back unchanged.
func RedactDSN(dsn string) string {
	if strings.HasPrefix(dsn, "sqlite:") {
		return dsn
	}
	cfg, err := gomysql.ParseDSN(dsn)
	if err != nil {
		// Not parseable: hide everything before the last '@'.
		if i := strings.LastIndex(dsn, "@"); i >= 0 {
			return "***" + dsn[i:]
		}
		return dsn
	}
	if cfg.Passwd == "" {
		return dsn
	}
	cfg.Passwd = "***"
	return cfg.FormatDSN()
}

// RuleSet loads the activity-type table the configuration names: the
// file at Rules, or the built-in table when Rules is empty. Errors wrap
// ErrInvalid.
func (c Config) RuleSet() (*reconcile.RuleSet, error) {
	var rs *reconcile.RuleSet
	var err error
	if c.Rules == "" {
		rs, err = DefaultRules()
	} else {
		rs, err = LoadRules(c.Rules)
	}
	if err != nil {
		return nil, fmt.Errorf("config: rules: %w: %w", ErrInvalid, err)
	}
	return rs, nil
}

// Engine returns the reconciliation engine the configuration describes.
func (c Config) Engine() (*reconcile.Engine, error) {
	rs, err := c.RuleSet()
	if err != nil {
		return nil, err
	}
	return &reconcile.Engine{Rules: rs, Config: reconcile.Config{
		AutoCreditOrganisers: c.AutoCreditOrganisers,
		TitleSimilarity:      c.Match.TitleSimilarity,
	}}, nil
}

// YAML renders c as YAML, for printing.
func (c Config) YAML() ([]byte, error) { return yaml.Marshal(c) }
