package importers

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"cehours/reconcile"
)

// fold returns s with full-width letters, digits and ASCII punctuation
// narrowed (２０２４ → 2024, Ａ → A, ：→ :), the ideographic space and
// other Unicode spaces turned into ASCII spaces, and surrounding spaces
// trimmed. CJK characters are left as they are. Text with nothing to fold
// (the common case) costs one scan and no allocation.
func fold(s string) string {
	if s == "" {
		return s
	}
	if !needsFold(s) {
		return strings.TrimSpace(s)
	}
	s = width.Fold.String(s)
	s = strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError:
			return -1
		case unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff':
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// needsFold reports whether s holds a rune fold changes: a half- or
// full-width form, a non-ASCII space, a zero-width character or invalid
// UTF-8.
func needsFold(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError, r >= 0xFF00 && r <= 0xFFEF, r == 0x3000, r == 0x200b,
			r == 0xfeff, r == 0x85, r == 0xa0, r >= 0x2000 && r <= 0x200a,
			r == 0x2028, r == 0x2029, r == 0x202f, r == 0x205f, r == 0x1680:
			return true
		}
	}
	return false
}

// squeeze removes every space from s.
func squeeze(s string) string {
	if !strings.ContainsRune(s, ' ') {
		return s
	}
	return strings.ReplaceAll(s, " ", "")
}

// NormalizeName folds a person's name and removes the stray spaces people
// type inside Chinese names ("张　伟" → "张伟"). Spaces between two Latin
// letters are kept, as one space ("John  Smith" → "John Smith").
func NormalizeName(s string) string {
	s = fold(s)
	if !strings.ContainsRune(s, ' ') {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if r != ' ' {
			b.WriteRune(r)
			continue
		}
		prev, next := lastRune(b.String()), nextNonSpace(rs, i)
		if prev != ' ' && isLatin(prev) && isLatin(next) {
			b.WriteRune(' ')
		}
	}
	return b.String()
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func nextNonSpace(rs []rune, i int) rune {
	for ; i < len(rs); i++ {
		if rs[i] != ' ' {
			return rs[i]
		}
	}
	return 0
}

func isLatin(r rune) bool { return r < 0x2e80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

// NormalizeStaffNo folds a 工号 and undoes what spreadsheets do to numbers:
// "20230001.0" and "2.0230001E7" become "20230001". It does not pad lost
// leading zeros: that needs the roster (see Directory).
func NormalizeStaffNo(s string) string {
	s = squeeze(fold(s))
	if s == "" {
		return s
	}
	if whole, frac, ok := strings.Cut(s, "."); ok && allDigits(whole) && strings.Trim(frac, "0") == "" {
		return whole
	}
	if strings.ContainsAny(s, "eE") {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 && f < 1e15 && f == math.Trunc(f) {
			return strconv.FormatFloat(f, 'f', 0, 64)
		}
	}
	return s
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ErrNumber is the cause of a count, a number of days or a share that
// cannot be read.
var ErrNumber = errors.New("not a valid number")

// ParseHoursText reads hours as people write them: "4", "4.0", "4学时",
// "4 小时", "４", and float noise a spreadsheet leaves ("3.9999999999999996"
// is 4). It returns reconcile.ErrHours when the text is no number or not
// positive.
func ParseHoursText(s string) (reconcile.Hours, error) {
	t := squeeze(fold(s))
	for _, suf := range []string{"学时", "小时", "课时", "h", "H"} {
		t = strings.TrimSuffix(t, suf)
	}
	h, err := reconcile.ParseHours(t)
	if err != nil {
		f, ferr := strconv.ParseFloat(t, 64)
		r := math.Round(f * 100)
		if ferr != nil || math.IsInf(f, 0) || math.Abs(f*100-r) > 1e-6 || math.Abs(r) > 1e12 {
			return 0, fmt.Errorf("parse hours %q: %w", s, reconcile.ErrHours)
		}
		h = reconcile.Hours(r)
	}
	if h <= 0 {
		return 0, fmt.Errorf("parse hours %q: not positive: %w", s, reconcile.ErrHours)
	}
	return h, nil
}

// ParseCount reads a positive whole number such as "3", "3.0", "3次",
// "3天", "2门". It returns ErrNumber otherwise.
func ParseCount(s string) (int, error) {
	t := squeeze(fold(s))
	for _, suf := range []string{"次", "天", "日", "门", "个", "项", "本", "期"} {
		t = strings.TrimSuffix(t, suf)
	}
	if whole, frac, ok := strings.Cut(t, "."); ok && strings.Trim(frac, "0") == "" {
		t = whole
	}
	n, err := strconv.Atoi(t)
	if err != nil || n <= 0 || n > 100000 {
		return 0, fmt.Errorf("parse count %q: %w", s, ErrNumber)
	}
	return n, nil
}

// ErrShare is the cause of a share that is no fraction in (0, 1].
var ErrShare = errors.New("not a share")

// ParseShare reads a share as a fraction of one: "0.5", "50%", "1/2",
// "１／３". It returns parts per 10,000 (rounded half up), in 1–10000, or
// ErrShare.
func ParseShare(s string) (int, error) {
	t := squeeze(fold(s))
	bad := fmt.Errorf("parse share %q: %w", s, ErrShare)
	var num float64
	den := 1.0
	var err error
	switch {
	case strings.HasSuffix(t, "%"):
		num, err = strconv.ParseFloat(strings.TrimSuffix(t, "%"), 64)
		den = 100
	case strings.Contains(t, "/"):
		a, b, _ := strings.Cut(t, "/")
		num, err = strconv.ParseFloat(a, 64)
		if err == nil {
			den, err = strconv.ParseFloat(b, 64)
		}
	default:
		num, err = strconv.ParseFloat(t, 64)
	}
	if err != nil || den <= 0 || math.IsNaN(num) || math.IsInf(num, 0) || math.IsInf(den, 0) {
		return 0, bad
	}
	p := int(math.Round(num / den * 10000))
	if p <= 0 || p > 10000 {
		return 0, bad
	}
	return p, nil
}

// ErrCategory is the cause of a category that is none of A, B, C or their
// Chinese names.
var ErrCategory = errors.New("not a category")

// ParseCategory reads A/B/C (any case, "A类") or 专业科目, 行业公需科目,
// 一般公需科目 and their short forms (专业, 行业公需, 一般公需).
func ParseCategory(s string) (reconcile.Category, error) {
	t := strings.ToUpper(squeeze(fold(s)))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "类"), "科目")
	switch t {
	case "A", "专业":
		return reconcile.CatA, nil
	case "B", "行业公需":
		return reconcile.CatB, nil
	case "C", "一般公需":
		return reconcile.CatC, nil
	}
	return "", fmt.Errorf("parse category %q: %w", s, ErrCategory)
}

// ErrRole is the cause of a role no one of DESIGN §2.3's names spells.
var ErrRole = errors.New("not a known role")

// roleNames maps every Chinese and English spelling of a role.
var roleNames = map[string]reconcile.Role{
	"参加": reconcile.RoleParticipant, "参与": reconcile.RoleParticipant,
	"学员": reconcile.RoleParticipant, "参会": reconcile.RoleParticipant,
	"参加者": reconcile.RoleParticipant, "参与者": reconcile.RoleParticipant,
	"召集人": reconcile.RoleConvener, "组织者": reconcile.RoleConvener,
	"主讲人": reconcile.RoleSpeaker, "主讲": reconcile.RoleSpeaker,
	"报告人": reconcile.RoleSpeaker, "讲课教师": reconcile.RoleSpeaker,
	"主持人": reconcile.RoleHost,
	"成员":  reconcile.RoleMember, "团队成员": reconcile.RoleMember,
	"导师": reconcile.RoleMentor,
	"提问": reconcile.RoleAsking, "答复": reconcile.RoleAnswering,
}

// ParseRole reads a role by its Chinese name or its English code; a blank
// cell is a participant.
func ParseRole(s string) (reconcile.Role, error) {
	t := squeeze(fold(s))
	if t == "" {
		return reconcile.RoleParticipant, nil
	}
	if r, ok := roleNames[t]; ok {
		return r, nil
	}
	switch r := reconcile.Role(strings.ToLower(t)); r {
	case reconcile.RoleParticipant, reconcile.RoleConvener, reconcile.RoleSpeaker,
		reconcile.RoleHost, reconcile.RoleMember, reconcile.RoleMentor,
		reconcile.RoleAsking, reconcile.RoleAnswering:
		return r, nil
	}
	return "", fmt.Errorf("parse role %q: %w", s, ErrRole)
}

// ErrLevel is the cause of a level that is none of 校级, 省级, 国家级.
var ErrLevel = errors.New("not a level")

// ParseLevel reads 校级 (学校, 校), 省级 (省部级, 省) and 国家级 (国家).
func ParseLevel(s string) (reconcile.Level, error) {
	t := squeeze(fold(s))
	switch t {
	case "校级", "学校", "校", "校级项目":
		return reconcile.LevelSchool, nil
	case "省级", "省部级", "省", "省级项目", "省部级项目":
		return reconcile.LevelProvincial, nil
	case "国家级", "国家", "国家级项目":
		return reconcile.LevelNational, nil
	}
	return "", fmt.Errorf("parse level %q: %w", s, ErrLevel)
}

// ParseReview reads a review result loosely (DESIGN §3): 通过, 审核通过,
// 已通过 and 同意 approve; 不通过, 审核不通过, 未通过, 驳回 and 不同意
// reject; anything else — 待审核, 审核中, a blank cell, or a free-text
// opinion that says neither — is not yet reviewed, so that no hour is
// credited on a guess.
func ParseReview(s string) reconcile.Review {
	t := squeeze(fold(s))
	for _, neg := range []string{"不通过", "未通过", "驳回", "不同意", "退回"} {
		if strings.Contains(t, neg) {
			return reconcile.ReviewRejected
		}
	}
	for _, pos := range []string{"通过", "同意"} {
		if strings.Contains(t, pos) {
			return reconcile.ReviewApproved
		}
	}
	return reconcile.ReviewPending
}

// ErrType is the cause of an activity-type number outside the rule set.
var ErrType = errors.New("not an activity type")

// TypeNamer finds an activity type by its name in the rule set in force;
// *reconcile.RuleSet satisfies it.
type TypeNamer interface {
	TypeByName(name string) (int, bool)
}

// maxType is the highest activity-type number accepted as a number.
const maxType = 32

// ParseType reads an activity type as a number 1–32, a number followed by
// its name ("1.各类培训"、"（1）讲座"), or a name the rule set knows. A
// name it does not know returns 0 and no error: the row is stored and
// flagged unclassified-activity. A number out of range returns ErrType.
func ParseType(s string, names TypeNamer) (int, error) {
	t := squeeze(fold(s))
	t = strings.TrimLeft(t, "(（[【第")
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	if i > 0 && i <= 3 {
		n, _ := strconv.Atoi(t[:i])
		rest := strings.TrimLeft(t[i:], ")）]】项类.、:-_ ")
		if i == len(t) || rest == "" || len(rest) < len(t[i:]) {
			if n < 1 || n > maxType {
				return 0, fmt.Errorf("parse activity type %q: %w", s, ErrType)
			}
			return n, nil
		}
	}
	if names != nil {
		if n, ok := names.TypeByName(t); ok {
			return n, nil
		}
	}
	return 0, nil
}
