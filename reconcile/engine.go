package reconcile

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Config is the part of the configuration that reconciliation reads.
type Config struct {
	// AutoCreditOrganisers are organiser-name prefixes whose attendance
	// is credited without a claim; nil means DefaultAutoCreditOrganisers,
	// an empty non-nil slice means none.
	AutoCreditOrganisers []string
	// TitleSimilarity is the bigram similarity (0–1) at which two titles
	// name one activity; 0 means DefaultTitleSimilarity.
	TitleSimilarity float64
}

// Engine reconciles one person-year at a time. Rules must not be nil. An
// Engine holds no state between calls and is safe for concurrent use.
type Engine struct {
	Rules  *RuleSet
	Config Config
}

// Input is everything Reconcile needs about one person and year.
type Input struct {
	Staff Staff
	Year  Year
	// Records are every record of the person whose effective year is
	// Year: its explicit Year, else YearOf(Start).
	Records     []Record
	Totals      []UnitTotal           // the units' summaries for the person and year
	Resolutions map[string]Resolution // reviewers' decisions by discrepancy id
	Today       Date
}

// Result is one person-year reconciled.
type Result struct {
	Standing      Standing
	Occurrences   []*Occurrence // in order of Start, then Key
	Discrepancies []Discrepancy // by severity, code, id
}

// Reconcile groups the records into occurrences, decides each one's
// status from its sources and the reviewers' resolutions, runs the
// policy engine and the per-person checks, and returns the standing with
// every occurrence and discrepancy. The result does not depend on the
// order of the records.
//
// How a resolution changes what is credited. Accepting (认可) takes a
// record as stated; rejecting (不认可) refuses it where its truth is in
// question:
//   - no-attendance, unclaimed-attendance: accepted, verified; rejected,
//     not credited;
//   - overclaimed: accepted, the stated hours replace the standard;
//     rejected, the standard stays;
//   - name-mismatch: accepted, the record counts for the person;
//     otherwise it is held and counts for nobody;
//   - date-out-of-year, future-date: until accepted the hours are held
//     as pending (shown, not credited); rejected, not credited;
//   - overlapping, shared-evidence: the hours stay credited; rejected,
//     not credited;
//   - every other flag: the decision is recorded, the hours are as
//     computed.
//
// Every decision is written, in Chinese, to the occurrence's Decision.
// A record flagged unknown-staff at import is reconciled like any other:
// the person is in the roster now. Occurrences of an unclassified type,
// or a type the rules do not know, are not credited.
func (e *Engine) Reconcile(in Input) Result {
	// Records held for a name that does not match the roster.
	usable, held, accepted := e.holdMismatched(in)

	// Occurrences, their status and the flags of their sources.
	m := Matcher{Threshold: e.Config.TitleSimilarity}
	occs := m.Group(in.Staff.No, in.Year, usable)
	for _, o := range occs {
		e.decide(o, in, accepted)
	}
	e.checkOverlaps(occs, in)

	// The policy, then the checks that need its hours.
	st := e.Rules.Evaluate(in.Staff, in.Year, occs, in.Today)
	totals := unitTotalFlags(st, in)

	// Messages and discrepancies.
	for _, o := range occs {
		finishFlags(o)
	}
	ds := OccurrenceDiscrepancies(in.Staff, in.Year, occs, in.Today, in.Resolutions)
	for _, h := range held {
		ds = append(ds, newDiscrepancy(in.Staff, in.Year, h.subject, h.flag, in.Today,
			in.Resolutions))
	}
	for _, t := range totals {
		ds = append(ds, newDiscrepancy(in.Staff, in.Year, t.subject, t.flag, in.Today,
			in.Resolutions))
	}
	sortDiscrepancies(ds)
	return Result{Standing: st, Occurrences: occs, Discrepancies: ds}
}

// subjectFlag is a flag about something other than one occurrence.
type subjectFlag struct {
	subject string
	flag    Flag
}

// holdMismatched splits the records into those that count and the
// name-mismatch and ambiguous-name flags of those held back, and returns
// the decisions of records a reviewer accepted, by record subject.
func (e *Engine) holdMismatched(in Input) ([]Record, []subjectFlag, map[string]Resolution) {
	mismatched := func(r Record) bool {
		return slices.Contains(r.Flags, FlagNameMismatch) ||
			slices.Contains(r.Flags, FlagAmbiguousName)
	}
	if !slices.ContainsFunc(in.Records, mismatched) {
		return in.Records, nil, nil
	}
	usable := make([]Record, 0, len(in.Records))
	var held []subjectFlag
	accepted := map[string]Resolution{}
	for i := range in.Records {
		r := &in.Records[i]
		hold := false
		for _, code := range []FlagCode{FlagNameMismatch, FlagAmbiguousName} {
			if !slices.Contains(r.Flags, code) {
				continue
			}
			subject := recordSubject(r)
			f := NewFlag(code, fmt.Sprintf("表中姓名“%s”，名册中工号%s为“%s”",
				r.Name, in.Staff.No, in.Staff.Name), []SourceRef{r.Source})
			f.Message = describeRecord(r) + "：" + f.Message
			held = append(held, subjectFlag{subject, f})
			res, ok := resolution(in.Resolutions, in.Staff.No, in.Year, code, subject)
			if ok && res.Accepted {
				accepted[subject] = res
				continue
			}
			hold = true
		}
		if !hold {
			usable = append(usable, *r)
		}
	}
	return usable, held, accepted
}

// decide sets o's status from its type, sources, dates and resolutions.
func (e *Engine) decide(o *Occurrence, in Input, accepted map[string]Resolution) {
	// Decisions on held records that now count.
	for i := range o.Records {
		r := &o.Records[i]
		for _, code := range []FlagCode{FlagNameMismatch, FlagAmbiguousName} {
			if len(accepted) == 0 || !slices.Contains(r.Flags, code) {
				continue
			}
			if res, ok := accepted[recordSubject(r)]; ok {
				addDecision(o, code, res)
			}
		}
	}

	// An unknown type earns nothing.
	t := e.Rules.Type(o.Type, typeDate(o))
	if o.Type == 0 || t == nil {
		o.Status = StatusNotCredited
		o.Flags = append(o.Flags, NewFlag(FlagUnclassifiedActivity, rawTypes(o), sources(o)))
		e.record(o, in, FlagUnclassifiedActivity)
		return
	}

	// The evidence table, then what reviewers decided on it.
	ApplyEvidence(o, t.External(), e.autoCredit())
	if res, ok := e.lookup(o, in, FlagNoAttendance); ok && hasFlag(o, FlagNoAttendance) {
		o.Status = verdict(res, StatusVerified, StatusNotCredited)
		addDecision(o, FlagNoAttendance, res)
	}
	if res, ok := e.lookup(o, in, FlagUnclaimedAttendance); ok &&
		hasFlag(o, FlagUnclaimedAttendance) {
		o.Status = verdict(res, StatusVerified, StatusNotCredited)
		addDecision(o, FlagUnclaimedAttendance, res)
	}
	e.record(o, in, FlagUnitRejected, FlagDuplicate, FlagHoursMismatch)

	// Dates, and evidence that several people cite.
	e.checkDates(o, in)
	e.checkSharedEvidence(o, in)

	// A reviewer's accepted overclaim replaces the standard.
	if res, ok := e.lookup(o, in, FlagOverclaimed); ok {
		if res.Accepted && o.Stated > 0 {
			o.Accepted = o.Stated
		}
		addDecision(o, FlagOverclaimed, res)
	}
	e.record(o, in, FlagCategoryNotAllowed, FlagCapped, FlagShortStudy)
}

// record writes to the ledger any decision on o's flags of codes that do
// not change what is credited.
func (e *Engine) record(o *Occurrence, in Input, codes ...FlagCode) {
	for _, code := range codes {
		if res, ok := e.lookup(o, in, code); ok {
			addDecision(o, code, res)
		}
	}
}

func (e *Engine) lookup(o *Occurrence, in Input, code FlagCode) (Resolution, bool) {
	return resolution(in.Resolutions, in.Staff.No, in.Year, code, o.Key)
}

func verdict(r Resolution, accepted, rejected Status) Status {
	if r.Accepted {
		return accepted
	}
	return rejected
}

// checkDates flags cross-year, date-out-of-year and future-date. The last
// two hold the hours as pending until a reviewer accepts them.
func (e *Engine) checkDates(o *Occurrence, in Input) {
	// Dates across two years with no year stated: info only.
	explicit := slices.ContainsFunc(o.Records, func(r Record) bool { return r.Year != 0 })
	if !explicit && !o.Start.IsZero() && YearOf(o.Start) != YearOf(o.End) {
		o.Flags = append(o.Flags, NewFlag(FlagCrossYear,
			"计入"+YearOf(o.Start).String()+"学年", sources(o)))
		e.record(o, in, FlagCrossYear)
	}

	// A stated year the dates do not touch.
	var outside []SourceRef
	for _, r := range o.Records {
		end := r.End
		if end.IsZero() {
			end = r.Start
		}
		if r.Year != 0 && !r.Start.IsZero() &&
			(end.Before(r.Year.Start()) || r.Start.After(r.Year.End())) {
			outside = append(outside, r.Source)
		}
	}
	if len(outside) > 0 {
		o.Flags = append(o.Flags, NewFlag(FlagDateOutOfYear,
			"所填学年为"+in.Year.String(), outside))
		e.hold(o, in, FlagDateOutOfYear)
	}

	// An activity that has not happened yet.
	if !o.Start.IsZero() && !in.Today.IsZero() && o.Start.After(in.Today) {
		o.Flags = append(o.Flags, NewFlag(FlagFutureDate,
			"今天是"+in.Today.String(), sources(o)))
		e.hold(o, in, FlagFutureDate)
	}
}

// hold keeps o's hours from counting because of flag code: pending until
// a reviewer accepts, not credited once one rejects.
func (e *Engine) hold(o *Occurrence, in Input, code FlagCode) {
	res, ok := e.lookup(o, in, code)
	switch {
	case ok:
		addDecision(o, code, res)
		if !res.Accepted {
			o.Status = StatusNotCredited
		}
	case o.Status.Counts():
		o.Status = StatusPending
	}
}

// checkSharedEvidence applies a reviewer's rejection of a shared-evidence
// discrepancy (raised by SharedEvidence across people) to o.
func (e *Engine) checkSharedEvidence(o *Occurrence, in Input) {
	for _, r := range o.Records {
		value, ok := normEvidence(r.Evidence)
		if !ok {
			continue
		}
		res, ok := resolution(in.Resolutions, in.Staff.No, in.Year, FlagSharedEvidence,
			evidenceSubject(value))
		if !ok {
			continue
		}
		addDecision(o, FlagSharedEvidence, res)
		if !res.Accepted {
			o.Status = StatusNotCredited
		}
		return
	}
}

// checkOverlaps flags activities that cannot have happened together: two
// full-time activities at once (the later one is flagged), or an
// internal activity within a full-time one. Not-credited occurrences are
// left out. The hours stay as they are unless a reviewer rejects.
func (e *Engine) checkOverlaps(occs []*Occurrence, in Input) {
	type span struct {
		o        *Occurrence
		fullTime bool
		internal bool
	}
	var spans []span
	for _, o := range occs {
		t := e.Rules.Type(o.Type, typeDate(o))
		if t == nil || o.Status == StatusNotCredited || o.Start.IsZero() {
			continue
		}
		spans = append(spans, span{o, t.FullTime, !t.External()})
	}
	for _, x := range spans {
		var srcs []SourceRef
		var with []string
		for _, f := range spans {
			if f.o == x.o || !f.fullTime || !overlaps(x.o, f.o) {
				continue
			}
			later := x.o.Start.After(f.o.Start) ||
				x.o.Start == f.o.Start && x.o.Key > f.o.Key
			if x.internal || x.fullTime && later {
				with = append(with, f.o.Describe())
				srcs = append(srcs, sources(f.o)...)
			}
		}
		if len(with) == 0 {
			continue
		}
		srcs = append(sources(x.o), srcs...)
		x.o.Flags = append(x.o.Flags, NewFlag(FlagOverlapping,
			"与"+strings.Join(with, "、")+"重叠", srcs))
		if res, ok := e.lookup(x.o, in, FlagOverlapping); ok {
			addDecision(x.o, FlagOverlapping, res)
			if !res.Accepted {
				x.o.Status = StatusNotCredited
			}
		}
	}
}

func overlaps(a, b *Occurrence) bool {
	return !a.Start.After(b.End) && !b.Start.After(a.End)
}

// unitTotalFlags compares the units' summaries with the standing.
func unitTotalFlags(st Standing, in Input) []subjectFlag {
	var out []subjectFlag
	seen := map[string]int{}
	for _, t := range in.Totals {
		if t.StaffNo != in.Staff.No || t.Year != in.Year {
			continue
		}
		h := st.Hours
		if t.A == h.A && t.B == h.B && t.C == h.C {
			continue
		}
		subject := unitTotalSubject(t.UnitCode)
		if i, ok := seen[subject]; ok {
			out[i].flag.Sources = append(out[i].flag.Sources, t.Source)
			continue
		}
		seen[subject] = len(out)
		f := NewFlag(FlagUnitTotalMismatch, fmt.Sprintf(
			"单位汇总A类%s、B类%s、C类%s学时，逐条核算A类%s、B类%s、C类%s学时",
			t.A, t.B, t.C, h.A, h.B, h.C), []SourceRef{t.Source})
		f.Message = in.Year.String() + "学年" + f.Message
		out = append(out, subjectFlag{subject, f})
	}
	return out
}

// Unknown returns one unknown-staff discrepancy for each record whose
// staff number is not in the roster (the caller passes only those), first
// seen today. Records that describe the same row twice give one
// discrepancy with both sources. The unit is the record's own.
func (e *Engine) Unknown(recs []Record, today Date) []Discrepancy {
	var out []Discrepancy
	index := map[string]int{}
	for i := range recs {
		r := &recs[i]
		f := NewFlag(FlagUnknownStaff, fmt.Sprintf("工号“%s”，姓名“%s”", r.StaffNo, r.Name),
			[]SourceRef{r.Source})
		f.Message = describeRecord(r) + "：" + f.Message
		st := Staff{No: r.StaffNo, Name: r.Name, UnitCode: r.UnitCode}
		d := newDiscrepancy(st, effectiveYear(r), recordSubject(r), f, today, nil)
		if j, ok := index[d.ID]; ok {
			mergeInto(&out[j], f)
			continue
		}
		index[d.ID] = len(out)
		out = append(out, d)
	}
	sortDiscrepancies(out)
	return out
}

// SharedEvidence returns, for each evidence value cited by records of
// more than one person, one shared-evidence warning per person and
// academic year, citing that person's own records only (the others are
// counted, not named). An evidence value counts only when it has a digit
// in it — a certificate or document number, not a word like 证书 — and is
// compared after NormalizeTitle. The unit is the record's own; the year
// its effective year. The hours stay credited until a reviewer rejects.
func SharedEvidence(recs []Record) []Discrepancy {
	// Who cites each value.
	byValue := map[string][]*Record{}
	for i := range recs {
		if v, ok := normEvidence(recs[i].Evidence); ok {
			byValue[v] = append(byValue[v], &recs[i])
		}
	}

	// One warning per value, person and year.
	var out []Discrepancy
	index := map[string]int{}
	for value, rs := range byValue {
		people := map[string]bool{}
		for _, r := range rs {
			people[r.StaffNo] = true
		}
		if len(people) < 2 {
			continue
		}
		for _, r := range rs {
			f := NewFlag(FlagSharedEvidence, fmt.Sprintf("“%s”另有%d人引用",
				strings.TrimSpace(r.Evidence), len(people)-1), []SourceRef{r.Source})
			f.Message = describeRecord(r) + "：" + f.Message
			st := Staff{No: r.StaffNo, Name: r.Name, UnitCode: r.UnitCode}
			d := newDiscrepancy(st, effectiveYear(r), evidenceSubject(value), f, Date{}, nil)
			if j, ok := index[d.ID]; ok {
				mergeInto(&out[j], f)
				continue
			}
			index[d.ID] = len(out)
			out = append(out, d)
		}
	}
	sortDiscrepancies(out)
	return out
}

// normEvidence returns the comparable form of an evidence value and
// whether it is a number worth comparing (it has a digit in it).
func normEvidence(s string) (string, bool) {
	v := NormalizeTitle(s)
	return v, strings.IndexFunc(v, unicode.IsDigit) >= 0
}

// effectiveYear is the year a record belongs to: its explicit Year, else
// the year of its start date.
func effectiveYear(r *Record) Year {
	if r.Year != 0 {
		return r.Year
	}
	return YearOf(r.Start)
}

func (e *Engine) autoCredit() []string {
	if e.Config.AutoCreditOrganisers == nil {
		return DefaultAutoCreditOrganisers
	}
	return e.Config.AutoCreditOrganisers
}

// typeDate is the date on which o's type version is looked up.
func typeDate(o *Occurrence) Date {
	if o.Start.IsZero() {
		return o.Year.Start()
	}
	return o.Start
}

func sources(o *Occurrence) []SourceRef {
	out := make([]SourceRef, len(o.Records))
	for i, r := range o.Records {
		out[i] = r.Source
	}
	return out
}

func hasFlag(o *Occurrence, code FlagCode) bool {
	return slices.ContainsFunc(o.Flags, func(f Flag) bool { return f.Code == code })
}

// rawTypes lists the activity types as written on o's records.
func rawTypes(o *Occurrence) string {
	var raw []string
	for _, r := range o.Records {
		if r.TypeRaw != "" && !slices.Contains(raw, r.TypeRaw) {
			raw = append(raw, r.TypeRaw)
		}
	}
	if len(raw) == 0 {
		if o.Type != 0 {
			return fmt.Sprintf("类型%d不在计算标准中", o.Type)
		}
		return ""
	}
	return "填写为“" + strings.Join(raw, "”“") + "”"
}
