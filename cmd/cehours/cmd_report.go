package main

import (
	"cmp"
	"context"
	"fmt"
	netmail "net/mail"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"cehours/internal/mail"
	"cehours/internal/reportdata"
	"cehours/internal/store"
	"cehours/reconcile"
	"cehours/reports"
)

// reportOptions are the flags of `cehours report`.
type reportOptions struct {
	kind, year, unit, staff, out string
}

func (a *app) reportCommand() *cobra.Command {
	var o reportOptions
	cmd := &cobra.Command{
		Use:   "report digest|unit|reminders|form [--year Y] [--unit CODE] [--staff NO] [--out DIR]",
		Short: "Build report files without sending anything",
		Long: `Build reports into --out (default: the reports folder under var/), sending
nothing: digest writes the HR workbook (shortfall-Y.xlsx); unit writes each
unit's discrepancy workbook, or --unit's; reminders writes one .eml per person
who needs a reminder, of --unit or --staff only when given; form writes the
statistics form of --staff, or one workbook of forms per unit (--unit or all).
The year defaults to the due year (1 July to 15 September), else the year in
progress. Files are readable by their owner only.`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.kind = args[0]
			return a.runReport(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.year, "year", "", "academic year, e.g. 2024-2025")
	f.StringVar(&o.unit, "unit", "", "unit code")
	f.StringVar(&o.staff, "staff", "", "staff number")
	f.StringVar(&o.out, "out", "", "output folder")
	return cmd
}

// runReport builds the files of one report kind into the output folder.
func (a *app) runReport(ctx context.Context, o reportOptions) error {
	def := reconcile.DueYear(a.today)
	if def == 0 {
		def = reconcile.YearOf(a.today)
	}
	y, err := yearFlag(o.year, def)
	if err != nil {
		return err
	}
	out := cmp.Or(o.out, filepath.Join(a.cfg.Var, "reports"))
	if err := os.MkdirAll(out, 0o700); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	s, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	start, n := time.Now(), 0
	switch o.kind {
	case "digest":
		n, err = a.reportDigest(ctx, s, y, out)
	case "unit":
		n, err = a.reportUnits(ctx, s, y, o.unit, out)
	case "reminders":
		n, err = a.reportReminders(ctx, s, y, o, out)
	case "form":
		n, err = a.reportForms(ctx, s, y, o, out)
	default:
		return usageError{fmt.Errorf("report: unknown report %q (digest, unit, reminders, form)", o.kind)}
	}
	if err != nil {
		return err
	}
	a.log.Info("reports built", "kind", o.kind, "year", y.String(), "files", n,
		"out", out, "duration", time.Since(start))
	fmt.Fprintf(a.stdout, "%d file(s) written to %s\n", n, out)
	return nil
}

// writeFile writes data as out/name, readable by its owner only.
func writeFile(out, name string, data []byte) error {
	if err := os.WriteFile(filepath.Join(out, name), data, 0o600); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

func (a *app) reportDigest(ctx context.Context, s *store.Store, y reconcile.Year, out string) (int, error) {
	d, err := reportdata.DigestInput(ctx, s.DB, y, a.today)
	if err != nil {
		return 0, err
	}
	data, err := reports.DigestWorkbook(d)
	if err != nil {
		return 0, err
	}
	name, _ := reports.DigestAttachment(y)
	return 1, writeFile(out, name, data)
}

// selectUnits returns every unit, or the one named code.
func selectUnits(ctx context.Context, s *store.Store, code string) ([]reconcile.Unit, error) {
	units, err := reportdata.ReportUnits(ctx, s.DB)
	if err != nil || code == "" {
		return units, err
	}
	for _, u := range units {
		if u.Code == code {
			return []reconcile.Unit{u}, nil
		}
	}
	return nil, usageError{fmt.Errorf("report: --unit %q: no such unit", code)}
}

func (a *app) reportUnits(ctx context.Context, s *store.Store, y reconcile.Year, code, out string) (int, error) {
	units, err := selectUnits(ctx, s, code)
	if err != nil {
		return 0, err
	}
	for _, u := range units {
		r, err := reportdata.UnitReportInput(ctx, s.DB, u, y, a.today)
		if err != nil {
			return 0, err
		}
		data, err := reports.UnitWorkbook(r)
		if err != nil {
			return 0, err
		}
		name, _ := reports.UnitAttachment(u, y)
		if err := writeFile(out, name, data); err != nil {
			return 0, err
		}
	}
	return len(units), nil
}

func (a *app) reportReminders(ctx context.Context, s *store.Store, y reconcile.Year,
	o reportOptions, out string) (int, error) {
	from, err := netmail.ParseAddress(a.cfg.Mail.From)
	if err != nil {
		return 0, fmt.Errorf("report reminders: mail.from %q: %w", a.cfg.Mail.From, err)
	}
	sender := mail.Address{Name: from.Name, Email: from.Address}
	n := 0
	err = reportdata.EachReminder(ctx, s.DB, y, a.today, o.unit, func(r reports.Reminder) error {
		if o.staff != "" && r.Staff.No != o.staff {
			return nil
		}
		m, err := reports.ReminderMessage(r)
		if err != nil {
			return err
		}
		if len(m.To) == 0 {
			a.log.Warn("reminder has no address", "staff_no", r.Staff.No)
			return nil
		}
		eml, err := mail.Render(m, sender, time.Now())
		if err != nil {
			return err
		}
		n++
		return writeFile(out, mail.EMLName(m.Key), eml)
	})
	return n, err
}

func (a *app) reportForms(ctx context.Context, s *store.Store, y reconcile.Year,
	o reportOptions, out string) (int, error) {
	units, err := selectUnits(ctx, s, o.unit)
	if err != nil {
		return 0, err
	}
	names := map[string]string{}
	for _, u := range units {
		names[u.Code] = u.Name
	}
	if o.staff != "" {
		p, found, err := store.StaffByNo(ctx, s.DB, o.staff)
		if err != nil {
			return 0, err
		}
		if !found {
			return 0, usageError{fmt.Errorf("report form: --staff %q: not in the roster", o.staff)}
		}
		f, _, err := reportdata.FormInput(ctx, s.DB, p, names[p.UnitCode], y, a.today)
		if err != nil {
			return 0, err
		}
		data, err := reports.FormWorkbook(f)
		if err != nil {
			return 0, err
		}
		name, _ := reports.FormAttachment(p, y)
		return 1, writeFile(out, name, data)
	}
	return a.reportUnitForms(ctx, s, y, units, out)
}

// reportUnitForms writes one workbook of forms per unit.
func (a *app) reportUnitForms(ctx context.Context, s *store.Store, y reconcile.Year,
	units []reconcile.Unit, out string) (int, error) {
	for _, u := range units {
		var forms []reports.Form
		for after := ""; ; {
			people, err := store.StaffInScope(ctx, s.DB, y, after, 1000)
			if err != nil {
				return 0, err
			}
			if len(people) == 0 {
				break
			}
			after = people[len(people)-1].No
			for _, p := range people {
				if p.UnitCode != u.Code {
					continue
				}
				f, found, err := reportdata.FormInput(ctx, s.DB, p, u.Name, y, a.today)
				if err != nil {
					return 0, err
				}
				if found {
					forms = append(forms, f)
				}
			}
		}
		data, err := reports.UnitFormWorkbook(u, y, forms)
		if err != nil {
			return 0, err
		}
		name, _ := reports.UnitFormAttachment(u, y)
		if err := writeFile(out, name, data); err != nil {
			return 0, err
		}
	}
	return len(units), nil
}
