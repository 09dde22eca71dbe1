package reconcile

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Discrepancy statuses as Reconcile sets them: open until a reviewer
// decides. The store also resolves a discrepancy that no longer occurs.
const (
	DiscrepancyOpen     = "open"
	DiscrepancyResolved = "resolved"
)

// Resolution values of a Discrepancy.
const (
	ResolutionAccepted = "accepted"
	ResolutionRejected = "rejected"
)

// DiscrepancyID returns the identity of a discrepancy: "D-" and 16 hex
// digits of a hash of the person, the academic year, the flag code and
// the subject (an occurrence key, a record's identity, an evidence value,
// a unit summary). The same facts give the same id on every run; 64 bits
// keep the chance of two discrepancies sharing an id negligible even for
// millions of them.
func DiscrepancyID(staffNo string, y Year, code FlagCode, subject string) string {
	return hashKey("D-", staffNo, strconv.Itoa(int(y)), string(code), subject)
}

// Subjects of discrepancies that are not about one occurrence.
func recordSubject(r *Record) string {
	return hashKey("R-", string(r.Source.Kind), r.StaffNo, r.Name,
		string(roleOrParticipant(r.Role)), recordIdentity(r), r.End.String())
}

func evidenceSubject(value string) string {
	if rs := []rune(value); len(rs) > 150 {
		value = string(rs[:150])
	}
	return "evidence:" + value
}

func unitTotalSubject(unitCode string) string { return "unit-total:" + unitCode }

// newDiscrepancy returns an open discrepancy of flag f about subject,
// first seen today, with the reviewer's resolution attached when res
// holds one for its id.
func newDiscrepancy(st Staff, y Year, subject string, f Flag, today Date,
	res map[string]Resolution) Discrepancy {
	d := Discrepancy{
		ID:        DiscrepancyID(st.No, y, f.Code, subject),
		Code:      f.Code,
		Severity:  f.Severity,
		StaffNo:   st.No,
		UnitCode:  st.UnitCode,
		Year:      y,
		Subject:   subject,
		Message:   f.Message,
		Action:    f.Action,
		Status:    DiscrepancyOpen,
		FirstSeen: today,
		Sources:   slices.Clone(f.Sources),
	}
	if r, ok := res[d.ID]; ok {
		d.Status = DiscrepancyResolved
		d.Resolution = ResolutionRejected
		if r.Accepted {
			d.Resolution = ResolutionAccepted
		}
		d.Note, d.DecidedBy = r.Note, r.By
	}
	return d
}

// OccurrenceDiscrepancies turns the flags of a person's occurrences into
// discrepancies about each occurrence's key, resolutions attached. One
// occurrence's flags of one code become one discrepancy, their sources
// and messages joined.
func OccurrenceDiscrepancies(st Staff, y Year, occs []*Occurrence, today Date,
	res map[string]Resolution) []Discrepancy {
	var out []Discrepancy
	for _, o := range occs {
		first := len(out)
	flags:
		for _, f := range o.Flags {
			for i := first; i < len(out); i++ {
				if out[i].Code == f.Code {
					mergeInto(&out[i], f)
					continue flags
				}
			}
			out = append(out, newDiscrepancy(st, y, o.Key, f, today, res))
		}
	}
	return out
}

// mergeInto adds a second flag of the same code and subject to d.
func mergeInto(d *Discrepancy, f Flag) {
	if f.Message != d.Message {
		d.Message += "；" + f.Message
	}
	for _, s := range f.Sources {
		if !slices.Contains(d.Sources, s) {
			d.Sources = append(d.Sources, s)
		}
	}
}

// resolution returns the decision on the discrepancy (st, y, code,
// subject), if any.
func resolution(res map[string]Resolution, staffNo string, y Year, code FlagCode,
	subject string) (Resolution, bool) {
	if len(res) == 0 {
		return Resolution{}, false
	}
	r, ok := res[DiscrepancyID(staffNo, y, code, subject)]
	return r, ok
}

// decisionText says in Chinese who decided what on a flag, for the
// ledger: "王老师于2024-08-20认可“无签到记录”：已核实会议通知".
func decisionText(code FlagCode, r Resolution) string {
	info, _ := FlagInfoOf(code)
	verdict := "不认可"
	if r.Accepted {
		verdict = "认可"
	}
	var b strings.Builder
	b.WriteString(cmp.Or(r.By, "审核人"))
	if !r.At.IsZero() {
		b.WriteString("于" + r.At.String())
	}
	b.WriteString(verdict + "“" + cmp.Or(info.Name, string(code)) + "”")
	if r.Note != "" {
		b.WriteString("：" + r.Note)
	}
	return b.String()
}

// addDecision appends a decision to o.Decision.
func addDecision(o *Occurrence, code FlagCode, r Resolution) {
	text := decisionText(code, r)
	if o.Decision == "" {
		o.Decision = text
		return
	}
	o.Decision += "；" + text
}

// sortDiscrepancies orders discrepancies by person, year, severity (errors
// first), code and id.
func sortDiscrepancies(ds []Discrepancy) {
	rank := func(s Severity) int {
		switch s {
		case SevError:
			return 0
		case SevWarning:
			return 1
		}
		return 2
	}
	slices.SortFunc(ds, func(a, b Discrepancy) int {
		return cmp.Or(strings.Compare(a.StaffNo, b.StaffNo), cmp.Compare(a.Year, b.Year),
			cmp.Compare(rank(a.Severity), rank(b.Severity)),
			strings.Compare(string(a.Code), string(b.Code)), strings.Compare(a.ID, b.ID))
	})
}
