package importers

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"cehours/reconcile"
)

// Field is the meaning of a column, named by a stable English key that
// configuration uses to add aliases (importers.aliases.staff_no: [...]).
type Field string

// The fields of DESIGN §4.
const (
	FStaffNo    Field = "staff_no"
	FName       Field = "name"
	FUnit       Field = "unit"
	FUnitCode   Field = "unit_code"
	FEmail      Field = "email"
	FStaffKind  Field = "staff_kind"
	FSeries     Field = "series"
	FBirth      Field = "birth_date"
	FHire       Field = "hire_date"
	FLeave      Field = "leave_date"
	FHead       Field = "head"
	FHeadEmail  Field = "head_email"
	FEventCode  Field = "event_code"
	FTitle      Field = "title"
	FType       Field = "type"
	FCategory   Field = "category"
	FStart      Field = "start"
	FEnd        Field = "end"
	FDate       Field = "date" // a lone date column: start and end
	FDays       Field = "days"
	FCount      Field = "count"
	FLevel      Field = "level"
	FShare      Field = "share"
	FRole       Field = "role"
	FHours      Field = "hours"
	FYear       Field = "year"
	FOrganiser  Field = "organiser"
	FEvidence   Field = "evidence"
	FReview     Field = "review"
	FResolution Field = "resolution"
	FTotalA     Field = "total_a"
	FTotalB     Field = "total_b"
	FTotalC     Field = "total_c"
)

// Aliases maps a field to extra header texts that name it, on top of the
// built-in ones; it comes from configuration.
type Aliases map[Field][]string

// commonAliases are the header texts every kind recognises.
var commonAliases = map[Field][]string{
	FStaffNo:  {"工号", "职工号", "人员编号", "教工号", "员工编号", "staff_no", "职工编号", "教职工号"},
	FName:     {"姓名", "名字", "name", "教师姓名", "职工姓名"},
	FUnit:     {"单位", "单位名称", "所在单位", "部门", "学院", "二级单位", "unit", "所在部门"},
	FUnitCode: {"单位编码", "单位代码", "unit_code", "部门编码", "部门代码"},
	FEmail:    {"邮箱", "电子邮箱", "电子邮件", "email", "e-mail"},
}

// rosterAliases are the header texts of a roster.
var rosterAliases = map[Field][]string{
	FStaffKind: {"人员类别", "人员类型", "类别"},
	FSeries:    {"职称系列", "系列"},
	FBirth:     {"出生日期", "出生年月"},
	FHire:      {"入职日期", "来校时间", "入校时间"},
	FLeave:     {"离职日期", "离校时间"},
}

// unitsAliases are the header texts of a units list.
var unitsAliases = map[Field][]string{
	FHead:      {"负责人", "单位负责人"},
	FHeadEmail: {"负责人邮箱", "负责人电子邮箱"},
}

// activityAliases are the header texts of attendance, unit sheets,
// claims and resolutions.
var activityAliases = map[Field][]string{
	FEventCode:  {"活动编号", "项目编号", "活动代码"},
	FTitle:      {"活动名称", "培训名称", "项目名称", "培训内容", "内容"},
	FType:       {"项目序号", "类型序号", "培训项目", "项目类型"},
	FCategory:   {"科目类型", "科目类别", "科目", "类别"},
	FStart:      {"开始日期", "起始日期", "开始时间"},
	FEnd:        {"结束日期", "截止日期", "结束时间"},
	FDate:       {"日期", "时间", "培训时间", "活动日期", "活动时间"},
	FDays:       {"天数", "培训天数"},
	FCount:      {"次数", "数量", "门数"},
	FLevel:      {"级别", "项目级别"},
	FShare:      {"分摊比例", "比例"},
	FRole:       {"角色", "身份", "参与身份"},
	FHours:      {"学时", "学时数", "申报学时", "认定学时"},
	FYear:       {"学年"},
	FOrganiser:  {"组织单位", "主办单位", "举办单位"},
	FEvidence:   {"证明材料", "证书编号", "佐证材料"},
	FReview:     {"审核结果", "审核状态", "审核意见"},
	FResolution: {"处理意见"},
	FTotalA:     {"a类学时", "专业科目学时", "专业科目", "a类"},
	FTotalB:     {"b类学时", "行业公需科目学时", "行业公需科目", "b类"},
	FTotalC:     {"c类学时", "一般公需科目学时", "一般公需科目", "c类"},
}

// aliasTable returns the header text → field table of a kind, with the
// configured extra aliases added.
func aliasTable(kind reconcile.SourceKind, extra Aliases) map[string]Field {
	t := map[string]Field{}
	add := func(m map[Field][]string) {
		for f, names := range m {
			for _, n := range names {
				t[headerKey(n)] = f
			}
		}
	}
	add(commonAliases)
	switch kind {
	case reconcile.KindRoster:
		add(rosterAliases)
	case reconcile.KindUnits:
		add(unitsAliases)
	default:
		add(activityAliases)
	}
	add(extra)
	return t
}

// parenthesised matches a note in brackets after a header ("学时（小时）").
var parenthesised = regexp.MustCompile(`\([^)]*\)|\[[^\]]*\]`)

// headerKey normalises a header cell for matching: folded, lower-case, no
// spaces, no required-field stars, no bracketed notes.
func headerKey(s string) string {
	t := strings.ToLower(squeeze(fold(s)))
	t = strings.Trim(t, "*＊:")
	if strings.ContainsAny(t, "([") {
		t = parenthesised.ReplaceAllString(t, "")
	}
	return t
}

// column is one column of a header row.
type column struct {
	Text   string // as written in the file
	Field  Field  // "" when unknown: its values are kept as extra data
	Ignore bool   // a 序号 column: row numbers, neither a field nor extra
}

// header is a recognised header row of a sheet.
type header struct {
	Row  int
	Cols []column
	idx  map[Field]int
}

// has reports whether the header has a column for f.
func (h *header) has(f Field) bool { _, ok := h.idx[f]; return ok }

// newHeader maps the cells of one row; it returns the header and the
// number of distinct known fields in it.
func newHeader(row int, cells []string, table map[string]Field) (*header, int) {
	h := &header{Row: row, idx: map[Field]int{}}
	for i, c := range cells {
		f := table[headerKey(c)]
		if _, dup := h.idx[f]; f != "" && dup {
			f = ""
		}
		if f != "" {
			h.idx[f] = i
		}
		h.Cols = append(h.Cols, column{Text: strings.TrimSpace(c), Field: f,
			Ignore: headerKey(c) == "序号"})
	}
	return h, len(h.idx)
}

// isHeaderFor reports whether h names enough columns to be the header of
// a file of kind: a roster needs 工号, a units list 单位编码 or 单位, any
// activity file a 工号 or a 姓名; and at least two known columns.
func (h *header) isHeaderFor(kind reconcile.SourceKind) bool {
	if len(h.idx) < 2 {
		return false
	}
	switch kind {
	case reconcile.KindRoster:
		return h.has(FStaffNo)
	case reconcile.KindUnits:
		return h.has(FUnitCode) || h.has(FUnit)
	}
	return h.has(FStaffNo) || h.has(FName)
}

// isUnitTotals reports whether an activity header is that of a unit's
// per-person summary: category totals and no activity columns.
func (h *header) isUnitTotals() bool {
	hasTotals := h.has(FTotalA) || h.has(FTotalB) || h.has(FTotalC)
	activity := h.has(FType) || h.has(FTitle) || h.has(FStart) || h.has(FDate) || h.has(FEventCode)
	return hasTotals && !activity
}

// kvKeys are the keys of a key-value block above a sign-in table, mapped
// to the field each gives every row.
var kvFields = map[Field]bool{
	FTitle: true, FDate: true, FStart: true, FEnd: true, FOrganiser: true,
	FEventCode: true, FType: true, FCategory: true, FHours: true, FUnit: true,
	FUnitCode: true, FYear: true, FRole: true, FLevel: true, FDays: true,
}

// kvPair is a value of a key-value block and its key as written.
type kvPair struct{ Key, Value string }

// parseKV reads "键：值" pairs from the cells of a row above the header:
// "活动名称：师德培训" in one cell, "活动名称：" followed by the value in
// the next cell, or several pairs in one cell separated by spaces. Keys
// that name no activity field are ignored.
func parseKV(cells []string, table map[string]Field, into map[Field]kvPair) {
	for i := 0; i < len(cells); i++ {
		for _, seg := range kvSegments(fold(cells[i])) {
			k, v, ok := cutColon(seg)
			if !ok {
				continue
			}
			f := table[headerKey(k)]
			if !kvFields[f] {
				continue
			}
			v = strings.TrimSpace(v)
			if v == "" && i+1 < len(cells) && !strings.ContainsAny(cells[i+1], ":：") {
				v = strings.TrimSpace(cells[i+1])
			}
			if v != "" {
				into[f] = kvPair{Key: strings.TrimSpace(k), Value: v}
			}
		}
	}
}

// kvSegments splits a cell into "key:value" segments: a space-separated
// word without a colon belongs to the value before it.
func kvSegments(s string) []string {
	var segs []string
	for _, w := range strings.Fields(s) {
		if strings.Contains(w, ":") || len(segs) == 0 {
			segs = append(segs, w)
			continue
		}
		segs[len(segs)-1] += " " + w
	}
	return segs
}

func cutColon(s string) (k, v string, ok bool) {
	i := strings.Index(s, ":")
	if i <= 0 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

// titleYear finds an academic year named in a title row such as
// "2024-2025学年继续教育学时统计表".
var titleYear = regexp.MustCompile(`(\d{4})\s*[-—–~至/]\s*(\d{2,4})\s*学年`)

// totalsRow reports whether a row is a totals row (合计, 总计, 小计): its
// first non-empty cell, spaces removed, starts with one of those words.
func totalsRow(cells []string) bool {
	for _, c := range cells {
		t := squeeze(fold(c))
		if t == "" {
			continue
		}
		return strings.HasPrefix(t, "合计") || strings.HasPrefix(t, "总计") ||
			strings.HasPrefix(t, "小计") || strings.HasPrefix(t, "总合计")
	}
	return false
}

// blankRow reports whether every cell of a row is empty or spaces.
func blankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" && fold(c) != "" {
			return false
		}
	}
	return true
}

// fieldLabel returns the Chinese canonical header of f, for messages about
// a value that is missing.
func fieldLabel(f Field) string {
	for _, m := range []map[Field][]string{commonAliases, rosterAliases, unitsAliases, activityAliases} {
		if names, ok := m[f]; ok {
			return names[0]
		}
	}
	return string(f)
}

// ErrAliasKey is the cause of an alias configured for no known column.
var ErrAliasKey = errors.New("not a known column")

// ParseAliases reads the configured extra column names, keyed by a
// column's canonical Chinese header (工号, 活动名称, 开始日期 …) or by its
// English field key (staff_no, title, start …). An unknown key is an
// error wrapping ErrAliasKey.
func ParseAliases(m map[string][]string) (Aliases, error) {
	canonical := map[string]Field{}
	for _, t := range []map[Field][]string{commonAliases, rosterAliases, unitsAliases, activityAliases} {
		for f, names := range t {
			canonical[headerKey(names[0])] = f
			canonical[string(f)] = f
		}
	}
	out := Aliases{}
	for k, names := range m {
		f, ok := canonical[headerKey(k)]
		if !ok {
			return nil, fmt.Errorf("import aliases: %q: %w", k, ErrAliasKey)
		}
		out[f] = append(out[f], names...)
	}
	return out, nil
}
