package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"cehours/internal/store"
	"cehours/jobs"
	"cehours/reconcile"
)

// yearFlag parses --year; empty means def.
func yearFlag(s string, def reconcile.Year) (reconcile.Year, error) {
	if s == "" {
		return def, nil
	}
	y, err := reconcile.ParseYear(s)
	if err != nil {
		return 0, usageError{fmt.Errorf("--year: %w", err)}
	}
	return y, nil
}

// storeForYear opens the store and reads --year for the commands that
// list a year's results; without --year they list the report year (the
// due year between 1 July and 15 September, else the year in progress).
func (a *app) storeForYear(ctx context.Context, year string) (*store.Store, reconcile.Year, error) {
	y, err := yearFlag(year, jobs.ReportYear(a.today))
	if err != nil {
		return nil, 0, err
	}
	s, err := a.openStore(ctx)
	return s, y, err
}

// reconciler builds the reconcile job over the open store.
func (a *app) reconciler(s *store.Store) (*jobs.Reconciler, error) {
	eng, err := a.cfg.Engine()
	if err != nil {
		return nil, err
	}
	return &jobs.Reconciler{Store: s, Engine: eng, Log: a.log}, nil
}

func (a *app) reconcileCommand() *cobra.Command {
	var year string
	cmd := &cobra.Command{
		Use:   "reconcile [--year YYYY-YYYY]",
		Short: "Recompute standings and discrepancies from the imported records",
		Long: `Recompute, from every stored record, each person's occurrences, credited
hours, standing and discrepancies for a year, in one transaction. Without
--year: the due year (1 July to 15 September: the year that just ended) and the
year in progress. A second run on unchanged data writes nothing.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			s, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			rc, err := a.reconciler(s)
			if err != nil {
				return err
			}
			years := jobs.ReconcileYears(a.today)
			if year != "" {
				y, err := yearFlag(year, 0)
				if err != nil {
					return err
				}
				years = []reconcile.Year{y}
			}
			for _, y := range years {
				c, err := rc.Year(ctx, y, a.today)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "%s: %d people, %d records, %d compliant, %d short, %d at risk; "+
					"%d new discrepancies, %d resolved\n", y, c["people"], c["records"], c["compliant"],
					c["short"], c["at_risk"], c["discrepancies_new"], c["discrepancies_resolved"])
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&year, "year", "", "academic year, e.g. 2024-2025")
	return cmd
}

func (a *app) standingsCommand() *cobra.Command {
	var year, unit, format string
	cmd := &cobra.Command{
		Use:   "standings [--year Y] [--unit CODE] [--format table|csv|json]",
		Short: "Each person's hours and status for a year",
		Long: `List the standings of the last reconcile: hours by category, pending,
capped and missing hours, and the status (compliant, short, at-risk, exempt).
Without --year: the due year between 1 July and 15 September, else the year in
progress.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			s, y, err := a.storeForYear(cmd.Context(), year)
			if err != nil {
				return err
			}
			sts, err := store.Standings(cmd.Context(), s.DB, y, unit)
			if err != nil {
				return err
			}
			header := []string{"staff_no", "name", "unit", "year", "status", "A", "B", "C", "total",
				"pending", "capped", "missing_total", "missing_A", "missing_BC"}
			rows := make([][]string, len(sts))
			for i, st := range sts {
				rows[i] = []string{st.StaffNo, st.Name, st.UnitCode, st.Year.String(), string(st.Status),
					st.Hours.A.String(), st.Hours.B.String(), st.Hours.C.String(), st.Hours.Total.String(),
					st.Pending.Total.String(), st.Capped.String(), st.Missing.Total.String(),
					st.Missing.A.String(), st.Missing.BC.String()}
			}
			return printRows(a.stdout, format, header, rows, sts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&year, "year", "", "academic year, e.g. 2024-2025")
	f.StringVar(&unit, "unit", "", "only this unit's staff")
	f.StringVar(&format, "format", "table", "table, csv or json")
	return cmd
}

func (a *app) ledgerCommand() *cobra.Command {
	var year, format string
	cmd := &cobra.Command{
		Use:   "ledger STAFF_NO [--year Y] [--format table|json]",
		Short: "One person's hours, line by line: rule, cap, source, status",
		Long: `Explain one person's standing line by line: each activity with the rule
applied, the standard hours, what a cap cut and why, the status its sources
give it, any reviewer's decision, and the files and rows it came from.`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			s, y, err := a.storeForYear(cmd.Context(), year)
			if err != nil {
				return err
			}
			st, lines, found, err := store.PersonLedger(cmd.Context(), s.DB, args[0], y)
			if err != nil {
				return err
			}
			if !found {
				return fmt.Errorf("ledger: no standing of %s for %s (not in the roster, out of scope, or not reconciled yet)", args[0], y)
			}
			if format == "json" {
				return printRows(a.stdout, format, nil, nil, lines)
			}
			printLedger(a, st, lines)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&year, "year", "", "academic year, e.g. 2024-2025")
	f.StringVar(&format, "format", "table", "table or json")
	return cmd
}

// printLedger writes a person's ledger for people to read: the standing,
// then one block per activity.
func printLedger(a *app, st reconcile.Standing, lines []reconcile.LedgerLine) {
	w := a.stdout
	fmt.Fprintf(w, "%s %s  %s  %s学年  状态: %s\n", st.StaffNo, st.Name, st.UnitCode, st.Year, st.Status)
	fmt.Fprintf(w, "已计入: 合计 %s (A %s, B %s, C %s)；待核实 %s；封顶未计 %s；尚缺: 合计 %s, A %s, B+C %s\n\n",
		st.Hours.Total, st.Hours.A, st.Hours.B, st.Hours.C, st.Pending.Total, st.Capped,
		st.Missing.Total, st.Missing.A, st.Missing.BC)
	for i, l := range lines {
		dates := l.Start.String()
		if l.End != l.Start && !l.End.IsZero() {
			dates += " 至 " + l.End.String()
		}
		fmt.Fprintf(w, "%d. [类型%d] %s  %s  科目%s  %s\n", i+1, l.Type, l.Title, dates, orDash(string(l.Category)), l.Status)
		fmt.Fprintf(w, "   规则: %s\n", l.Rule)
		fmt.Fprintf(w, "   标准 %s + 加计 %s → 计入 %s", l.StandardHours, l.Bonus, l.Credited)
		if l.Pending > 0 {
			fmt.Fprintf(w, "，待核实 %s", l.Pending)
		}
		if l.Capped > 0 {
			fmt.Fprintf(w, "，封顶未计 %s", l.Capped)
		}
		fmt.Fprintln(w)
		if l.CapNote != "" {
			fmt.Fprintf(w, "   封顶: %s\n", l.CapNote)
		}
		if l.Decision != "" {
			fmt.Fprintf(w, "   复核: %s\n", l.Decision)
		}
		if len(l.Flags) > 0 {
			fs := make([]string, len(l.Flags))
			for j, f := range l.Flags {
				fs[j] = string(f)
			}
			fmt.Fprintf(w, "   标记: %s\n", strings.Join(fs, ", "))
		}
		for _, src := range l.Sources {
			fmt.Fprintf(w, "   来源: %s %s", src.Kind, src.File)
			if src.Sheet != "" {
				fmt.Fprintf(w, " [%s]", src.Sheet)
			}
			fmt.Fprintf(w, " 第%d行\n", src.Row)
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (a *app) discrepanciesCommand() *cobra.Command {
	var year, unit, status, format string
	cmd := &cobra.Command{
		Use:   "discrepancies [--year Y] [--unit CODE] [--status open|resolved|all] [--format table|csv|json]",
		Short: "What the sources and the policy disagree on",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			switch status {
			case "open", "resolved":
			case "all":
				status = ""
			default:
				return usageError{fmt.Errorf("--status %q: not one of open, resolved, all", status)}
			}
			s, y, err := a.storeForYear(cmd.Context(), year)
			if err != nil {
				return err
			}
			ds, err := store.Discrepancies(cmd.Context(), s.DB,
				store.DiscrepancyFilter{Year: y, Unit: unit, Status: status})
			if err != nil {
				return err
			}
			header := []string{"id", "code", "severity", "staff_no", "unit", "year", "status", "first_seen", "message"}
			rows := make([][]string, len(ds))
			for i, d := range ds {
				rows[i] = []string{d.ID, string(d.Code), string(d.Severity), d.StaffNo, d.UnitCode,
					d.Year.String(), d.Status, d.FirstSeen.String(), d.Message}
			}
			return printRows(a.stdout, format, header, rows, ds)
		},
	}
	f := cmd.Flags()
	f.StringVar(&year, "year", "", "academic year, e.g. 2024-2025")
	f.StringVar(&unit, "unit", "", "only this unit's staff")
	f.StringVar(&status, "status", "open", "open, resolved or all")
	f.StringVar(&format, "format", "table", "table, csv or json")
	return cmd
}

func (a *app) resolveCommand() *cobra.Command {
	var accept, reject bool
	var note, by string
	cmd := &cobra.Command{
		Use:   "resolve ID --accept|--reject --note TEXT",
		Short: "Record a reviewer's decision on a discrepancy",
		Long: `Record a reviewer's decision on a discrepancy and reconcile its year again,
so that the decision shows in standings and ledgers at once. Accepting a
no-attendance claim verifies it; accepting an overclaim credits the stated
hours; the newest decision on a discrepancy is the one in force.`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if accept == reject {
				return usageError{errors.New("resolve: give exactly one of --accept and --reject")}
			}
			if strings.TrimSpace(note) == "" {
				return usageError{errors.New("resolve: --note is required: say why")}
			}
			ctx := cmd.Context()
			s, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			ds, err := store.Discrepancies(ctx, s.DB, store.DiscrepancyFilter{ID: args[0]})
			if err != nil {
				return err
			}
			if len(ds) == 0 {
				return usageError{fmt.Errorf("resolve: no discrepancy %s", args[0])}
			}
			year := ds[0].Year
			if err := store.Resolve(ctx, s.DB, args[0], accept, note, by, 0); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return usageError{fmt.Errorf("resolve: no discrepancy %s", args[0])}
				}
				return err
			}
			a.log.Info("decision recorded", "discrepancy", args[0], "accepted", accept, "by", by)
			rc, err := a.reconciler(s)
			if err != nil {
				return err
			}
			if _, err := rc.Year(ctx, year, a.today); err != nil {
				return err
			}
			verdict := "rejected"
			if accept {
				verdict = "accepted"
			}
			fmt.Fprintf(a.stdout, "%s %s by %s; %s reconciled\n", args[0], verdict, by, year)
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&accept, "accept", false, "accept (认可) what the discrepancy questions")
	f.BoolVar(&reject, "reject", false, "reject (不认可) it")
	f.StringVar(&note, "note", "", "the reason, kept with the decision")
	f.StringVar(&by, "by", currentUser(), "who decides")
	return cmd
}

func currentUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if v := os.Getenv("USER"); v != "" {
		return v
	}
	return "cli"
}

func (a *app) rulesCommand() *cobra.Command {
	var format, on string
	cmd := &cobra.Command{
		Use:   "rules [--on YYYY-MM-DD] [--format table|csv|json]",
		Short: "Print the activity-type table in force",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			day := a.today
			if on != "" {
				d, err := reconcile.ParseDate(on)
				if err != nil {
					return usageError{fmt.Errorf("--on: %w", err)}
				}
				day = d
			}
			rs, err := a.cfg.RuleSet()
			if err != nil {
				return err
			}
			type row struct {
				No         int    `json:"no"`
				Name       string `json:"name"`
				Scope      string `json:"scope"`
				Categories string `json:"categories"`
				Standard   string `json:"standard"`
			}
			var out []row
			var rows [][]string
			for _, t := range rs.Types(day) {
				cats := make([]string, len(t.Categories))
				for i, c := range t.Categories {
					cats[i] = string(c)
				}
				r := row{t.No, t.Name, string(t.Scope), strings.Join(cats, ""), t.Describe()}
				out = append(out, r)
				rows = append(rows, []string{strconv.Itoa(r.No), r.Name, r.Scope, r.Categories, r.Standard})
			}
			return printRows(a.stdout, format, []string{"no", "name", "scope", "categories", "standard"}, rows, out)
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "table, csv or json")
	cmd.Flags().StringVar(&on, "on", "", "the rules in force on this date (default: today)")
	return cmd
}
