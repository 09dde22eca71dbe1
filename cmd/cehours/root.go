package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"

	"cehours/configs"
	"cehours/internal/store"
	"cehours/reconcile"
)

// app is what every command shares: the global flags, the configuration
// and, once a command asks for it, the store.
type app struct {
	configPath string
	dbFlag     string
	todayFlag  string

	cfg    configs.Config
	log    *slog.Logger
	stdout io.Writer
	stderr io.Writer
	store  *store.Store
	today  reconcile.Date
}

// run executes the command line args and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := &app{stdout: stdout, stderr: stderr, log: slog.New(slog.NewTextHandler(stderr, nil))}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if a.store != nil {
		a.store.Close()
	}
	code := exitCode(err)
	if err != nil && !errors.Is(err, errPartial) {
		fmt.Fprintf(stderr, "cehours: %v\n", err)
	}
	return code
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "cehours",
		Short: "Reconcile staff continuing-education hours and mail what is missing",
		Long: `cehours imports sign-in lists, unit spreadsheets, self-reported claims and
the HR roster, reconciles them against each other and against the policy,
and mails HR, unit heads and staff what is missing before 31 August.

` + exitHelp,
		SilenceUsage:      true,
		SilenceErrors:     true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return a.setup(cmd) },
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	f := root.PersistentFlags()
	f.StringVar(&a.configPath, "config", "", "configuration file (default $CEHOURS_CONFIG, else built-in defaults)")
	f.StringVar(&a.dbFlag, "db", "", "database: sqlite:PATH or a MySQL DSN (overrides the configuration)")
	f.StringVar(&a.todayFlag, "today", "", "the date the run believes it is, YYYY-MM-DD (default: today in Asia/Shanghai)")
	root.SetHelpTemplate(root.HelpTemplate())

	for _, c := range []*cobra.Command{
		a.importCommand(), a.importsCommand(),
		a.migrateCommand(),
		a.configCommand(),
		a.statusCommand(),
		a.sendCommand(),
		a.reconcileCommand(),
		a.standingsCommand(),
		a.ledgerCommand(),
		a.discrepanciesCommand(),
		a.resolveCommand(),
		a.rulesCommand(),
		a.reportCommand(),
		a.runCommand(), a.onceCommand(),
	} {
		c.Long = longHelp(c)
		root.AddCommand(c)
	}
	return root
}

// longHelp appends the exit statuses to a command's help.
func longHelp(c *cobra.Command) string {
	long := c.Long
	if long == "" {
		long = c.Short
	}
	return long + "\n\n" + exitHelp
}

// setup loads the configuration, applies the global flags and sets up
// logging; every command runs it first.
func (a *app) setup(cmd *cobra.Command) error {
	cfg, err := configs.Load(a.configPath)
	if err != nil {
		return err
	}
	if a.dbFlag != "" {
		cfg.DB = a.dbFlag
		if err := cfg.Validate(); err != nil {
			return err
		}
	}
	a.cfg = cfg
	a.log = newLogger(cfg.Log, a.stderr)
	slog.SetDefault(a.log)
	if a.todayFlag != "" {
		d, err := reconcile.ParseDate(a.todayFlag)
		if err != nil {
			return usageError{fmt.Errorf("--today: %w", err)}
		}
		a.today = d
	} else {
		a.today = reconcile.DateOf(time.Now().In(cfg.Location))
	}
	return nil
}

// openStore opens the configured database and brings its schema up to
// date; commands call it when they need the store.
func (a *app) openStore(ctx context.Context) (*store.Store, error) {
	if a.store != nil {
		return a.store, nil
	}
	s, err := store.Open(ctx, a.cfg.DB)
	if err != nil {
		return nil, err
	}
	applied, err := s.Migrate(ctx)
	if err != nil {
		s.Close()
		return nil, err
	}
	if len(applied) > 0 {
		a.log.Info("schema migrated", "database", s.Name, "versions", applied)
	}
	a.store = s
	return s, nil
}

// newLogger returns a text logger on a terminal and a JSON logger
// otherwise, unless the configuration chooses.
func newLogger(c configs.Log, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.Level))
	opts := &slog.HandlerOptions{Level: level}
	jsonOut := c.Format == "json"
	if c.Format == "auto" {
		jsonOut = !isTerminal(w)
	}
	if jsonOut {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
