package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"cehours/importers"
	"cehours/internal/store"
	"cehours/reconcile"
)

// importKinds are the kinds `cehours import --kind` accepts.
var importKinds = []reconcile.SourceKind{reconcile.KindRoster, reconcile.KindUnits,
	reconcile.KindAttendance, reconcile.KindUnitSheet, reconcile.KindClaims, reconcile.KindResolutions}

// importer builds the importer of the configuration over the store; it
// draws progress on stderr when that is a terminal.
func (a *app) importer(s *store.Store) (*importers.Importer, error) {
	cfg := a.cfg
	rules, err := cfg.RuleSet()
	if err != nil {
		return nil, err
	}
	aliases, err := importers.ParseAliases(cfg.Import.Aliases)
	if err != nil {
		return nil, usageError{err}
	}
	im := &importers.Importer{
		Store: s, Types: rules, Aliases: aliases, Logger: a.log,
		Limits: importers.Limits{
			MaxFileBytes:  cfg.Import.MaxFileBytes,
			MaxRows:       cfg.Import.MaxRows,
			MaxCellChars:  cfg.Import.MaxCellChars,
			MaxUnzipBytes: cfg.Import.MaxUnzipBytes,
		},
		Inbox:   cfg.Inbox,
		Archive: filepath.Join(cfg.Var, "archive"),
		Failed:  filepath.Join(cfg.Var, "failed"),
	}
	if isTerminal(a.stderr) {
		im.Progress = a.stderr
	}
	return im, nil
}

type importOptions struct {
	kind  string
	unit  string
	files []string
}

func (a *app) importCommand() *cobra.Command {
	var o importOptions
	cmd := &cobra.Command{
		Use:   "import [--kind KIND] [--unit CODE] [FILE...]",
		Short: "Import files; with no FILE, every file waiting in the inbox",
		Long: `Import spreadsheets (.xlsx) and .csv files (UTF-8 or GBK) into the database,
each in one transaction. With FILE arguments, --kind says what they are
(roster, units, attendance, unit-sheet, claims) and --unit which unit a unit
sheet belongs to (default: the unit named in the file). Without FILE, every
file waiting in the inbox folders is imported and moved to <var>/archive, or
to <var>/failed with an .error.txt beside it when it cannot be read at all.

The same file imported twice changes nothing; a newer file replaces the
older one of the same kind and scope (roster, units and claims: the whole
list; a unit sheet: that unit and year; attendance: that event). Rows that
cannot be read are rejected one by one: see 'cehours imports --rejected'.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.files = args
			return a.runImport(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.kind, "kind", "", "kind of the FILEs: roster, units, attendance, unit-sheet, claims")
	cmd.Flags().StringVar(&o.unit, "unit", "", "unit code of a unit sheet")
	return cmd
}

// runImport imports the files or the inbox and prints one line per file.
// Rejected rows or unreadable files make it return errPartial (exit 3).
func (a *app) runImport(ctx context.Context, o importOptions) error {
	kind := reconcile.SourceKind(o.kind)
	switch {
	case len(o.files) > 0 && o.kind == "":
		return usageError{fmt.Errorf("import: --kind is required with FILE arguments")}
	case o.kind != "" && !validKind(kind):
		return usageError{fmt.Errorf("import: --kind %q: not one of %s", o.kind, kindList())}
	case len(o.files) == 0 && (o.kind != "" || o.unit != ""):
		return usageError{fmt.Errorf("import: --kind and --unit apply to FILE arguments only")}
	}
	s, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	im, err := a.importer(s)
	if err != nil {
		return err
	}
	var outs []importers.Outcome
	if len(o.files) == 0 {
		outs, err = im.ImportInbox(ctx)
	}
	for _, f := range o.files {
		var out importers.Outcome
		if out, err = im.Import(ctx, f, kind, o.unit); err != nil {
			break
		}
		outs = append(outs, out)
	}
	problems := printOutcomes(a.stdout, outs)
	if err != nil {
		return err
	}
	if problems {
		return errPartial
	}
	return nil
}

// printOutcomes writes one line per file and reports whether any file was
// unreadable or had rejected rows.
func printOutcomes(w io.Writer, outs []importers.Outcome) bool {
	problems := false
	for _, o := range outs {
		f := o.File
		switch {
		case o.Failed != nil:
			problems = true
			fmt.Fprintf(w, "%s: 未导入 — %s\n", o.Path, o.Failed.Message)
		case o.Duplicate:
			fmt.Fprintf(w, "%s: 已导入过（与 %s 相同），未作更改\n", o.Path, f.Name)
		default:
			problems = problems || f.Rejected > 0
			fmt.Fprintf(w, "%s: %s %s — 导入 %d 行，拒收 %d 行，跳过 %d 行\n",
				o.Path, f.Kind, f.Scope, f.Stored, f.Rejected, f.Skipped)
		}
	}
	return problems
}

func validKind(k reconcile.SourceKind) bool {
	for _, v := range importKinds {
		if v == k {
			return true
		}
	}
	return false
}

func kindList() string {
	s := make([]string, len(importKinds))
	for i, k := range importKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func (a *app) importsCommand() *cobra.Command {
	var rejected bool
	var format string
	cmd := &cobra.Command{
		Use:   "imports [--rejected] [--format table|csv|json]",
		Short: "List the imported files and their counts; with --rejected, each rejected row and why",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			s, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			files, rejects, err := s.Files(cmd.Context(), rejected)
			if err != nil {
				return err
			}
			return printImports(a.stdout, format, files, rejects, rejected)
		},
	}
	cmd.Flags().BoolVar(&rejected, "rejected", false, "also list every rejected row with its reason")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, csv or json")
	return cmd
}

// importJSON is an imported file as `imports --format json` prints it.
type importJSON struct {
	File       string         `json:"file"`
	SHA256     string         `json:"sha256"`
	Kind       string         `json:"kind"`
	Scope      string         `json:"scope"`
	Status     string         `json:"status"`
	Stored     int            `json:"stored"`
	Rejected   int            `json:"rejected"`
	Skipped    int            `json:"skipped"`
	Error      string         `json:"error"`
	ImportedAt string         `json:"imported_at"`
	Rejects    []store.Reject `json:"rejects,omitempty"`
}

// printImports lists files, or with rejected one line per rejected row.
func printImports(w io.Writer, format string, files []store.ImportedFile,
	rejects map[int64][]store.Reject, rejected bool) error {
	out := make([]importJSON, 0, len(files))
	var rows [][]string
	for _, f := range files {
		j := importJSON{File: f.Name, SHA256: f.SHA256, Kind: string(f.Kind), Scope: f.Scope,
			Status: f.Status, Stored: f.Stored, Rejected: f.Rejected, Skipped: f.Skipped,
			Error: f.Error.String, ImportedAt: f.ImportedAt.UTC().Format("2006-01-02T15:04:05Z")}
		if rejected {
			j.Rejects = rejects[f.ID]
			if j.Rejects == nil {
				j.Rejects = []store.Reject{}
			}
			for _, r := range j.Rejects {
				rows = append(rows, []string{f.Name, r.Sheet, strconv.Itoa(r.Row), r.Column,
					r.Value, r.Code, r.Message})
			}
		} else {
			rows = append(rows, []string{f.Name, string(f.Kind), f.Scope, f.Status,
				strconv.Itoa(f.Stored), strconv.Itoa(f.Rejected), strconv.Itoa(f.Skipped),
				j.ImportedAt, f.Error.String})
		}
		out = append(out, j)
	}
	header := []string{"file", "kind", "scope", "status", "stored", "rejected", "skipped",
		"imported_at", "error"}
	if rejected {
		header = []string{"file", "sheet", "row", "column", "value", "code", "message"}
	}
	return printRows(w, format, header, rows, out)
}
