package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

func (a *app) statusCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show the database, the inbox and the outbox",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			cur, latest, err := s.Version(cmd.Context())
			if err != nil {
				return err
			}
			w := a.stdout
			fmt.Fprintf(w, "database:  %s (schema %d of %d)\n", s.Name, cur, latest)
			fmt.Fprintf(w, "inbox:     %s (%d files waiting)\n", a.cfg.Inbox, countFiles(a.cfg.Inbox))
			fmt.Fprintf(w, "failed:    %s (%d files)\n", filepath.Join(a.cfg.Var, "failed"),
				countFiles(filepath.Join(a.cfg.Var, "failed")))
			fmt.Fprintf(w, "outbox:    %s\n", a.cfg.Mail.OutboxDir)
			return nil
		},
	}
}

// countFiles counts the regular files below dir; a missing dir has none.
func countFiles(dir string) int {
	n := 0
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return nil
	})
	return n
}
