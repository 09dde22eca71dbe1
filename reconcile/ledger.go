package reconcile

// LedgerLine is one occurrence as the ledger shows it: what the person
// did, which rule gave how many hours, what a cap cut, where the facts came
// from and who decided what.
type LedgerLine struct {
	Type          int         `json:"type"`
	Title         string      `json:"title"`
	Start         Date        `json:"start"`
	End           Date        `json:"end"`
	Category      Category    `json:"category"`
	Role          Role        `json:"role"`
	Status        Status      `json:"status"`
	StandardHours Hours       `json:"standard_hours"`
	Bonus         Hours       `json:"bonus"`
	Credited      Hours       `json:"credited"`
	Capped        Hours       `json:"capped"`
	Pending       Hours       `json:"pending"`
	WholeYear     bool        `json:"whole_year,omitempty"`
	Rule          string      `json:"rule"`
	CapNote       string      `json:"cap_note,omitempty"`
	Decision      string      `json:"decision,omitempty"`
	Flags         []FlagCode  `json:"flags"`
	Sources       []SourceRef `json:"sources"`
}

// Ledger returns the ledger lines of occurrences, in their order.
func Ledger(occs []*Occurrence) []LedgerLine {
	lines := make([]LedgerLine, 0, len(occs))
	for _, o := range occs {
		l := LedgerLine{
			Type: o.Type, Title: o.Title, Start: o.Start, End: o.End,
			Category: o.Category, Role: o.Role, Status: o.Status,
			StandardHours: o.Standard, Bonus: o.Bonus, Credited: o.Credited,
			Capped: o.Capped, Pending: o.Pending, WholeYear: o.WholeYear,
			Rule: o.Rule, CapNote: o.CapNote, Decision: o.Decision,
			Flags: []FlagCode{}, Sources: make([]SourceRef, 0, len(o.Records)),
		}
		for _, f := range o.Flags {
			l.Flags = append(l.Flags, f.Code)
		}
		for _, r := range o.Records {
			l.Sources = append(l.Sources, r.Source)
		}
		lines = append(lines, l)
	}
	return lines
}
