package reconcile

// FlagCode is the stable English code of a discrepancy or note.
type FlagCode string

// The flags of DESIGN §5.
const (
	FlagNoAttendance         FlagCode = "no-attendance"
	FlagUnclaimedAttendance  FlagCode = "unclaimed-attendance"
	FlagDuplicate            FlagCode = "duplicate"
	FlagOverclaimed          FlagCode = "overclaimed"
	FlagHoursMismatch        FlagCode = "hours-mismatch"
	FlagCategoryNotAllowed   FlagCode = "category-not-allowed"
	FlagCapped               FlagCode = "capped"
	FlagCrossYear            FlagCode = "cross-year"
	FlagDateOutOfYear        FlagCode = "date-out-of-year"
	FlagFutureDate           FlagCode = "future-date"
	FlagUnknownStaff         FlagCode = "unknown-staff"
	FlagNameMismatch         FlagCode = "name-mismatch"
	FlagAmbiguousName        FlagCode = "ambiguous-name"
	FlagUnitRejected         FlagCode = "unit-rejected"
	FlagUnitTotalMismatch    FlagCode = "unit-total-mismatch"
	FlagUnclassifiedActivity FlagCode = "unclassified-activity"
	FlagSharedEvidence       FlagCode = "shared-evidence"
	FlagOverlapping          FlagCode = "overlapping"
	FlagShortStudy           FlagCode = "short-study" // a type-20 record under 3 months
)

// Severity orders flags for people: an error needs a correction before
// hours can count, a warning needs a reviewer's look, info explains.
type Severity string

// The severities.
const (
	SevError   Severity = "error"
	SevWarning Severity = "warning"
	SevInfo    Severity = "info"
)

// Status is how an occurrence's sources decide whether its hours count
// (DESIGN §3).
type Status string

// The occurrence statuses.
const (
	StatusVerified     Status = "verified"
	StatusAutoCredited Status = "auto-credited"
	StatusPending      Status = "pending-evidence"
	StatusNotCredited  Status = "not-credited"
)

// Counts reports whether hours of an occurrence with this status are
// credited.
func (s Status) Counts() bool { return s == StatusVerified || s == StatusAutoCredited }

// Occurrence is one activity of one person in one academic year, however
// many sources report it. Its facts come from its strongest source; the
// policy engine fills in the hours.
type Occurrence struct {
	Key      string // stable across runs: what discrepancy ids are built on
	StaffNo  string
	Year     Year
	Records  []Record // every source, strongest first
	Status   Status
	Type     int
	Title    string
	Category Category
	Role     Role
	Start    Date
	End      Date
	Days     int
	Count    int
	Level    Level
	Share    int
	Stated   Hours // hours the strongest stating source gives; 0 = none

	// A reviewer's accepted decision on this occurrence: Accepted, when
	// positive, replaces the standard (an accepted overclaim); Decision says
	// in Chinese who decided what, for the ledger.
	Accepted Hours
	Decision string

	// Filled by the policy engine.
	Standard  Hours  // what the facts earn under the type's rule
	Bonus     Hours  // role bonus, outside the participation cap
	Credited  Hours  // counted toward the standing (0 unless Status.Counts)
	Capped    Hours  // cut by a per-year cap
	Pending   Hours  // what would count once evidence arrives
	WholeYear bool   // a whole-year completion (types 11, 20, 23)
	Rule      string // the rule applied, in Chinese, for the ledger
	CapNote   string // why a cap cut hours, in Chinese; "" when none

	Flags []Flag
}

// Flag is one finding about an occurrence or a person-year.
type Flag struct {
	Code     FlagCode    `json:"code"`
	Severity Severity    `json:"severity"`
	Message  string      `json:"message"` // Chinese, for the person who acts
	Action   string      `json:"action"`  // Chinese: what to do about it
	Sources  []SourceRef `json:"sources"`
}

// CategoryHours is a number of hours per category with their sum.
type CategoryHours struct {
	A     Hours `json:"A"`
	B     Hours `json:"B"`
	C     Hours `json:"C"`
	Total Hours `json:"total"`
}

// Add adds h hours of category c and keeps Total in step.
func (ch *CategoryHours) Add(c Category, h Hours) {
	switch c {
	case CatA:
		ch.A += h
	case CatB:
		ch.B += h
	case CatC:
		ch.C += h
	}
	ch.Total += h
}

// Missing is what a person still lacks: total, category A and B+C.
type Missing struct {
	Total Hours `json:"total"`
	A     Hours `json:"A"`
	BC    Hours `json:"BC"`
}

// StandingStatus is the verdict on one person-year (DESIGN §5).
type StandingStatus string

// The standing statuses.
const (
	StandingCompliant StandingStatus = "compliant"
	StandingShort     StandingStatus = "short"
	StandingAtRisk    StandingStatus = "at-risk"
	StandingExempt    StandingStatus = "exempt"
)

// Standing is one person's position for one academic year.
type Standing struct {
	StaffNo   string         `json:"staff_no"`
	Name      string         `json:"name"`
	UnitCode  string         `json:"unit"`
	Year      Year           `json:"year"`
	Status    StandingStatus `json:"status"`
	WholeYear bool           `json:"whole_year"`
	Hours     CategoryHours  `json:"hours"`
	Pending   CategoryHours  `json:"pending"`
	Capped    Hours          `json:"capped"`
	Missing   Missing        `json:"missing"`
	// IfConfirmed is the status the person would have if every pending
	// hour were confirmed.
	IfConfirmed StandingStatus `json:"if_confirmed"`
	Profile     string         `json:"profile"`
}

// Discrepancy is a flag given an identity stable across runs, so that
// reports can say what is new and what was resolved, and a reviewer's
// decision sticks to it.
type Discrepancy struct {
	ID        string      `json:"id"`
	Code      FlagCode    `json:"code"`
	Severity  Severity    `json:"severity"`
	StaffNo   string      `json:"staff_no"`
	UnitCode  string      `json:"unit"`
	Year      Year        `json:"year"`
	Subject   string      `json:"-"` // the occurrence key or other subject it is about
	Message   string      `json:"message"`
	Action    string      `json:"action"`
	Status    string      `json:"status"` // open | resolved
	FirstSeen Date        `json:"first_seen"`
	Sources   []SourceRef `json:"sources"`

	// A reviewer's decision, if any.
	Resolution string `json:"resolution,omitempty"` // accepted | rejected
	Note       string `json:"note,omitempty"`
	DecidedBy  string `json:"decided_by,omitempty"`
}
