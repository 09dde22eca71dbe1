package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"

	"github.com/jmoiron/sqlx"

	"cehours/configs"
	"cehours/importers"
	"cehours/internal/mail"
	"cehours/internal/reportdata"
	"cehours/internal/store"
	"cehours/reports"
)

// Pipeline holds what the job bodies work with; cmd builds it and Jobs
// turns it into the six jobs. Each body is a method that runs once, so
// the commands (import, reconcile, report, send) and the daemon share it.
type Pipeline struct {
	Config     configs.Config
	Store      *store.Store
	Importer   *importers.Importer
	Reconciler *Reconciler
	Outbox     *mail.Outbox
	Log        *slog.Logger
}

// Jobs returns the pipeline's jobs by name, with their calendars: the
// digest and the unit workbooks weekly by ISO week, the reminders on the
// configured dates, the others on every tick. An import that changed
// data is followed by a reconcile.
func (p *Pipeline) Jobs() map[string]Job {
	return map[string]Job{
		KindImport: {Name: KindImport, Func: p.Import, Writes: true, Then: func(c Counts) []string {
			if c["changed"] > 0 {
				return []string{KindReconcile}
			}
			return nil
		}},
		KindReconcile: {Name: KindReconcile, Func: p.Reconciler.Run, Writes: true},
		KindDigest: {Name: KindDigest, Func: p.Digest, Period: WeekPeriod, CatchUp: true,
			Reads: true},
		KindUnitReports: {Name: KindUnitReports, Func: p.UnitReports, Period: WeekPeriod,
			CatchUp: true, Reads: true},
		KindReminders: {Name: KindReminders, Func: p.Reminders, CatchUp: true, Reads: true,
			Period: ReminderPeriod(p.Config.ReminderDates)},
		KindSend: {Name: KindSend, Func: p.Send},
	}
}

// Import imports every file waiting in the inbox. Its counts: files
// handled, changed (files whose rows were stored), duplicates (bytes seen
// before), failed (unreadable files, moved aside), stored, rejected and
// skipped rows.
func (p *Pipeline) Import(ctx context.Context, _ Run) (Counts, error) {
	outs, err := p.Importer.ImportInbox(ctx)
	c := Counts{"files": len(outs), "changed": 0, "duplicates": 0, "failed": 0,
		"stored": 0, "rejected": 0, "skipped": 0}
	for _, o := range outs {
		switch {
		case o.Duplicate:
			c["duplicates"]++
		case o.Failed != nil:
			c["failed"]++
		default:
			c["changed"]++
			c["stored"] += o.File.Stored
			c["rejected"] += o.File.Rejected
			c["skipped"] += o.File.Skipped
		}
	}
	if err != nil {
		return c, fmt.Errorf("import inbox: %w", err)
	}
	return c, nil
}

// Digest builds the HR shortfall digest of the report year (ReportYear)
// as of r.Today and queues it to mail.hr. With no HR address configured
// it queues nothing and says so in the log.
func (p *Pipeline) Digest(ctx context.Context, r Run) (Counts, error) {
	c := Counts{"queued": 0}
	if len(p.Config.Mail.HR) == 0 {
		p.Log.Warn("digest not queued: mail.hr names no recipient")
		c["no_address"] = 1
		return c, nil
	}
	y := ReportYear(r.Today)
	d, err := reportdata.DigestInput(ctx, p.Store.DB, y, r.Today)
	if err != nil {
		return c, fmt.Errorf("digest %s: %w", y, err)
	}
	for _, a := range p.Config.Mail.HR {
		addr, err := mail.ParseAddress(a)
		if err != nil {
			return c, fmt.Errorf("digest: mail.hr %q: %w", a, err)
		}
		d.To = append(d.To, addr)
	}
	msg, err := reports.DigestMessage(d)
	if err != nil {
		return c, fmt.Errorf("digest %s: %w", y, err)
	}
	c["short"] = len(d.Short)
	if err := p.queue(ctx, msg, c); err != nil {
		return c, err
	}
	// The counts of this digest are the baseline of the next one's
	// change column.
	if err := reportdata.RecordDigest(ctx, p.Store.DB, d); err != nil {
		return c, fmt.Errorf("digest %s: %w", y, err)
	}
	return c, nil
}

// UnitReports builds each unit's discrepancy workbook of the report year
// and queues it to the unit's heads; a unit with no head address is
// counted under no_address and logged.
func (p *Pipeline) UnitReports(ctx context.Context, r Run) (Counts, error) {
	c := Counts{"units": 0, "queued": 0, "no_address": 0}
	y := ReportYear(r.Today)
	units, err := reportdata.ReportUnits(ctx, p.Store.DB)
	if err != nil {
		return c, fmt.Errorf("unit reports %s: %w", y, err)
	}
	for _, u := range units {
		if err := ctx.Err(); err != nil {
			return c, err
		}
		c["units"]++
		in, err := reportdata.UnitReportInput(ctx, p.Store.DB, u, y, r.Today)
		if err != nil {
			return c, fmt.Errorf("unit report %s %s: %w", u.Code, y, err)
		}
		msg, err := reports.UnitMessage(in)
		if err != nil {
			return c, fmt.Errorf("unit report %s %s: %w", u.Code, y, err)
		}
		if len(msg.To) == 0 {
			p.Log.Warn("unit workbook not queued: the unit has no head address", "unit", u.Code)
			c["no_address"]++
			continue
		}
		if err := p.queue(ctx, msg, c); err != nil {
			return c, err
		}
	}
	return c, nil
}

// Reminders queues a reminder to every person of the report year who
// needs one (short, behind pace or with an open discrepancy); people with
// no address in the roster are counted under no_address.
func (p *Pipeline) Reminders(ctx context.Context, r Run) (Counts, error) {
	c := Counts{"people": 0, "queued": 0, "no_address": 0}
	y := ReportYear(r.Today)
	batch := &queueBatch{p: p, c: c}
	var inputs []reports.Reminder
	// build turns the pending inputs into messages on every core and
	// queues them in input order.
	build := func() error {
		msgs, err := buildAll(inputs, reports.ReminderMessage)
		if err != nil {
			return err
		}
		for i, msg := range msgs {
			if len(msg.To) == 0 {
				p.Log.Debug("reminder not queued: no address", "staff_no", inputs[i].Staff.No)
				c["no_address"]++
				continue
			}
			if err := batch.add(ctx, msg); err != nil {
				return err
			}
		}
		inputs = inputs[:0]
		return nil
	}
	err := reportdata.EachReminder(ctx, p.Store.DB, y, r.Today, "", func(in reports.Reminder) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		c["people"]++
		inputs = append(inputs, in)
		if len(inputs) < queueBatchSize {
			return nil
		}
		return build()
	})
	if err == nil {
		err = build()
	}
	if err == nil {
		err = batch.flush(ctx)
	}
	if err != nil {
		return c, fmt.Errorf("reminders %s: %w", y, err)
	}
	return c, nil
}

// buildAll applies build to every input on GOMAXPROCS workers and returns
// the results in input order, or the first error.
func buildAll[In, Out any](inputs []In, build func(In) (Out, error)) ([]Out, error) {
	out := make([]Out, len(inputs))
	errs := make([]error, len(inputs))
	workers := min(runtime.GOMAXPROCS(0), len(inputs))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(inputs); i += workers {
				out[i], errs[i] = build(inputs[i])
			}
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// queueBatch queues messages many to a transaction: on MySQL a commit per
// message costs more than building the message. A crash loses at most the
// batch being written, and a re-run queues it (keys already queued are
// skipped).
type queueBatch struct {
	p    *Pipeline
	c    Counts
	msgs []mail.Message
}

const queueBatchSize = 200

func (b *queueBatch) add(ctx context.Context, msg mail.Message) error {
	b.msgs = append(b.msgs, msg)
	if len(b.msgs) < queueBatchSize {
		return nil
	}
	return b.flush(ctx)
}

func (b *queueBatch) flush(ctx context.Context) error {
	if len(b.msgs) == 0 {
		return nil
	}
	// Rendering is the costly part of queueing: done on every core
	// before the transaction.
	prepared, err := buildAll(b.msgs, b.p.Outbox.Prepare)
	if err != nil {
		return err
	}
	queued := 0
	err = b.p.Store.InTx(ctx, func(tx *sqlx.Tx) error {
		queued = 0
		for _, m := range prepared {
			ok, err := b.p.Outbox.QueuePrepared(ctx, tx, m)
			if err != nil {
				return err
			}
			if ok {
				queued++
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	b.c["queued"] += queued
	b.c["already_queued"] += len(b.msgs) - queued
	b.msgs = b.msgs[:0]
	return nil
}

// queue puts msg in the outbox and counts it as queued, or as
// already_queued when its key was there before.
func (p *Pipeline) queue(ctx context.Context, msg mail.Message, c Counts) error {
	queued, err := p.Outbox.Queue(ctx, p.Store.DB, msg)
	if err != nil {
		return err
	}
	if queued {
		c["queued"]++
	} else {
		c["already_queued"]++
	}
	return nil
}

// Send delivers the mail that is due. A message marked dead is counted,
// not an error: the run did its work, and the digest lists dead mail.
// An unreachable SMTP server fails the run; the next tick tries again.
func (p *Pipeline) Send(ctx context.Context, _ Run) (Counts, error) {
	res, err := p.Outbox.Deliver(ctx)
	c := Counts{"sent": res.Sent, "retried": res.Retried, "dead": res.Dead, "skipped": res.Skipped}
	if err != nil {
		return c, fmt.Errorf("send: %w", err)
	}
	return c, nil
}

// ErrDependency reports whether err comes from an unreachable database
// or SMTP server, so that commands can exit with the status for it.
func ErrDependency(err error) bool {
	return errors.Is(err, store.ErrUnavailable) || errors.Is(err, mail.ErrUnavailable)
}
