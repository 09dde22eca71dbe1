// Package reportdata gathers the input of each report from the store:
// the queries over standings, discrepancies, staff, units, unit heads,
// records, rejects, files and outbox that fill the structs of package
// reports. It lives apart from internal/store because the mail outbox
// depends on the store and reports depend on mail messages.
package reportdata

import (
	"context"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"

	"cehours/internal/store"
	"cehours/reconcile"
	"cehours/reports"
)

// ReportUnits returns the current units with their heads, by code.
func ReportUnits(ctx context.Context, q store.Queryer) ([]reconcile.Unit, error) {
	var units []reconcile.Unit
	rows := []struct {
		Code string `db:"code"`
		Name string `db:"name"`
	}{}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT code, name FROM units
		WHERE active = 1 ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("select units: %w", err)
	}
	var heads []struct {
		Unit  string `db:"unit_code"`
		Name  string `db:"name"`
		Email string `db:"email"`
	}
	err = sqlx.SelectContext(ctx, q, &heads, `SELECT unit_code, name, email FROM unit_heads
		WHERE active = 1 ORDER BY unit_code, id`)
	if err != nil {
		return nil, fmt.Errorf("select unit heads: %w", err)
	}
	for _, r := range rows {
		u := reconcile.Unit{Code: r.Code, Name: r.Name}
		for _, h := range heads {
			if h.Unit == r.Code {
				u.Heads = append(u.Heads, reconcile.Head{Name: h.Name, Email: h.Email})
			}
		}
		units = append(units, u)
	}
	return units, nil
}

// needsAttention reports whether a standing belongs on a shortfall list.
func needsAttention(s reconcile.Standing) bool {
	return s.Status == reconcile.StandingShort || s.Status == reconcile.StandingAtRisk
}

// UnitReportInput gathers unit u's workbook for year y: its open
// discrepancies with the staff names, its people short, the attendance
// nobody claimed (from the stored ledgers), and the rows rejected from the
// files the unit sent. Attendance lines carry no organiser or event code:
// the stored ledger does not keep them.
func UnitReportInput(ctx context.Context, q store.Queryer, u reconcile.Unit, y reconcile.Year,
	today reconcile.Date) (reports.UnitReport, error) {
	r := reports.UnitReport{Unit: u, Year: y, Today: today}
	names, err := staffNames(ctx, q, u.Code)
	if err != nil {
		return r, err
	}
	ds, err := store.Discrepancies(ctx, q, store.DiscrepancyFilter{Year: y, Unit: u.Code,
		Status: reconcile.DiscrepancyOpen})
	if err != nil {
		return r, err
	}
	for _, d := range ds {
		r.Discrepancies = append(r.Discrepancies, reports.DiscrepancyLine{
			Discrepancy: d, Name: names[d.StaffNo]})
	}
	sts, err := store.Standings(ctx, q, y, u.Code)
	if err != nil {
		return r, err
	}
	for _, s := range sts {
		if needsAttention(s) {
			r.Short = append(r.Short, s)
		}
		_, lines, _, err := store.PersonLedger(ctx, q, s.StaffNo, y)
		if err != nil {
			return r, err
		}
		for _, l := range lines {
			if slices.Contains(l.Flags, reconcile.FlagUnclaimedAttendance) {
				var src reconcile.SourceRef
				if len(l.Sources) > 0 {
					src = l.Sources[0]
				}
				r.Unclaimed = append(r.Unclaimed, reports.UnclaimedLine{
					StaffNo: s.StaffNo, Name: s.Name, UnitCode: u.Code, Title: l.Title,
					Start: l.Start, End: l.End, Hours: l.StandardHours, Source: src})
			}
		}
	}
	r.Rejected, err = unitRejects(ctx, q, u.Code)
	return r, err
}

// staffNames maps the staff numbers of a unit's current roster to names.
func staffNames(ctx context.Context, q store.Queryer, unit string) (map[string]string, error) {
	var rows []struct {
		No   string `db:"staff_no"`
		Name string `db:"name"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT staff_no, name FROM staff
		WHERE active = 1 AND unit_code = ?`, unit)
	if err != nil {
		return nil, fmt.Errorf("select staff names of %s: %w", unit, err)
	}
	m := make(map[string]string, len(rows))
	for _, r := range rows {
		m[r.No] = r.Name
	}
	return m, nil
}

// unitRejects returns the rows rejected from the current files a unit
// sent (files not replaced by a newer one).
func unitRejects(ctx context.Context, q store.Queryer, unit string) ([]reports.RejectedRow, error) {
	var rows []struct {
		File    string `db:"name"`
		Sheet   string `db:"sheet"`
		Row     int    `db:"row_no"`
		Column  string `db:"col"`
		Value   string `db:"value"`
		Code    string `db:"code"`
		Message string `db:"message"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT f.name, r.sheet, r.row_no, r.col,
		COALESCE(r.value, '') AS value, r.code, r.message
		FROM rejects r JOIN files f ON f.id = r.file_id
		WHERE f.unit_code = ? AND f.replaced_by IS NULL
		ORDER BY f.name, r.sheet, r.row_no`, unit)
	if err != nil {
		return nil, fmt.Errorf("select rejects of %s: %w", unit, err)
	}
	out := make([]reports.RejectedRow, len(rows))
	for i, r := range rows {
		out[i] = reports.RejectedRow{UnitCode: unit, File: r.File, Sheet: r.Sheet, Row: r.Row,
			Column: r.Column, Value: r.Value, Code: r.Code, Message: r.Message}
	}
	return out, nil
}

// DigestInput gathers the HR digest of year y: per-unit counts, everyone
// short, discrepancy counts by code and unit (new and resolved since the
// last digest queued for the year), each unit's counts at the last digest
// recorded by RecordDigest before today (nil for a unit it did not
// have), and the dead mail.
func DigestInput(ctx context.Context, q store.Queryer, y reconcile.Year, today reconcile.Date) (reports.Digest, error) {
	d := reports.Digest{Year: y, Today: today}
	units, err := ReportUnits(ctx, q)
	if err != nil {
		return d, err
	}
	var prev reconcile.Date
	err = sqlx.GetContext(ctx, q, &prev, `SELECT MAX(created_at) FROM outbox
		WHERE kind = 'digest' AND idem_key LIKE ?`, "digest/"+y.String()+"/%")
	if err != nil {
		return d, fmt.Errorf("select last digest: %w", err)
	}
	d.Previous = prev
	sts, err := store.Standings(ctx, q, y, "")
	if err != nil {
		return d, err
	}
	counts := map[string]*reports.Counts{}
	for _, u := range units {
		counts[u.Code] = &reports.Counts{}
	}
	for _, s := range sts {
		c := counts[s.UnitCode]
		if c == nil {
			c = &reports.Counts{}
			counts[s.UnitCode] = c
			units = append(units, reconcile.Unit{Code: s.UnitCode, Name: s.UnitCode})
		}
		countStanding(c, s)
		if needsAttention(s) {
			d.Short = append(d.Short, s)
		}
	}
	if d.Codes, err = codeCounts(ctx, q, y, prev, counts); err != nil {
		return d, err
	}
	before, err := lastDigestCounts(ctx, q, y, today)
	if err != nil {
		return d, err
	}
	for _, u := range units {
		d.Units = append(d.Units, reports.UnitSummary{Unit: u, Counts: *counts[u.Code], Previous: before[u.Code]})
	}
	d.Dead, err = deadMail(ctx, q)
	return d, err
}

// RecordDigest stores the per-unit counts of digest d as taken on
// d.Today, replacing a record of the same day, so that the next digest
// can show the change since this one.
func RecordDigest(ctx context.Context, q store.Queryer, d reports.Digest) error {
	const del = `DELETE FROM digest_units WHERE year = ? AND taken_on = ?`
	if _, err := q.ExecContext(ctx, del, int(d.Year), d.Today); err != nil {
		return fmt.Errorf("record digest: %w", err)
	}
	const ins = `INSERT INTO digest_units (year, taken_on, unit_code, in_scope, compliant, short,
		at_risk, exempt, pending, open_discrepancies) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	for _, u := range d.Units {
		c := u.Counts
		if _, err := q.ExecContext(ctx, ins, int(d.Year), d.Today, u.Unit.Code, c.InScope, c.Compliant,
			c.Short, c.AtRisk, c.Exempt, c.Pending, c.OpenDiscrepancies); err != nil {
			return fmt.Errorf("record digest: %w", err)
		}
	}
	return nil
}

// lastDigestCounts returns each unit's counts at the newest digest of
// year y recorded before today, by unit code; empty when there was none.
func lastDigestCounts(ctx context.Context, q store.Queryer, y reconcile.Year, today reconcile.Date) (map[string]*reports.Counts, error) {
	const query = `SELECT unit_code, in_scope, compliant, short, at_risk, exempt, pending, open_discrepancies
		FROM digest_units
		WHERE year = ? AND taken_on = (SELECT MAX(taken_on) FROM digest_units WHERE year = ? AND taken_on < ?)`
	rows, err := q.QueryxContext(ctx, query, int(y), int(y), today)
	if err != nil {
		return nil, fmt.Errorf("select last digest counts: %w", err)
	}
	defer rows.Close()
	out := map[string]*reports.Counts{}
	for rows.Next() {
		var unit string
		var c reports.Counts
		if err := rows.Scan(&unit, &c.InScope, &c.Compliant, &c.Short, &c.AtRisk, &c.Exempt,
			&c.Pending, &c.OpenDiscrepancies); err != nil {
			return nil, fmt.Errorf("scan last digest counts: %w", err)
		}
		out[unit] = &c
	}
	return out, rows.Err()
}

// countStanding adds one standing to a unit's counts.
func countStanding(c *reports.Counts, s reconcile.Standing) {
	if s.Status == reconcile.StandingExempt {
		c.Exempt++
		return
	}
	c.InScope++
	switch s.Status {
	case reconcile.StandingCompliant:
		c.Compliant++
	case reconcile.StandingShort:
		c.Short++
	case reconcile.StandingAtRisk:
		c.AtRisk++
	}
	if s.Pending.Total > 0 {
		c.Pending++
	}
}

// codeCounts counts discrepancies by code and unit, and adds the open
// ones to the units' counts.
func codeCounts(ctx context.Context, q store.Queryer, y reconcile.Year, prev reconcile.Date,
	counts map[string]*reports.Counts) ([]reports.CodeCount, error) {
	since := prev
	if since.IsZero() {
		since = reconcile.Date{Y: 1900, M: 1, D: 1}
	}
	var rows []struct {
		Code     string `db:"code"`
		Severity string `db:"severity"`
		Unit     string `db:"unit_code"`
		Open     int    `db:"open_n"`
		New      int    `db:"new_n"`
		Resolved int    `db:"resolved_n"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT code, severity, unit_code,
		SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END) AS open_n,
		SUM(CASE WHEN status = 'open' AND first_seen > ? THEN 1 ELSE 0 END) AS new_n,
		SUM(CASE WHEN status = 'resolved' AND resolved_on > ? THEN 1 ELSE 0 END) AS resolved_n
		FROM discrepancies WHERE year = ?
		GROUP BY code, severity, unit_code ORDER BY code, unit_code`, since, since, int(y))
	if err != nil {
		return nil, fmt.Errorf("count discrepancies: %w", err)
	}
	out := make([]reports.CodeCount, 0, len(rows))
	for _, r := range rows {
		if c := counts[r.Unit]; c != nil {
			c.OpenDiscrepancies += r.Open
		}
		if r.Open+r.New+r.Resolved == 0 {
			continue
		}
		out = append(out, reports.CodeCount{Code: reconcile.FlagCode(r.Code),
			Severity: reconcile.Severity(r.Severity), UnitCode: r.Unit,
			Open: r.Open, New: r.New, Resolved: r.Resolved})
	}
	return out, nil
}

// deadMail lists the messages the outbox gave up on, newest first.
func deadMail(ctx context.Context, q store.Queryer) ([]reports.DeadMail, error) {
	var rows []struct {
		Kind     string         `db:"kind"`
		To       string         `db:"recipient"`
		Subject  string         `db:"subject"`
		Attempts int            `db:"attempts"`
		Error    string         `db:"last_error"`
		Since    reconcile.Date `db:"next_attempt_at"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT kind, recipient, subject, attempts,
		COALESCE(last_error, '') AS last_error, next_attempt_at
		FROM outbox WHERE status = 'dead' ORDER BY next_attempt_at DESC, id`)
	if err != nil {
		return nil, fmt.Errorf("select dead mail: %w", err)
	}
	out := make([]reports.DeadMail, len(rows))
	for i, r := range rows {
		out[i] = reports.DeadMail{Kind: r.Kind, To: r.To, Subject: r.Subject,
			Attempts: r.Attempts, LastError: r.Error, Since: r.Since}
	}
	return out, nil
}

// reminderBatch is how many people EachReminder reads at a time.
const reminderBatch = 500

// EachReminder calls fn with the reminder of every person of year y who
// needs one (reports.NeedsReminder), in staff order, of one unit when unit
// is not empty. People are read in batches, so memory stays flat however
// many there are; fn's error stops the walk and is returned.
func EachReminder(ctx context.Context, q store.Queryer, y reconcile.Year, today reconcile.Date,
	unit string, fn func(reports.Reminder) error) error {
	units, err := ReportUnits(ctx, q)
	if err != nil {
		return err
	}
	unitNames := map[string]string{}
	for _, u := range units {
		unitNames[u.Code] = u.Name
	}
	for after := ""; ; {
		people, err := store.StaffInScope(ctx, q, y, after, reminderBatch)
		if err != nil {
			return err
		}
		if len(people) == 0 {
			return nil
		}
		// The batch's ledgers and open discrepancies in two queries, not
		// two per person: round trips dominate on MySQL.
		rng := store.Range{After: after, Last: people[len(people)-1].No}
		after = rng.Last
		ledgers, err := store.LedgersInRange(ctx, q, y, rng)
		if err != nil {
			return err
		}
		ds, err := store.Discrepancies(ctx, q, store.DiscrepancyFilter{Year: y, Range: &rng,
			Status: reconcile.DiscrepancyOpen})
		if err != nil {
			return err
		}
		open := map[string][]reconcile.Discrepancy{}
		for _, d := range ds {
			open[d.StaffNo] = append(open[d.StaffNo], d)
		}
		for _, p := range people {
			led, found := ledgers[p.No]
			if !found || (unit != "" && p.UnitCode != unit) {
				continue
			}
			r, ok := reminderOf(p, unitNames[p.UnitCode], led.Standing, led.Ledger, open[p.No], today)
			if !ok {
				continue
			}
			if err := fn(r); err != nil {
				return err
			}
		}
	}
}

// ReminderInput gathers one person's reminder; ok is false when the
// person has no standing for y or needs no reminder.
func ReminderInput(ctx context.Context, q store.Queryer, p reconcile.Staff, unitName string,
	y reconcile.Year, today reconcile.Date) (r reports.Reminder, ok bool, err error) {
	st, lines, found, err := store.PersonLedger(ctx, q, p.No, y)
	if err != nil || !found {
		return r, false, err
	}
	ds, err := store.Discrepancies(ctx, q, store.DiscrepancyFilter{Year: y, StaffNo: p.No,
		Status: reconcile.DiscrepancyOpen})
	if err != nil {
		return r, false, err
	}
	r, ok = reminderOf(p, unitName, st, lines, ds, today)
	return r, ok, nil
}

// reminderOf builds the reminder of one person from their standing,
// ledger and open discrepancies; ok is false when they need none.
func reminderOf(p reconcile.Staff, unitName string, st reconcile.Standing, lines []reconcile.LedgerLine,
	ds []reconcile.Discrepancy, today reconcile.Date) (r reports.Reminder, ok bool) {
	if !reports.NeedsReminder(st, len(ds)) {
		return r, false
	}
	r = reports.Reminder{Staff: p, UnitName: unitName, Standing: st, Today: today,
		Discrepancies: ds}
	for _, l := range lines {
		r.Lines = append(r.Lines, reports.LineFromLedger(p.No, l))
	}
	return r, true
}

// FormInput gathers one person's statistics form of year y, with the
// organiser and evidence of each line taken from its first source record
// that states them; found is false when y has no standing for the person.
func FormInput(ctx context.Context, q store.Queryer, p reconcile.Staff, unitName string,
	y reconcile.Year, today reconcile.Date) (f reports.Form, found bool, err error) {
	_, lines, found, err := store.PersonLedger(ctx, q, p.No, y)
	if err != nil || !found {
		return f, false, err
	}
	var recs []struct {
		File      string `db:"name"`
		Sheet     string `db:"sheet"`
		Row       int    `db:"row_no"`
		Organiser string `db:"organiser"`
		Evidence  string `db:"evidence"`
	}
	err = sqlx.SelectContext(ctx, q, &recs, `SELECT f.name, r.sheet, r.row_no, r.organiser,
		r.evidence FROM records r JOIN files f ON f.id = r.file_id
		WHERE r.active = 1 AND r.staff_no = ? AND r.year = ?`, p.No, int(y))
	if err != nil {
		return f, false, fmt.Errorf("select records of %s: %w", p.No, err)
	}
	f = reports.Form{Staff: p, UnitName: unitName, Year: y, Today: today}
	for _, l := range lines {
		line := reports.LineFromLedger(p.No, l)
		for _, s := range l.Sources {
			for _, rec := range recs {
				if rec.File == s.File && rec.Sheet == s.Sheet && rec.Row == s.Row {
					line.Organiser = cmpOr(line.Organiser, rec.Organiser)
					line.Evidence = cmpOr(line.Evidence, rec.Evidence)
				}
			}
		}
		f.Lines = append(f.Lines, line)
	}
	return f, true, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
