package importers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"cehours/internal/store"
	"cehours/reconcile"
)

// Importer imports files into the store: one file by Import, or every
// file waiting in the inbox by ImportInbox.
type Importer struct {
	Store    *store.Store
	Limits   Limits
	Aliases  Aliases
	Types    TypeNamer
	Logger   *slog.Logger
	Progress io.Writer // a terminal to draw progress on; nil for none

	// The inbox (one folder per kind) and where files go once handled.
	Inbox, Archive, Failed string

	dir Directory // the roster in force, loaded on first use
}

// Outcome is what importing one file did.
type Outcome struct {
	Path      string
	File      store.ImportedFile
	Duplicate bool       // the same bytes were imported before; nothing changed
	Failed    *FileError // the file could not be read at all; nothing of it stored
}

// Import reads the file at path as kind and stores it in one transaction.
// unit is a unit sheet's unit code ("" to take it from the file). It
// returns an Outcome whose Failed is set when the file could not be read
// (the failure is recorded in the store), and an error only when the
// store failed or the file could not be opened.
func (im *Importer) Import(ctx context.Context, path string, kind reconcile.SourceKind,
	unit string) (Outcome, error) {
	out := Outcome{Path: path}
	lim := im.Limits.withDefaults()
	data, err := readRegular(path, lim.MaxFileBytes)
	var fe *FileError
	if errors.As(err, &fe) {
		return im.fail(ctx, out, kind, "", data, fe)
	}
	if err != nil {
		return out, err
	}
	sha := Checksum(data)
	if prev, ok, err := im.Store.FileByChecksum(ctx, sha); err != nil {
		return out, err
	} else if ok {
		out.File, out.Duplicate = prev, true
		im.logger().Info("file already imported", "file", path, "sha256", sha, "as", prev.Name)
		return out, nil
	}
	if kind == reconcile.KindResolutions {
		return im.importDecisions(ctx, path, unit, data, sha)
	}
	dir, err := im.directory(ctx)
	if err != nil {
		return out, err
	}
	opts := Options{Kind: kind, Unit: unit, Limits: im.Limits, Aliases: im.Aliases,
		Directory: dir, Types: im.Types, Logger: im.logger()}
	progress := im.progress(filepath.Base(path))
	opts.Progress = progress.update
	meta := store.ImportedFile{Name: filepath.Base(path), Path: path, SHA256: sha, Kind: kind,
		Size: int64(len(data)), UnitCode: unit}
	stored, err := im.Store.ImportFile(ctx, meta, func(w *store.FileWriter) (store.ImportedFile, error) {
		sum, err := parseInto(ctx, path, data, opts, w)
		meta.Scope, meta.UnitCode = sum.Scope, sum.UnitCode
		meta.Stored, meta.Rejected, meta.Skipped = sum.Stored, sum.Rejected, sum.Skipped
		return meta, err
	})
	progress.done()
	switch {
	case errors.As(err, &fe):
		return im.fail(ctx, out, kind, sha, data, fe)
	case errors.Is(err, store.ErrDuplicate):
		out.File, out.Duplicate = stored, true
		return out, nil
	case err != nil:
		return out, err
	}
	if kind == reconcile.KindRoster || kind == reconcile.KindUnits {
		im.dir = nil // the roster in force changed
	}
	out.File = stored
	return out, nil
}

// fail records a file that could not be read.
func (im *Importer) fail(ctx context.Context, out Outcome, kind reconcile.SourceKind, sha string,
	data []byte, fe *FileError) (Outcome, error) {
	if sha == "" {
		sha = Checksum(data)
	}
	im.logger().Warn("file not readable", "file", out.Path, "error", fe)
	f, err := im.Store.RecordFailure(ctx, store.ImportedFile{Name: filepath.Base(out.Path),
		Path: out.Path, SHA256: sha, Kind: kind, Size: int64(len(data))}, fe)
	out.File, out.Failed = f, fe
	return out, err
}

func (im *Importer) logger() *slog.Logger {
	if im.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return im.Logger
}

// directory returns the roster in force, loading it when needed.
func (im *Importer) directory(ctx context.Context) (Directory, error) {
	if im.dir != nil {
		return im.dir, nil
	}
	staff, units, err := im.Store.RosterInForce(ctx)
	if err != nil {
		return nil, err
	}
	im.dir = NewDirectory(staff, units)
	return im.dir, nil
}

// readRegular reads a regular file of at most max bytes; a link, a
// folder or a device is refused, as is a larger file.
func readRegular(path string, max int64) ([]byte, error) {
	st, err := os.Lstat(path)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", path, err)
	}
	name := filepath.Base(path)
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("import %s: not a regular file: %w", path, ErrFormat)
	}
	if st.Size() > max {
		return nil, fileError(name, ErrTooLarge, "文件过大，超过了系统允许的上限。",
			fmt.Errorf("%d bytes, limit %d", st.Size(), max))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", path, err)
	}
	if int64(len(data)) > max {
		return nil, fileError(name, ErrTooLarge, "文件过大，超过了系统允许的上限。", nil)
	}
	return data, nil
}

// parseInto parses a file in one goroutine and writes its rows in this
// one, so that reading the file and the database's work on the previous
// batch overlap. The writer (a transaction) is only used here. The first
// error of either side stops both.
func parseInto(ctx context.Context, path string, data []byte, opts Options,
	w *store.FileWriter) (Summary, error) {
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan *rowBatch, 4)
	var sum Summary
	var perr error
	go func() {
		defer close(ch)
		ps := &pipeSink{ctx: pctx, ch: ch, cur: &rowBatch{}}
		sum, perr = Parse(pctx, path, data, opts, ps)
		if perr == nil {
			perr = ps.send()
		}
	}()
	var werr error
	for b := range ch {
		if werr == nil {
			if werr = b.write(w); werr != nil {
				cancel()
			}
		}
	}
	if werr != nil {
		return sum, werr
	}
	return sum, perr
}

// rowBatch is a batch of parsed rows on their way to the writer.
type rowBatch struct {
	records []reconcile.Record
	people  []reconcile.Staff
	units   []reconcile.Unit
	totals  []reconcile.UnitTotal
	rejects []*RowError
	n       int
}

// pipeBatch is how many rows travel together from parser to writer.
const pipeBatch = 512

// write hands a batch's rows to the store's writer.
func (b *rowBatch) write(w *store.FileWriter) error {
	for _, r := range b.records {
		if err := w.Record(r); err != nil {
			return err
		}
	}
	for _, p := range b.people {
		if err := w.Person(p); err != nil {
			return err
		}
	}
	for _, u := range b.units {
		if err := w.Unit(u); err != nil {
			return err
		}
	}
	for _, t := range b.totals {
		if err := w.Total(t); err != nil {
			return err
		}
	}
	for _, e := range b.rejects {
		if err := (storeSink{w}).Reject(e); err != nil {
			return err
		}
	}
	return nil
}

// pipeSink is the Sink of the parsing goroutine: it fills batches and
// sends each full one to the writer.
type pipeSink struct {
	ctx context.Context
	ch  chan<- *rowBatch
	cur *rowBatch
}

func (s *pipeSink) added() error {
	s.cur.n++
	if s.cur.n < pipeBatch {
		return nil
	}
	return s.send()
}

// send hands the current batch over, unless the import was cancelled.
func (s *pipeSink) send() error {
	if s.cur.n == 0 {
		return nil
	}
	select {
	case s.ch <- s.cur:
		s.cur = &rowBatch{}
		return nil
	case <-s.ctx.Done():
		return s.ctx.Err()
	}
}

func (s *pipeSink) Record(r reconcile.Record) error {
	s.cur.records = append(s.cur.records, r)
	return s.added()
}

func (s *pipeSink) Person(p reconcile.Staff) error {
	s.cur.people = append(s.cur.people, p)
	return s.added()
}

func (s *pipeSink) Unit(u reconcile.Unit) error {
	s.cur.units = append(s.cur.units, u)
	return s.added()
}

func (s *pipeSink) Total(t reconcile.UnitTotal) error {
	s.cur.totals = append(s.cur.totals, t)
	return s.added()
}

func (s *pipeSink) Reject(e *RowError) error {
	s.cur.rejects = append(s.cur.rejects, e)
	return s.added()
}

// inboxKinds are the inbox folders in the order they are imported: the
// units and the roster first, so that the files after them are checked
// against the roster they bring.
var inboxKinds = []reconcile.SourceKind{reconcile.KindUnits, reconcile.KindRoster,
	reconcile.KindAttendance, reconcile.KindUnitSheet, reconcile.KindClaims, reconcile.KindResolutions}

// inboxFile is a file waiting in the inbox.
type inboxFile struct {
	path string
	kind reconcile.SourceKind
	unit string // unit-sheet/<unit>/ or resolutions/<unit>/
	mod  time.Time
}

// ImportInbox imports every file waiting in the inbox folders, kind by
// kind and oldest first within a kind, and moves each to the archive, or
// to the failed folder with a .error.txt beside it when it could not be
// read. Only regular files with an allowed extension directly inside a
// kind's folder (or a unit's folder under unit-sheet/) are touched; links
// are never followed. Returned unit workbooks (resolutions/, or
// resolutions/<unit code>/) come last, after the data they decide on.
func (im *Importer) ImportInbox(ctx context.Context) ([]Outcome, error) {
	started := time.Now()
	files, err := im.scanInbox()
	if err != nil {
		return nil, err
	}
	im.logger().Info("inbox import started", "files", len(files))
	var outs []Outcome
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return outs, err
		}
		out, err := im.Import(ctx, f.path, f.kind, f.unit)
		if err != nil {
			return outs, err
		}
		if err := im.moveAway(f, out); err != nil {
			return outs, err
		}
		outs = append(outs, out)
	}
	im.logger().Info("inbox import finished", "files", len(outs), "duration", time.Since(started))
	return outs, nil
}

// scanInbox lists the waiting files.
func (im *Importer) scanInbox() ([]inboxFile, error) {
	var all []inboxFile
	for _, kind := range inboxKinds {
		dir := filepath.Join(im.Inbox, string(kind))
		var files []inboxFile
		err := eachInboxFile(dir, func(path string, mod time.Time) {
			files = append(files, inboxFile{path: path, kind: kind, mod: mod})
		})
		if err != nil {
			return nil, err
		}
		if kind == reconcile.KindUnitSheet || kind == reconcile.KindResolutions {
			units, err := os.ReadDir(dir)
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("read inbox %s: %w", dir, err)
			}
			for _, u := range units {
				if !u.IsDir() || hiddenName(u.Name()) {
					continue
				}
				err := eachInboxFile(filepath.Join(dir, u.Name()), func(path string, mod time.Time) {
					files = append(files, inboxFile{path: path, kind: kind, unit: u.Name(), mod: mod})
				})
				if err != nil {
					return nil, err
				}
			}
		}
		sort.SliceStable(files, func(i, j int) bool {
			if !files[i].mod.Equal(files[j].mod) {
				return files[i].mod.Before(files[j].mod)
			}
			return files[i].path < files[j].path
		})
		all = append(all, files...)
	}
	return all, nil
}

// eachInboxFile calls fn for the regular files with an allowed extension
// directly in dir; a missing dir has none.
func eachInboxFile(dir string, fn func(path string, mod time.Time)) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read inbox %s: %w", dir, err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || hiddenName(e.Name()) ||
			!allowedExt[strings.ToLower(filepath.Ext(e.Name()))] {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		fn(filepath.Join(dir, e.Name()), info.ModTime())
	}
	return nil
}

// hiddenName reports dot files and the "~$name.xlsx" lock files Excel and
// WPS leave beside an open workbook.
func hiddenName(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$")
}

// moveAway moves a handled inbox file to the archive, or to the failed
// folder with an .error.txt that explains, in Chinese and English, why it
// could not be read. The folders mirror the inbox's.
func (im *Importer) moveAway(f inboxFile, out Outcome) error {
	rel, err := filepath.Rel(im.Inbox, f.path)
	if err != nil || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("move %s: outside the inbox", f.path)
	}
	root := im.Archive
	if out.Failed != nil {
		root = im.Failed
	}
	dst, err := freeName(filepath.Join(root, rel))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return fmt.Errorf("move %s: %w", f.path, err)
	}
	if err := os.Rename(f.path, dst); err != nil {
		return fmt.Errorf("move %s: %w", f.path, err)
	}
	if out.Failed == nil {
		return nil
	}
	text := fmt.Sprintf("%s\n\n%s\n", out.Failed.Message, out.Failed.Error())
	if err := os.WriteFile(dst+".error.txt", []byte(text), 0o640); err != nil {
		return fmt.Errorf("write %s.error.txt: %w", dst, err)
	}
	return nil
}

// freeName returns path, or path with a time stamp before its extension
// when a file of that name is already there.
func freeName(path string) (string, error) {
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return path, nil
	}
	ext := filepath.Ext(path)
	stamp := time.Now().Format("20060102-150405.000000000")
	return strings.TrimSuffix(path, ext) + "." + stamp + ext, nil
}

// storeSink hands parsed rows straight to the store's writer, in the
// caller's goroutine.
type storeSink struct{ w *store.FileWriter }

func (s storeSink) Record(r reconcile.Record) error   { return s.w.Record(r) }
func (s storeSink) Person(p reconcile.Staff) error    { return s.w.Person(p) }
func (s storeSink) Unit(u reconcile.Unit) error       { return s.w.Unit(u) }
func (s storeSink) Total(t reconcile.UnitTotal) error { return s.w.Total(t) }
func (s storeSink) Reject(e *RowError) error {
	return s.w.Reject(store.Reject{Sheet: e.Sheet, Row: e.Row, Column: e.Column,
		Value: e.Value, Code: e.Code, Message: e.Message})
}
