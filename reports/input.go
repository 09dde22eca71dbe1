package reports

import (
	"errors"

	"cehours/internal/mail"
	"cehours/reconcile"
)

// ErrScope is the cause of the error a builder returns when its input
// holds data of someone the recipient may not see: a unit workbook with a
// row of another unit, a reminder with another person's line. Reports are
// private by construction: a builder refuses rather than leaks.
var ErrScope = errors.New("data outside the recipient's scope")

// Requirement is what a person must earn in one year: a total, a minimum
// of category A, and a minimum of categories B and C together.
type Requirement struct {
	Total, A, BC reconcile.Hours
}

// DefaultRequirement is the requirement from 2023-2024 on: 90 hours,
// of which at least 60 of category A and 18 of B and C together.
var DefaultRequirement = Requirement{
	Total: reconcile.H(90), A: reconcile.H(60), BC: reconcile.H(18),
}

// Counts are numbers of people of one unit, or of the whole university.
// InScope counts everyone with a standing except the exempt; Pending
// counts people with hours awaiting evidence.
type Counts struct {
	InScope           int
	Compliant         int
	Short             int
	AtRisk            int
	Exempt            int
	Pending           int
	OpenDiscrepancies int
}

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.InScope += o.InScope
	c.Compliant += o.Compliant
	c.Short += o.Short
	c.AtRisk += o.AtRisk
	c.Exempt += o.Exempt
	c.Pending += o.Pending
	c.OpenDiscrepancies += o.OpenDiscrepancies
}

// Rate returns the share of people in scope who are compliant, 0 to 1;
// a unit with nobody in scope has rate 1 (nobody is missing anything).
func (c Counts) Rate() float64 {
	if c.InScope == 0 {
		return 1
	}
	return float64(c.Compliant) / float64(c.InScope)
}

// UnitSummary is one unit's row of the HR digest.
type UnitSummary struct {
	Unit reconcile.Unit
	Counts
	// Previous holds the unit's counts at the last digest; nil when there
	// was none, and the change column then stays empty.
	Previous *Counts
}

// CodeCount is the number of discrepancies of one code in one unit: open
// now, new since the last digest, resolved since the last digest.
type CodeCount struct {
	Code     reconcile.FlagCode
	Severity reconcile.Severity
	UnitCode string
	Open     int
	New      int
	Resolved int
}

// PersonRef names a person in a list such as "became compliant".
type PersonRef struct {
	StaffNo  string
	Name     string
	UnitCode string
}

// DeadMail is a message the outbox gave up on.
type DeadMail struct {
	Kind      string // digest | unit | reminder
	To        string // the recipient's address
	Subject   string
	Attempts  int
	LastError string
	Since     reconcile.Date // when it was marked dead
}

// Digest is everything the HR shortfall digest shows. Short lists every
// standing to put on the shortfall sheet, normally those short and at
// risk; Units and Codes give the per-unit and per-code counts; the
// change since the last digest (on Previous, zero when none) is in
// UnitSummary.Previous, CodeCount.New and Resolved and BecameCompliant.
type Digest struct {
	Year            reconcile.Year
	Today           reconcile.Date
	Previous        reconcile.Date
	To              []mail.Address
	Units           []UnitSummary
	Short           []reconcile.Standing
	Codes           []CodeCount
	BecameCompliant []PersonRef
	Dead            []DeadMail
}

// DiscrepancyLine is a discrepancy with what a unit secretary needs to
// find it: the person's name and the activity it is about.
type DiscrepancyLine struct {
	reconcile.Discrepancy
	Name  string         // the staff member's name
	Title string         // the activity; "" when about the person-year
	Start reconcile.Date // the activity's start date; zero when none
}

// UnclaimedLine is an attendance nobody claimed: the person attended an
// event whose organiser is not credited without a claim.
type UnclaimedLine struct {
	StaffNo   string
	Name      string
	UnitCode  string
	EventCode string
	Title     string
	Organiser string
	Start     reconcile.Date
	End       reconcile.Date
	Hours     reconcile.Hours // what the attendance would earn if claimed
	Source    reconcile.SourceRef
}

// RejectedRow is a row an importer could not read, from a file the unit
// sent. Code is the stable English reason; Message is its Chinese text.
type RejectedRow struct {
	UnitCode string
	File     string
	Sheet    string
	Row      int
	Column   string
	Value    string
	Code     string
	Message  string
}

// UnitReport is everything one unit's discrepancy workbook shows. Every
// line must belong to Unit, or the builders return ErrScope.
type UnitReport struct {
	Unit          reconcile.Unit
	Year          reconcile.Year
	Today         reconcile.Date
	Discrepancies []DiscrepancyLine
	Short         []reconcile.Standing
	Unclaimed     []UnclaimedLine
	Rejected      []RejectedRow
}

// LedgerLine is one occurrence of a person's year as reports show it.
type LedgerLine struct {
	StaffNo   string
	Type      int
	TypeName  string // the activity type's name; "" shows 类型 N
	Title     string
	Category  reconcile.Category
	Role      reconcile.Role
	Start     reconcile.Date
	End       reconcile.Date
	Status    reconcile.Status
	Standard  reconcile.Hours
	Credited  reconcile.Hours
	Capped    reconcile.Hours
	Pending   reconcile.Hours
	Rule      string
	CapNote   string
	Decision  string
	Organiser string
	Evidence  string
	Flags     []reconcile.Flag
	Sources   []reconcile.SourceRef
}

// LineOf turns an occurrence the policy engine has computed into a ledger
// line; typeName is the activity type's name from the rules in force.
// Organiser and Evidence come from the first source that states them.
func LineOf(o reconcile.Occurrence, typeName string) LedgerLine {
	l := LedgerLine{
		StaffNo: o.StaffNo, Type: o.Type, TypeName: typeName, Title: o.Title,
		Category: o.Category, Role: o.Role, Start: o.Start, End: o.End,
		Status: o.Status, Standard: o.Standard + o.Bonus, Credited: o.Credited,
		Capped: o.Capped, Pending: o.Pending, Rule: o.Rule, CapNote: o.CapNote,
		Decision: o.Decision, Flags: o.Flags,
	}
	for _, r := range o.Records {
		if l.Organiser == "" {
			l.Organiser = r.Organiser
		}
		if l.Evidence == "" {
			l.Evidence = r.Evidence
		}
		l.Sources = append(l.Sources, r.Source)
	}
	return l
}

// Reminder is everything one person's reminder shows. Lines and
// Discrepancies must all be the person's own, or ReminderMessage returns
// ErrScope. Contact says whom to ask; "" names the unit's CE secretary.
type Reminder struct {
	Staff         reconcile.Staff
	UnitName      string
	Standing      reconcile.Standing
	Requirement   Requirement // zero: DefaultRequirement
	Today         reconcile.Date
	Lines         []LedgerLine
	Discrepancies []reconcile.Discrepancy
	Contact       string
}

// NeedsReminder reports whether a person gets a reminder: someone short
// or behind pace, or with an open discrepancy; never someone exempt.
func NeedsReminder(st reconcile.Standing, openDiscrepancies int) bool {
	switch st.Status {
	case reconcile.StandingExempt:
		return false
	case reconcile.StandingShort, reconcile.StandingAtRisk:
		return true
	}
	return openDiscrepancies > 0
}

// Form is one person's 《继续教育学时统计表》 for one year.
type Form struct {
	Staff    reconcile.Staff
	UnitName string
	Year     reconcile.Year
	Today    reconcile.Date
	Lines    []LedgerLine
}

// LineFromLedger turns a stored ledger line of staffNo into a report line.
// The stored line carries flag codes only: their message and action come
// from the domain's flag catalog. It carries no organiser or evidence;
// the caller fills them in from the records when it has them.
func LineFromLedger(staffNo string, l reconcile.LedgerLine) LedgerLine {
	out := LedgerLine{
		StaffNo: staffNo, Type: l.Type, Title: l.Title, Category: l.Category, Role: l.Role,
		Start: l.Start, End: l.End, Status: l.Status, Standard: l.StandardHours + l.Bonus,
		Credited: l.Credited, Capped: l.Capped, Pending: l.Pending, Rule: l.Rule,
		CapNote: l.CapNote, Decision: l.Decision, Sources: l.Sources,
	}
	for _, code := range l.Flags {
		info, _ := reconcile.FlagInfoOf(code)
		out.Flags = append(out.Flags, reconcile.Flag{Code: code, Severity: info.Severity,
			Message: info.Text, Action: info.Action})
	}
	return out
}
