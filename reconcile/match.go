package reconcile

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DefaultTitleSimilarity is the title similarity at or above which two
// records of the same type, role and dates are taken for one activity when
// the configuration sets none.
const DefaultTitleSimilarity = 0.6

// Matcher groups one person's records of one academic year into
// occurrences (DESIGN §5).
//
// Two records describe the same activity when they have the same role
// (the empty role is a participant) and either the same event code, or
// the same type, start dates at most one day apart and titles whose
// character-bigram Dice similarity, punctuation, spaces and letter case
// ignored, is at least Threshold. Records with different roles are never
// one occurrence.
//
// Within one source kind the test is stricter, because two rows of one
// kind one day apart are usually two sessions, not one activity twice: the
// records must also share their start date (and, without an event code,
// their end date). Such rows of one kind are the same activity reported
// twice (a person signed in twice, a claim submitted twice): the
// occurrence is flagged duplicate and counted once.
//
// Records are taken strongest first (see Strength); each joins the best
// occurrence it matches, or starts its own. An occurrence is never merged
// with another, so a chain of records each a day apart cannot collapse a
// week of sessions into one.
type Matcher struct {
	Threshold float64 // 0 means DefaultTitleSimilarity
}

// Strength ranks a record as a source of facts: 0 is strongest. An
// approved unit-sheet record comes first, then attendance, then an
// approved claim, then a unit-sheet record not yet reviewed, then a claim
// not yet reviewed, then rejected records; other kinds come last.
func Strength(r *Record) int {
	switch {
	case r.Source.Kind == KindUnitSheet && r.Review == ReviewApproved:
		return 0
	case r.Source.Kind == KindAttendance:
		return 1
	case r.Source.Kind == KindClaims && r.Review == ReviewApproved:
		return 2
	case r.Source.Kind == KindUnitSheet && r.Review == ReviewPending:
		return 3
	case r.Source.Kind == KindClaims && r.Review == ReviewPending:
		return 4
	case r.Source.Kind == KindUnitSheet || r.Source.Kind == KindClaims:
		return 5
	}
	return 6
}

// matchItem is a record with what matching needs precomputed.
type matchItem struct {
	rec      *Record
	strength int
	title    string   // normalised title
	grams    []uint64 // sorted, distinct character bigrams of title
	role     Role
}

// Group returns the occurrences of staffNo's records in year y. Records
// must all belong to that person and year. Each occurrence has its
// Records (strongest first); its facts and Stated, each from the
// strongest record that states it (dates as a pair; a zero value states
// nothing, so an attendance list without a category takes the claim's);
// a Key (see OccurrenceKey) unique within the result; and the duplicate
// and hours-mismatch flags; Status is left for the evidence step.
// Occurrences are returned in order of Start, then Key; the result does
// not depend on the order of recs.
func (m Matcher) Group(staffNo string, y Year, recs []Record) []*Occurrence {
	store := make([]matchItem, len(recs))
	items := make([]*matchItem, len(recs))
	for i := range recs {
		r := &recs[i]
		t := NormalizeTitle(r.Title)
		store[i] = matchItem{rec: r, strength: Strength(r), title: t,
			grams: bigrams(t), role: roleOrParticipant(r.Role)}
		items[i] = &store[i]
	}
	slices.SortFunc(items, compareItems)

	// Each record joins the best occurrence it matches, strongest first.
	var groups [][]*matchItem
	for _, it := range items {
		best, bestScore := -1, matchScore{}
		for g, members := range groups {
			if s, ok := m.fits(it, members); ok && (best < 0 || s.better(bestScore)) {
				best, bestScore = g, s
			}
		}
		if best < 0 {
			groups = append(groups, []*matchItem{it})
			continue
		}
		groups[best] = append(groups[best], it)
	}

	// Facts, keys and the flags of matching.
	occs := make([]*Occurrence, len(groups))
	for i, members := range groups {
		occs[i] = newOccurrence(staffNo, y, members)
	}
	uniqueKeys(occs)
	slices.SortFunc(occs, func(a, b *Occurrence) int {
		return cmp.Or(a.Start.Compare(b.Start), strings.Compare(a.Key, b.Key))
	})
	return occs
}

// compareItems orders records strongest first, then by their facts, so
// that grouping does not depend on input order.
func compareItems(a, b *matchItem) int {
	ra, rb := a.rec, b.rec
	if c := cmp.Compare(a.strength, b.strength); c != 0 {
		return c
	}
	if c := ra.Start.Compare(rb.Start); c != 0 {
		return c
	}
	if c := strings.Compare(a.title, b.title); c != 0 {
		return c
	}
	return cmp.Or(
		ra.End.Compare(rb.End),
		strings.Compare(ra.EventCode, rb.EventCode),
		cmp.Compare(ra.Type, rb.Type),
		strings.Compare(string(a.role), string(b.role)),
		cmp.Compare(ra.Hours, rb.Hours),
		strings.Compare(ra.Source.File, rb.Source.File),
		strings.Compare(ra.Source.Sheet, rb.Source.Sheet),
		cmp.Compare(ra.Source.Row, rb.Source.Row),
		strings.Compare(ra.Title, rb.Title),
		cmp.Compare(ra.ID, rb.ID),
	)
}

// matchScore says how well a record matches an occurrence.
type matchScore struct {
	code bool    // an event code in common
	days int     // days between the start dates
	sim  float64 // title similarity
}

func (s matchScore) better(o matchScore) bool {
	if s.code != o.code {
		return s.code
	}
	if s.days != o.days {
		return s.days < o.days
	}
	return s.sim > o.sim
}

// fits reports whether it may join the occurrence of members, and how
// well: it must match one member and contradict no member of its own kind.
func (m Matcher) fits(it *matchItem, members []*matchItem) (matchScore, bool) {
	if it.role != members[0].role {
		return matchScore{}, false
	}
	var best matchScore
	found := false
	for _, o := range members {
		s, ok := m.pair(it, o)
		sameKind := o.rec.Source.Kind == it.rec.Source.Kind
		if sameKind && !ok {
			return matchScore{}, false
		}
		if ok && (!found || s.better(best)) {
			best, found = s, true
		}
	}
	return best, found
}

// pair reports whether two records of one role describe the same
// activity, by the rule for records of one kind or of two.
func (m Matcher) pair(a, b *matchItem) (matchScore, bool) {
	ra, rb := a.rec, b.rec
	sameKind := ra.Source.Kind == rb.Source.Kind
	if ra.EventCode != "" && ra.EventCode == rb.EventCode {
		days := dayGap(ra.Start, rb.Start)
		if sameKind && days != 0 {
			return matchScore{}, false
		}
		return matchScore{code: true, days: days, sim: dice(a.grams, b.grams)}, true
	}
	if ra.EventCode != "" && rb.EventCode != "" {
		return matchScore{}, false // two different events
	}
	if ra.Type != rb.Type {
		return matchScore{}, false
	}
	days := dayGap(ra.Start, rb.Start)
	if days > 1 || (sameKind && (days != 0 || ra.End != rb.End)) {
		return matchScore{}, false
	}
	sim := titleSimilarity(a, b)
	if sim < m.threshold() {
		return matchScore{}, false
	}
	return matchScore{days: days, sim: sim}, true
}

// dayGap returns the number of days between two dates, never negative.
func dayGap(a, b Date) int {
	if a.Y == b.Y && a.M == b.M {
		return max(a.D-b.D, b.D-a.D)
	}
	n := a.DaysUntil(b)
	return max(n, -n)
}

func (m Matcher) threshold() float64 {
	if m.Threshold <= 0 {
		return DefaultTitleSimilarity
	}
	return m.Threshold
}

// newOccurrence builds the occurrence of one group of matched records.
func newOccurrence(staffNo string, y Year, members []*matchItem) *Occurrence {
	o := &Occurrence{StaffNo: staffNo, Year: y, Records: make([]Record, len(members))}
	for i, it := range members {
		o.Records[i] = *it.rec
	}
	occurrenceFacts(o)
	titles := make([]string, len(members))
	for i, it := range members {
		titles[i] = it.title
	}
	o.Key = occurrenceKey(o, titles)
	flagDuplicates(o)
	flagHoursMismatch(o)
	return o
}

// occurrenceFacts fills o's facts from its records, which are strongest
// first: each fact comes from the strongest record that states it (a
// zero value states nothing), the dates as a pair.
func occurrenceFacts(o *Occurrence) {
	for i := range o.Records {
		r := &o.Records[i]
		if o.Start.IsZero() && !r.Start.IsZero() {
			o.Start, o.End = r.Start, r.End
		}
		o.Type = cmp.Or(o.Type, r.Type)
		o.Title = cmp.Or(o.Title, r.Title)
		o.Category = cmp.Or(o.Category, r.Category)
		o.Role = cmp.Or(o.Role, r.Role)
		o.Days = cmp.Or(o.Days, r.Days)
		o.Count = cmp.Or(o.Count, r.Count)
		o.Level = cmp.Or(o.Level, r.Level)
		o.Share = cmp.Or(o.Share, r.Share)
		o.Stated = cmp.Or(o.Stated, r.Hours)
	}
	if o.End.IsZero() {
		o.End = o.Start
	}
}

// OccurrenceKey returns the key of o: "O-" and 16 hex digits of a hash
// of the person, the year, the role and the identity of one chosen record
// — its event code when it has one, else its type, start date and
// normalised title. Hours, category, count, review and file positions are
// left out, so re-importing a file with such a field corrected keeps the
// key.
//
// The chosen record is the person's own claim when there is one, else a
// unit-sheet record, else an attendance record (within a kind, the
// earliest, then the smallest title). A claim usually exists before the
// evidence that later verifies it, so the key of a claimed activity stays
// put when attendance or a unit sheet arrives. An activity first seen on
// a sign-in list or unit sheet and claimed later changes key once, when
// the claim arrives; its unclaimed-attendance flag is resolved then
// anyway.
func OccurrenceKey(o *Occurrence) string {
	titles := make([]string, len(o.Records))
	for i := range o.Records {
		titles[i] = NormalizeTitle(o.Records[i].Title)
	}
	return occurrenceKey(o, titles)
}

// occurrenceKey is OccurrenceKey with the records' normalised titles.
func occurrenceKey(o *Occurrence, titles []string) string {
	kindOrder := []SourceKind{KindClaims, KindUnitSheet, KindAttendance}
	var pick *Record
	var pickID string
	pickRank := len(kindOrder)
	for i := range o.Records {
		r := &o.Records[i]
		rank := slices.Index(kindOrder, r.Source.Kind)
		if rank < 0 {
			rank = len(kindOrder)
		}
		if pick != nil && rank > pickRank {
			continue
		}
		id := identity(r, titles[i])
		if pick == nil || rank < pickRank ||
			cmp.Or(r.Start.Compare(pick.Start), strings.Compare(id, pickID)) < 0 {
			pick, pickID, pickRank = r, id, rank
		}
	}
	if pick == nil {
		return hashKey("O-", o.StaffNo, strconv.Itoa(int(o.Year)))
	}
	return hashKey("O-", o.StaffNo, strconv.Itoa(int(o.Year)),
		string(roleOrParticipant(pick.Role)), pickID)
}

// recordIdentity is what identifies the activity a record describes.
func recordIdentity(r *Record) string { return identity(r, NormalizeTitle(r.Title)) }

// identity is recordIdentity given the record's normalised title.
func identity(r *Record, title string) string {
	if r.EventCode != "" {
		return "event:" + NormalizeTitle(r.EventCode)
	}
	return "type:" + strconv.Itoa(r.Type) + "|" + r.Start.String() + "|" + title
}

// uniqueKeys makes keys unique within one person-year: where several
// occurrences share a key (two sessions of one event code on two days),
// each after the earliest gets "-2", "-3" … in order of Start, then its
// facts.
func uniqueKeys(occs []*Occurrence) {
	byKey := slices.Clone(occs)
	slices.SortFunc(byKey, func(a, b *Occurrence) int {
		if c := strings.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		return cmp.Or(a.Start.Compare(b.Start), a.End.Compare(b.End),
			strings.Compare(NormalizeTitle(a.Title), NormalizeTitle(b.Title)),
			cmp.Compare(a.Type, b.Type), cmp.Compare(a.Stated, b.Stated),
			compareSource(a.Records[0].Source, b.Records[0].Source))
	})
	for i := 1; i < len(byKey); i++ {
		base := byKey[i-1].Key
		for n := 2; i < len(byKey) && byKey[i].Key == base; i, n = i+1, n+1 {
			byKey[i].Key = base + "-" + strconv.Itoa(n)
		}
	}
}

// flagDuplicates flags an occurrence that one source kind reports more
// than once.
func flagDuplicates(o *Occurrence) {
	var srcs []SourceRef
	var kindNames []string
	for i, r := range o.Records {
		k := r.Source.Kind
		if slices.ContainsFunc(o.Records[:i], func(p Record) bool { return p.Source.Kind == k }) {
			continue // counted at its first record
		}
		n := 0
		for _, q := range o.Records[i:] {
			if q.Source.Kind == k {
				n++
			}
		}
		if n < 2 {
			continue
		}
		for _, q := range o.Records[i:] {
			if q.Source.Kind == k {
				srcs = append(srcs, q.Source)
			}
		}
		kindNames = append(kindNames, KindName(k)+strconv.Itoa(n)+"次")
	}
	if len(srcs) > 0 {
		o.Flags = append(o.Flags, NewFlag(FlagDuplicate, strings.Join(kindNames, "，"), srcs))
	}
}

// flagHoursMismatch flags an occurrence whose sources state different
// hours.
func flagHoursMismatch(o *Occurrence) {
	var srcs []SourceRef
	var parts []string
	var values []Hours
	for _, r := range o.Records {
		if r.Hours <= 0 {
			continue
		}
		srcs = append(srcs, r.Source)
		parts = append(parts, KindName(r.Source.Kind)+r.Hours.String()+"学时")
		if !slices.Contains(values, r.Hours) {
			values = append(values, r.Hours)
		}
	}
	if len(values) > 1 {
		o.Flags = append(o.Flags, NewFlag(FlagHoursMismatch, strings.Join(parts, "，"), srcs))
	}
}

// NormalizeTitle returns s with spaces, punctuation and symbols removed,
// full-width letters and digits made half-width and letters lower-case:
// the form titles are compared in.
func NormalizeTitle(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r >= 0x4E00 && r <= 0x9FFF { // CJK ideographs: kept as they are
			b.WriteRune(r)
			continue
		}
		if r >= 0xFF01 && r <= 0xFF5E {
			r -= 0xFEE0
		}
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsControl(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// TitleSimilarity returns the Dice coefficient of the sets of character
// bigrams of two titles after NormalizeTitle, from 0 (nothing in common)
// to 1. Titles of one character are similar only when equal.
func TitleSimilarity(a, b string) float64 {
	na, nb := NormalizeTitle(a), NormalizeTitle(b)
	return titleSimilarity(&matchItem{title: na, grams: bigrams(na)},
		&matchItem{title: nb, grams: bigrams(nb)})
}

func titleSimilarity(a, b *matchItem) float64 {
	if a.title == b.title {
		return 1
	}
	return dice(a.grams, b.grams)
}

// bigrams returns the sorted, distinct bigrams of s, each packed as two
// runes in one uint64.
func bigrams(s string) []uint64 {
	n := utf8.RuneCountInString(s)
	if n < 2 {
		return nil
	}
	out := make([]uint64, 0, n-1)
	prev := rune(-1)
	for _, r := range s {
		if prev >= 0 {
			out = append(out, uint64(prev)<<32|uint64(r))
		}
		prev = r
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// dice returns 2|a∩b| / (|a|+|b|) of two sorted sets.
func dice(a, b []uint64) float64 {
	if len(a)+len(b) == 0 {
		return 0
	}
	common := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			common++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return 2 * float64(common) / float64(len(a)+len(b))
}

func roleOrParticipant(r Role) Role {
	if r == "" {
		return RoleParticipant
	}
	return r
}

// hashKey returns prefix and the first 16 hex digits of the SHA-256 of
// parts joined by a separator no part contains.
func hashKey(prefix string, parts ...string) string {
	var buf [512]byte
	b := buf[:0]
	for i, p := range parts {
		if i > 0 {
			b = append(b, 0x1f)
		}
		b = append(b, p...)
	}
	sum := sha256.Sum256(b)
	var out [16]byte
	hex.Encode(out[:], sum[:8])
	return prefix + string(out[:])
}

func compareSource(a, b SourceRef) int {
	return cmp.Or(strings.Compare(string(a.Kind), string(b.Kind)),
		strings.Compare(a.File, b.File), strings.Compare(a.Sheet, b.Sheet),
		cmp.Compare(a.Row, b.Row))
}
