package importers

import (
	"fmt"
	"strings"

	"cehours/reconcile"
)

// recordRow reads a row of an activity file (attendance, unit sheet,
// claims, resolutions) into a Record.
func (p *parser) recordRow(r rowView, sheet string, n int) *RowError {
	rec := reconcile.Record{Source: reconcile.SourceRef{
		Kind: p.opts.Kind, File: p.file, Sheet: sheet, Row: n}}

	// Who: 工号 first, a name within the unit otherwise.
	if rej := p.identify(r, &rec); rej != nil {
		return rej
	}

	// When: start and end columns, or a lone date column that may hold a
	// range.
	if rej := p.dates(r, &rec); rej != nil {
		return rej
	}

	// What: the type, required; an unknown type name is stored, flagged.
	typ, _ := r.get(FType)
	if typ == "" {
		return r.bad(FType, ErrMissingType)
	}
	t, err := ParseType(typ, p.opts.Types)
	if err != nil {
		return r.bad(FType, err)
	}
	rec.Type, rec.TypeRaw = t, fold(typ)
	if t == 0 {
		rec.Flags = append(rec.Flags, reconcile.FlagUnclassifiedActivity)
	}

	// The other facts, each optional.
	if rej := p.facts(r, &rec); rej != nil {
		return rej
	}
	rec.EventCode = p.text(r, FEventCode)
	rec.Title = p.text(r, FTitle)
	rec.Organiser = p.text(r, FOrganiser)
	rec.Evidence = p.text(r, FEvidence)
	rec.Extra = r.extra()
	if v, _ := r.get(FReview); v != "" {
		rec.Review = ParseReview(v)
	}
	p.vote(rec)
	p.sum.Stored++
	return p.sinkErr(p.sink.Record(rec))
}

// sinkErr keeps a sink's error for row to return: row functions return
// rejections only.
func (p *parser) sinkErr(err error) *RowError {
	if err != nil && p.failed == nil {
		p.failed = err
	}
	return nil
}

// text returns a folded free-text field.
func (p *parser) text(r rowView, f Field) string {
	v, _ := r.get(f)
	return fold(v)
}

// identify fills the staff number, name and unit of a record or a unit
// total. A 工号 unknown to the roster is kept and flagged unknown-staff; a
// name that is not the roster's name for the 工号 is kept and flagged
// name-mismatch. A row with a name only is matched when exactly one
// person of the row's unit bears it (of the whole roster when the unit is
// unknown), and rejected otherwise.
func (p *parser) identify(r rowView, rec *reconcile.Record) *RowError {
	noRaw, _ := r.get(FStaffNo)
	no := NormalizeStaffNo(noRaw)
	nameRaw, _ := r.get(FName)
	name := NormalizeName(nameRaw)
	rec.UnitCode = p.rowUnit(r)
	dir := p.opts.Directory
	switch {
	case no == "" && name == "":
		return r.bad(FStaffNo, ErrMissingStaff)
	case no != "" && dir == nil:
		rec.StaffNo, rec.Name = no, name
	case no != "":
		rec.StaffNo, rec.Name = no, name
		s, ok := lookupStaffNo(dir, no)
		if !ok {
			rec.Flags = append(rec.Flags, reconcile.FlagUnknownStaff)
			break
		}
		rec.StaffNo = s.No
		if name != "" && name != NormalizeName(s.Name) {
			rec.Flags = append(rec.Flags, reconcile.FlagNameMismatch)
		}
		if rec.UnitCode == "" {
			rec.UnitCode = s.UnitCode
		}
	default:
		if dir == nil {
			return r.bad(FName, ErrUnknownStaff)
		}
		people := dir.StaffNamed(rec.UnitCode, name)
		if len(people) == 0 {
			return r.bad(FName, ErrUnknownStaff)
		}
		if len(people) > 1 {
			return r.bad(FName, ErrAmbiguousName)
		}
		rec.StaffNo, rec.Name = people[0].No, name
		if rec.UnitCode == "" {
			rec.UnitCode = people[0].UnitCode
		}
	}
	return nil
}

// rowUnit returns the unit code of a row: its unit code or unit column
// resolved through the directory, else the file's unit.
func (p *parser) rowUnit(r rowView) string {
	if c, _ := r.get(FUnitCode); c != "" {
		return squeeze(fold(c))
	}
	if u, _ := r.get(FUnit); u != "" {
		if p.opts.Directory != nil {
			if c, ok := p.opts.Directory.UnitCode(u); ok {
				return c
			}
		}
	}
	return p.fileUnit
}

// dates fills Start and End. A date is required; an end column without a
// start is taken as both.
func (p *parser) dates(r rowView, rec *reconcile.Record) *RowError {
	startRaw, _ := r.get(FStart)
	endRaw, _ := r.get(FEnd)
	lone, _ := r.get(FDate)
	var err error
	switch {
	case startRaw != "":
		if rec.Start, rec.End, err = ParseDateRange(startRaw, p.date1904); err != nil {
			return r.bad(FStart, err)
		}
		if endRaw != "" {
			if rec.End, err = ParseDateText(endRaw, p.date1904); err != nil {
				return r.bad(FEnd, err)
			}
			if rec.End.Before(rec.Start) {
				return r.bad(FEnd, fmt.Errorf("end %s before start %s: %w",
					rec.End, rec.Start, reconcile.ErrDate))
			}
		}
	case lone != "":
		if rec.Start, rec.End, err = ParseDateRange(lone, p.date1904); err != nil {
			return r.bad(FDate, err)
		}
	case endRaw != "":
		if rec.Start, err = ParseDateText(endRaw, p.date1904); err != nil {
			return r.bad(FEnd, err)
		}
		rec.End = rec.Start
	default:
		return r.bad(FStart, ErrMissingDate)
	}
	return nil
}

// facts fills the optional facts: category, role, level, share, days,
// count, hours and academic year.
func (p *parser) facts(r rowView, rec *reconcile.Record) *RowError {
	var err error
	if v, _ := r.get(FCategory); v != "" {
		if rec.Category, err = ParseCategory(v); err != nil {
			return r.bad(FCategory, err)
		}
	}
	v, _ := r.get(FRole)
	if rec.Role, err = ParseRole(v); err != nil {
		return r.bad(FRole, err)
	}
	if v, _ := r.get(FLevel); v != "" {
		if rec.Level, err = ParseLevel(v); err != nil {
			return r.bad(FLevel, err)
		}
	}
	if v, _ := r.get(FShare); v != "" {
		if rec.Share, err = ParseShare(v); err != nil {
			return r.bad(FShare, err)
		}
	}
	if v, _ := r.get(FDays); v != "" {
		if rec.Days, err = ParseCount(v); err != nil {
			return r.bad(FDays, err)
		}
	}
	if v, _ := r.get(FCount); v != "" {
		if rec.Count, err = ParseCount(v); err != nil {
			return r.bad(FCount, err)
		}
	}
	if v, _ := r.get(FHours); v != "" {
		if rec.Hours, err = ParseHoursText(v); err != nil {
			return r.bad(FHours, err)
		}
	}
	if v, _ := r.get(FYear); v != "" {
		if rec.Year, err = reconcile.ParseYear(fold(v)); err != nil {
			return r.bad(FYear, err)
		}
	}
	return nil
}

// vote counts what a record says about the file's scope.
func (p *parser) vote(rec reconcile.Record) {
	switch p.opts.Kind {
	case reconcile.KindAttendance:
		key := rec.EventCode
		if key == "" {
			key = rec.Title + "@" + rec.Start.String()
		}
		p.events[key] = true
	case reconcile.KindUnitSheet:
		y := rec.Year
		if y == 0 {
			y = reconcile.YearOf(rec.Start)
		}
		p.yearVotes[y]++
		if rec.UnitCode != "" {
			p.unitVotes[rec.UnitCode]++
		}
	}
}

// staffRow reads a roster row. 工号 and 姓名 are required; 人员类别
// containing 教师 makes a teacher.
func (p *parser) staffRow(r rowView, sheet string, n int) *RowError {
	noRaw, _ := r.get(FStaffNo)
	s := reconcile.Staff{No: NormalizeStaffNo(noRaw)}
	if s.No == "" {
		return r.bad(FStaffNo, ErrMissingStaff)
	}
	nameRaw, _ := r.get(FName)
	if s.Name = NormalizeName(nameRaw); s.Name == "" {
		return r.bad(FName, fmt.Errorf("name: %w", ErrMissingField))
	}
	s.UnitCode = p.rowUnit(r)
	if s.UnitCode == "" {
		if u, _ := r.get(FUnit); u != "" {
			s.UnitCode = squeeze(fold(u))
		}
	}
	s.Email = strings.ToLower(squeeze(fold(p.text(r, FEmail))))
	kind := p.text(r, FStaffKind)
	s.Teacher = strings.Contains(kind, "教师") || strings.EqualFold(kind, "teacher")
	s.Series = squeeze(p.text(r, FSeries))
	for _, d := range []struct {
		f   Field
		dst *reconcile.Date
	}{{FBirth, &s.Birth}, {FHire, &s.Hired}, {FLeave, &s.Left}} {
		v, _ := r.get(d.f)
		if v == "" {
			continue
		}
		date, err := parseLooseDate(v, p.date1904)
		if err != nil {
			return r.bad(d.f, err)
		}
		*d.dst = date
	}
	p.sum.Stored++
	return p.sinkErr(p.sink.Person(s))
}

// parseLooseDate reads a date that may name only a month, as 出生年月
// does ("1980.05", "1980年5月"): the first of that month.
func parseLooseDate(v string, date1904 bool) (reconcile.Date, error) {
	d, err := ParseDateText(v, date1904)
	if err == nil {
		return d, nil
	}
	parts := splitDate(squeeze(fold(v)))
	if len(parts) == 2 && len(parts[0]) == 4 {
		if d, ok := makeDateText(parts[0], parts[1], "1"); ok {
			return d, nil
		}
	}
	return reconcile.Date{}, err
}

// unitRow reads a row of the units list. Several rows with the same code
// add heads to one unit; a cell may also list several heads separated by
// 、 , ; or spaces, paired in order with the emails of the email cell.
func (p *parser) unitRow(r rowView) *RowError {
	codeRaw, _ := r.get(FUnitCode)
	code := squeeze(fold(codeRaw))
	if code == "" {
		return r.bad(FUnitCode, fmt.Errorf("unit code: %w", ErrMissingField))
	}
	u, ok := p.units[code]
	if !ok {
		u = &reconcile.Unit{Code: code}
		p.units[code] = u
		p.unitOrder = append(p.unitOrder, code)
	}
	if name := squeeze(p.text(r, FUnit)); name != "" {
		u.Name = name
	}
	names := splitList(p.text(r, FHead))
	emails := splitList(p.text(r, FHeadEmail))
	for i := 0; i < max(len(names), len(emails)); i++ {
		h := reconcile.Head{}
		if i < len(names) {
			h.Name = NormalizeName(names[i])
		}
		if i < len(emails) {
			h.Email = strings.ToLower(emails[i])
		}
		u.Heads = append(u.Heads, h)
	}
	return nil
}

// splitList splits a cell listing several values.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == '、' || r == ',' || r == ';' || r == '，' || r == '；' || r == ' ' || r == '/'
	})
}

// totalRow reads a row of a unit's per-person summary: a person, a year
// and the A, B and C totals, blank meaning zero.
func (p *parser) totalRow(r rowView, sheet string, n int) *RowError {
	var rec reconcile.Record
	if rej := p.identify(r, &rec); rej != nil {
		return rej
	}
	t := reconcile.UnitTotal{StaffNo: rec.StaffNo, UnitCode: rec.UnitCode, Year: p.fileYear,
		Source: reconcile.SourceRef{Kind: p.opts.Kind, File: p.file, Sheet: sheet, Row: n}}
	if v, _ := r.get(FYear); v != "" {
		y, err := reconcile.ParseYear(fold(v))
		if err != nil {
			return r.bad(FYear, err)
		}
		t.Year = y
	}
	for _, c := range []struct {
		f   Field
		dst *reconcile.Hours
	}{{FTotalA, &t.A}, {FTotalB, &t.B}, {FTotalC, &t.C}} {
		v, _ := r.get(c.f)
		if v == "" || squeeze(fold(v)) == "0" {
			continue
		}
		h, err := ParseHoursText(v)
		if err != nil {
			return r.bad(c.f, err)
		}
		*c.dst = h
	}
	if t.Year != 0 {
		p.yearVotes[t.Year]++
	}
	if t.UnitCode != "" {
		p.unitVotes[t.UnitCode]++
	}
	p.sum.Stored++
	return p.sinkErr(p.sink.Total(t))
}
