package reconcile

import "strings"

// DefaultAutoCreditOrganisers are the organisers whose attendance lists
// are credited without a claim when the configuration names none: the
// Teacher Development Center (article 11).
var DefaultAutoCreditOrganisers = []string{"教师发展中心"}

// IsAutoCreditOrganiser reports whether organiser starts with one of
// prefixes, spaces ignored on both sides.
func IsAutoCreditOrganiser(organiser string, prefixes []string) bool {
	org := strings.Join(strings.Fields(organiser), "")
	for _, p := range prefixes {
		p = strings.Join(strings.Fields(p), "")
		if p != "" && strings.HasPrefix(org, p) {
			return true
		}
	}
	return false
}

// sourceSet is what kinds of source an occurrence has.
type sourceSet struct {
	attendance, autoAttendance []SourceRef
	claims, pendingClaims      []SourceRef // every claim; those not reviewed
	approvedClaims             []SourceRef
	rejectedClaims             []SourceRef
	approvedUnit, pendingUnit  []SourceRef
	rejectedUnit               []SourceRef
}

func collectSources(o *Occurrence, autoCredit []string) sourceSet {
	var s sourceSet
	for _, r := range o.Records {
		src := r.Source
		switch r.Source.Kind {
		case KindAttendance:
			s.attendance = append(s.attendance, src)
			if IsAutoCreditOrganiser(r.Organiser, autoCredit) {
				s.autoAttendance = append(s.autoAttendance, src)
			}
		case KindClaims:
			s.claims = append(s.claims, src)
			switch r.Review {
			case ReviewApproved:
				s.approvedClaims = append(s.approvedClaims, src)
			case ReviewRejected:
				s.rejectedClaims = append(s.rejectedClaims, src)
			default:
				s.pendingClaims = append(s.pendingClaims, src)
			}
		case KindUnitSheet:
			switch r.Review {
			case ReviewApproved:
				s.approvedUnit = append(s.approvedUnit, src)
			case ReviewRejected:
				s.rejectedUnit = append(s.rejectedUnit, src)
			default:
				s.pendingUnit = append(s.pendingUnit, src)
			}
		}
	}
	return s
}

// ApplyEvidence sets o.Status from its sources by DESIGN §3's table and
// appends the flag the table gives (no-attendance, unclaimed-attendance,
// unit-rejected). external says whether o's type is organised outside the
// university, where no attendance list exists; autoCredit lists the
// organiser-name prefixes credited without a claim.
//
// The table's rows are tried in this order, the first that applies wins:
//  1. an approved unit-sheet record: verified (the unit reviewed it);
//  2. a rejected unit-sheet record: not-credited, unit-rejected;
//  3. attendance of an auto-credit organiser: auto-credited, whatever a
//     claim's review says, since such attendance needs no claim;
//  4. an approved claim: verified;
//  5. a rejected claim: not-credited, unit-rejected;
//  6. attendance with a claim, or with a unit-sheet record not yet
//     reviewed (a request to the unit, which the attendance proves):
//     verified;
//  7. a claim not yet reviewed: pending-evidence, flagged no-attendance
//     when the type is internal;
//  8. a unit-sheet record not yet reviewed: pending-evidence;
//  9. attendance alone: not-credited, unclaimed-attendance.
//
// A reviewer's verdict thus outranks inference from the sources, and the
// unit's verdict outranks a claim's.
func ApplyEvidence(o *Occurrence, external bool, autoCredit []string) {
	s := collectSources(o, autoCredit)
	switch {
	case len(s.approvedUnit) > 0:
		o.Status = StatusVerified
	case len(s.rejectedUnit) > 0:
		o.Status = StatusNotCredited
		o.Flags = append(o.Flags, NewFlag(FlagUnitRejected, "单位统计表审核不通过", s.rejectedUnit))
	case len(s.autoAttendance) > 0:
		o.Status = StatusAutoCredited
	case len(s.approvedClaims) > 0:
		o.Status = StatusVerified
	case len(s.rejectedClaims) > 0:
		o.Status = StatusNotCredited
		o.Flags = append(o.Flags, NewFlag(FlagUnitRejected, "申报审核不通过", s.rejectedClaims))
	case len(s.attendance) > 0 && len(s.claims)+len(s.pendingUnit) > 0:
		o.Status = StatusVerified
	case len(s.claims) > 0:
		o.Status = StatusPending
		if !external {
			o.Flags = append(o.Flags, NewFlag(FlagNoAttendance, "", s.claims))
		}
	case len(s.pendingUnit) > 0:
		o.Status = StatusPending
	case len(s.attendance) > 0:
		o.Status = StatusNotCredited
		o.Flags = append(o.Flags, NewFlag(FlagUnclaimedAttendance, "", s.attendance))
	default:
		o.Status = StatusNotCredited
	}
}
