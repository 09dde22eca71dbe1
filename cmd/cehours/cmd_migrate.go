package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"cehours/internal/store"
)

func (a *app) migrateCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply schema migrations",
		Long: `Apply the schema migrations embedded in this binary. Running it again
changes nothing. Other commands migrate on their own when they need to.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			s, err := store.Open(ctx, a.cfg.DB)
			if err != nil {
				return err
			}
			a.store = s
			applied, err := s.Migrate(ctx)
			if err != nil {
				return err
			}
			cur, _, err := s.Version(ctx)
			if err != nil {
				return err
			}
			a.log.Info("migrate finished", "database", s.Name, "applied", len(applied), "version", cur)
			fmt.Fprintf(a.stdout, "%s: schema version %d (%d migrations applied)\n", s.Name, cur, len(applied))
			return nil
		},
	}
}

// usageArgs marks an argument validator's errors as usage errors.
func usageArgs(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := v(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}
