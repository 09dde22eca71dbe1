package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"cehours/internal/mail"
	"cehours/jobs"
)

// statusReport is what `cehours status` shows; --format json prints it as
// one JSON object.
type statusReport struct {
	Database string           `json:"database"`
	Schema   int64            `json:"schema"`
	Latest   int64            `json:"schema_latest"`
	Schedule []scheduleLine   `json:"schedule"`
	Runs     []jobs.RunRecord `json:"recent_runs"`
	Inbox    inboxStatus      `json:"inbox"`
	Outbox   outboxStatus     `json:"outbox"`
}

// scheduleLine is one job's schedule with its next and last run.
type scheduleLine struct {
	Job     string          `json:"job"`
	Spec    string          `json:"spec"`
	Next    *time.Time      `json:"next_run"`
	LastRun *jobs.RunRecord `json:"last_run"`
}

type inboxStatus struct {
	Dir     string `json:"dir"`
	Waiting int    `json:"waiting"`
	Failed  int    `json:"failed"`
}

type outboxStatus struct {
	Dir          string     `json:"dir,omitempty"`
	Queued       int        `json:"queued"`
	Sent         int        `json:"sent"`
	Dead         int        `json:"dead"`
	OldestQueued *time.Time `json:"oldest_queued"`
}

func (a *app) statusCommand() *cobra.Command {
	var format string
	var limit int
	cmd := &cobra.Command{
		Use:   "status [--format table|json]",
		Short: "Show the schedule, recent job runs, the inbox and the outbox",
		Long: `Show the database and its schema version; each job's schedule with its
next run (in the configured time zone) and its last run; the most recent job
runs with their outcome, counts and error; the files waiting in the inbox and
those moved to the failed folder; and the outbox: messages queued, sent and
dead. --format json prints all of it as one JSON object.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			rep, err := a.status(cmd.Context(), limit)
			if err != nil {
				return err
			}
			if format == "json" {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				return enc.Encode(rep)
			}
			return a.printStatus(a.stdout, rep)
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	cmd.Flags().IntVar(&limit, "runs", 20, "how many recent runs to show")
	return cmd
}

// status gathers the status report.
func (a *app) status(ctx context.Context, limit int) (statusReport, error) {
	s, err := a.openStore(ctx)
	if err != nil {
		return statusReport{}, err
	}
	rep := statusReport{Database: s.Name}
	if rep.Schema, rep.Latest, err = s.Version(ctx); err != nil {
		return rep, err
	}

	// The schedule with each job's next and last run.
	ledger := jobs.Ledger{DB: s.DB}
	last, err := ledger.Last(ctx)
	if err != nil {
		return rep, err
	}
	now := time.Now().In(a.cfg.Location)
	specs := a.cfg.Schedule.Specs()
	for _, name := range jobs.PipelineOrder {
		line := scheduleLine{Job: name, Spec: specs[name]}
		if line.Spec != "" {
			if sc, err := jobs.ParseSchedule(line.Spec); err == nil {
				next := sc.Next(now)
				line.Next = &next
			}
		}
		if r, ok := last[name]; ok {
			line.LastRun = &r
		}
		rep.Schedule = append(rep.Schedule, line)
	}
	if rep.Runs, err = ledger.Recent(ctx, "", limit); err != nil {
		return rep, err
	}

	// The inbox and the outbox.
	failed := filepath.Join(a.cfg.Var, "failed")
	rep.Inbox = inboxStatus{Dir: a.cfg.Inbox, Waiting: countFiles(a.cfg.Inbox), Failed: countFiles(failed)}
	oc, err := mail.Count(ctx, s.DB)
	if err != nil {
		return rep, err
	}
	rep.Outbox = outboxStatus{Queued: oc.Queued, Sent: oc.Sent, Dead: oc.Dead}
	if a.cfg.Mail.SMTP.Host == "" {
		rep.Outbox.Dir = a.cfg.Mail.OutboxDir
	}
	if !oc.OldestQueued.IsZero() {
		rep.Outbox.OldestQueued = &oc.OldestQueued
	}
	return rep, nil
}

// printStatus writes the report as aligned tables.
func (a *app) printStatus(w io.Writer, rep statusReport) error {
	loc := a.cfg.Location
	stamp := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	fmt.Fprintf(w, "database:  %s (schema %d of %d)\n", rep.Database, rep.Schema, rep.Latest)
	fmt.Fprintf(w, "inbox:     %s (%d files waiting, %d failed)\n",
		rep.Inbox.Dir, rep.Inbox.Waiting, rep.Inbox.Failed)
	fmt.Fprintf(w, "outbox:    %d queued, %d sent, %d dead", rep.Outbox.Queued, rep.Outbox.Sent, rep.Outbox.Dead)
	if rep.Outbox.OldestQueued != nil {
		fmt.Fprintf(w, " (oldest queued %s)", stamp(rep.Outbox.OldestQueued))
	}
	if rep.Outbox.Dir != "" {
		fmt.Fprintf(w, "; .eml files in %s", rep.Outbox.Dir)
	}
	fmt.Fprintln(w)

	fmt.Fprintf(w, "\nschedule (%s):\n", loc)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "JOB\tSPEC\tNEXT RUN\tLAST RUN\tOUTCOME")
	for _, l := range rep.Schedule {
		spec, lastAt, outcome := l.Spec, "-", "-"
		if spec == "" {
			spec = "(off)"
		}
		if l.LastRun != nil {
			lastAt, outcome = stamp(&l.LastRun.StartedAt), l.LastRun.Outcome
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", l.Job, spec, stamp(l.Next), lastAt, outcome)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintln(w, "\nrecent runs:")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STARTED\tJOB\tPERIOD\tOUTCOME\tDURATION\tCOUNTS")
	for _, r := range rep.Runs {
		counts := r.Counts.String()
		if r.Error != "" {
			counts += " error: " + oneLine(r.Error, 100)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", stamp(&r.StartedAt), r.Job, r.Period,
			r.Outcome, r.Duration().Round(time.Millisecond), counts)
	}
	return tw.Flush()
}

// oneLine shortens s to one line of at most n characters.
func oneLine(s string, n int) string {
	r := []rune(s)
	for i, c := range r {
		if c == '\n' || c == '\r' {
			r = r[:i]
			break
		}
	}
	if len(r) > n {
		r = append(r[:n-1], '…')
	}
	return string(r)
}

// countFiles counts the regular files below dir; a missing dir has none.
func countFiles(dir string) int {
	n := 0
	_ = filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return nil
	})
	return n
}
