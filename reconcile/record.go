// Package reconcile is the domain of cehours: the policy on
// continuing-education hours and the reconciliation of the sources that
// report them. It holds the vocabulary (staff, record, occurrence, rule,
// discrepancy, standing) and the arithmetic, and knows nothing of
// databases, spreadsheets or mail: adapters hand it records and store what
// it returns.
package reconcile

// SourceKind names the kind of file a record came from.
type SourceKind string

// The file kinds. Roster and units describe people and units; the other
// three carry activity records.
const (
	KindRoster      SourceKind = "roster"
	KindUnits       SourceKind = "units"
	KindAttendance  SourceKind = "attendance"
	KindUnitSheet   SourceKind = "unit-sheet"
	KindClaims      SourceKind = "claims"
	KindResolutions SourceKind = "resolutions"
)

// Category is a subject category of the policy: A 专业科目, B 行业公需科目,
// C 一般公需科目. The empty Category means "not stated".
type Category string

// The three categories.
const (
	CatA Category = "A"
	CatB Category = "B"
	CatC Category = "C"
)

// Role is what a person did at an activity. The empty Role is a
// participant.
type Role string

// The roles of DESIGN §2.3 with their Chinese spellings listed in
// RoleNames.
const (
	RoleParticipant Role = "participant"
	RoleConvener    Role = "convener"
	RoleSpeaker     Role = "speaker"
	RoleHost        Role = "host"
	RoleMember      Role = "member"
	RoleMentor      Role = "mentor"
	RoleAsking      Role = "asking"
	RoleAnswering   Role = "answering"
)

// Level is the level of a project or an award.
type Level string

// The levels; the empty Level means "not stated".
const (
	LevelSchool     Level = "school"
	LevelProvincial Level = "provincial"
	LevelNational   Level = "national"
)

// Review is the review result a unit sheet or a claims export states.
type Review string

// The review results. The empty Review means "not yet reviewed".
const (
	ReviewPending  Review = ""
	ReviewApproved Review = "approved"
	ReviewRejected Review = "rejected"
)

// SourceRef locates a row in an imported file: what a message to a person
// cites so that they can find the row.
type SourceRef struct {
	Kind  SourceKind `json:"kind"`
	File  string     `json:"file"`
	Sheet string     `json:"sheet"`
	Row   int        `json:"row"`
}

// Record is one row of an activity file (attendance, unit sheet or claims)
// as the importers read it: the facts it states, normalised, and where it
// came from. Zero values mean "not stated" unless a field says otherwise.
type Record struct {
	ID     int64 // the store's id; 0 before it is stored
	FileID int64
	Source SourceRef

	StaffNo  string
	Name     string
	UnitCode string

	EventCode string
	Title     string
	Type      int    // activity type number; 0 when TypeRaw named no known type
	TypeRaw   string // the type as written, kept for unclassified records
	Category  Category
	Role      Role
	Start     Date
	End       Date // equal to Start for a one-day activity
	Days      int  // 天数; 0 means "count the dates, both ends included"
	Count     int  // 次数 (sessions, courses, questions …); 0 means 1
	Level     Level
	Share     int   // 分摊比例 in parts per 10,000; 0 means the whole
	Hours     Hours // hours the source states (claimed or approved); 0 = none
	Year      Year  // explicit 学年 column; 0 = none
	Organiser string
	Evidence  string // certificate number or other document reference
	Review    Review

	// Flags raised while importing (unknown-staff, name-mismatch,
	// unclassified-activity); reconciliation adds its own.
	Flags []FlagCode

	// Extra holds the values of the row's columns that name no known
	// field, keyed by their header as written; nil when there are none.
	Extra map[string]string
}

// Staff is one person of the roster.
type Staff struct {
	No       string `json:"staff_no"`
	Name     string `json:"name"`
	UnitCode string `json:"unit"`
	Email    string `json:"email"`
	Teacher  bool   `json:"teacher"`
	Series   string `json:"series"` // 职称系列; selects a requirement profile
	Birth    Date   `json:"birth_date"`
	Hired    Date   `json:"hire_date"`
	Left     Date   `json:"leave_date"`
}

// Unit is an 二级单位 with its heads, who receive its reports.
type Unit struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Heads []Head `json:"heads"`
}

// Head is a person who receives a unit's reports.
type Head struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// UnitTotal is one row of a unit's per-person summary: the A, B and C
// totals a unit reports for a person and year, compared with the computed
// standing.
type UnitTotal struct {
	StaffNo  string
	UnitCode string
	Year     Year
	A, B, C  Hours
	Source   SourceRef
}

// Resolution is a reviewer's decision on a discrepancy.
type Resolution struct {
	DiscrepancyID string
	Accepted      bool // true: accepted (认可); false: rejected (不认可)
	Note          string
	By            string // who decided: a user name or "unit:U01"
	At            Date
}
