package reconcile

import (
	"slices"
	"strings"
)

// FlagInfo is what the catalog says of one flag code: how serious it is,
// its short Chinese name (a column value in reports), what is wrong and
// what to do about it, in words a unit secretary acts on.
type FlagInfo struct {
	Code     FlagCode
	Severity Severity
	Name     string
	Text     string
	Action   string
}

// flagCatalog holds every flag code of outcome.go, in the order of
// DESIGN §5. Errors keep hours from counting until corrected or accepted;
// warnings need a reviewer's look while the hours stay as computed; info
// explains.
var flagCatalog = []FlagInfo{
	{FlagNoAttendance, SevError, "无签到记录",
		"申报的校内活动没有签到记录，学时暂不计入",
		"请补交签到表或活动证明材料，或由单位审核认定"},
	{FlagUnclaimedAttendance, SevWarning, "有签到未申报",
		"有签到记录，但本人未申报，学时未计入",
		"如需计入，请本人申报该活动，或由单位审核认定"},
	{FlagDuplicate, SevWarning, "重复记录",
		"同一活动在同一来源中出现多次，只计一次",
		"请删除重复的签到或申报记录"},
	{FlagOverclaimed, SevWarning, "申报学时超标",
		"申报学时高于计算标准，按标准计入",
		"请按计算标准更正申报学时；确有依据的，由审核人认可"},
	{FlagHoursMismatch, SevWarning, "学时不一致",
		"签到表、单位统计表和本人申报记载的学时不一致",
		"请核对各来源，更正有误的一方"},
	{FlagCategoryNotAllowed, SevWarning, "科目类型不符",
		"科目类型未填写或不在该活动类型允许的范围内",
		"请按活动类型允许的科目类型（A、B、C）更正"},
	{FlagCapped, SevInfo, "已达上限",
		"该类活动本学年已达最高学时，超出部分不计入",
		"无需处理；如学时不足，请参加其他类型的活动"},
	{FlagCrossYear, SevInfo, "跨学年",
		"活动日期跨两个学年且未填写学年，整条计入开始日期所在学年",
		"如需计入另一学年，请在“学年”一栏注明"},
	{FlagDateOutOfYear, SevError, "日期不在学年内",
		"活动日期不在所填学年内，学时暂不计入",
		"请更正活动日期或学年"},
	{FlagFutureDate, SevError, "日期晚于今天",
		"活动开始日期晚于今天，学时暂不计入",
		"请核对活动日期；活动举行后学时自动计入"},
	{FlagUnknownStaff, SevError, "工号不在名册",
		"工号不在人事名册中，学时无法计入",
		"请核对工号；新入职人员请人事处更新名册"},
	{FlagNameMismatch, SevError, "姓名与工号不符",
		"姓名与人事名册中该工号的姓名不一致，学时暂不计入任何人",
		"请核对并更正工号或姓名；确认无误的，由审核人认可"},
	{FlagAmbiguousName, SevError, "姓名重名",
		"只有姓名没有工号，且本单位同名者不止一人，无法确定是谁",
		"请补填工号"},
	{FlagUnitRejected, SevInfo, "审核不通过",
		"单位或审核人审核不通过，学时不计入",
		"如有异议，请补充证明材料后由单位重新审核"},
	{FlagUnitTotalMismatch, SevWarning, "单位汇总不符",
		"单位汇总表的学时与逐条核算的结果不一致",
		"请核对单位汇总表与逐条记录，更正有误的一方"},
	{FlagUnclassifiedActivity, SevError, "活动类型无法识别",
		"活动类型无法识别，学时不计入",
		"请填写计算标准中的项目序号（1–32）或规范的活动类型名称"},
	{FlagSharedEvidence, SevWarning, "证明材料多人共用",
		"同一证书编号或证明材料被多人引用，学时暂按申报计入",
		"请核实证明材料是否属于本人，并提供原件备查"},
	{FlagOverlapping, SevWarning, "时间冲突",
		"与本人同期的全脱产活动（脱产进修、援派等）时间重叠，二者不可能同时进行，学时暂按申报计入",
		"请核对活动日期并提供证明材料，由审核人认定"},
	{FlagShortStudy, SevWarning, "进修不足3个月",
		"脱产进修、学习不足3个月，应按3个月以下短期进修、学习（类型21）计算",
		"请核实进修时间，并将活动类型更正为类型21"},
}

// FlagCatalog returns the catalog entry of every flag code.
func FlagCatalog() []FlagInfo { return slices.Clone(flagCatalog) }

// FlagInfoOf returns the catalog entry of code, and false when the code is
// not in the catalog.
func FlagInfoOf(code FlagCode) (FlagInfo, bool) {
	i := slices.IndexFunc(flagCatalog, func(f FlagInfo) bool { return f.Code == code })
	if i < 0 {
		return FlagInfo{}, false
	}
	return flagCatalog[i], true
}

// NewFlag returns a flag of code with the catalog's severity, text and
// action; a non-empty detail is added to the text after a colon. The
// message does not yet name the activity: Describe does, and Reconcile
// puts it in front of every occurrence flag's message.
func NewFlag(code FlagCode, detail string, sources []SourceRef) Flag {
	info, _ := FlagInfoOf(code)
	msg := info.Text
	if detail != "" {
		msg += "：" + detail
	}
	return Flag{Code: code, Severity: info.Severity, Message: msg, Action: info.Action,
		Sources: slices.Clone(sources)}
}

// Describe names an occurrence for a message: its title, dates and hours
// (the stated hours, else the standard with any bonus), e.g.
// "「教学沙龙」（2024-03-05，4学时）".
func (o *Occurrence) Describe() string {
	title := o.Title
	if title == "" {
		title = "未命名活动"
	}
	var parts []string
	switch {
	case o.Start.IsZero():
	case o.End.IsZero() || o.End == o.Start:
		parts = append(parts, o.Start.String())
	default:
		parts = append(parts, o.Start.String()+"至"+o.End.String())
	}
	if h := o.Stated; h > 0 {
		parts = append(parts, "申报"+h.String()+"学时")
	} else if h := o.Standard + o.Bonus; h > 0 {
		parts = append(parts, h.String()+"学时")
	}
	if len(parts) == 0 {
		return "「" + title + "」"
	}
	return "「" + title + "」（" + strings.Join(parts, "，") + "）"
}

// describeRecord names one record the way Describe names an occurrence.
func describeRecord(r *Record) string {
	o := Occurrence{Title: r.Title, Start: r.Start, End: r.End, Stated: r.Hours}
	return o.Describe()
}

// KindName returns the Chinese name of a source kind.
func KindName(k SourceKind) string {
	switch k {
	case KindRoster:
		return "人事名册"
	case KindUnits:
		return "单位名单"
	case KindAttendance:
		return "签到表"
	case KindUnitSheet:
		return "单位统计表"
	case KindClaims:
		return "本人申报"
	case KindResolutions:
		return "处理意见"
	}
	return string(k)
}

// finishFlags completes the flags of o after the policy engine ran: each
// message is prefixed with Describe (unless it already names the
// activity), and a missing severity or action is taken from the catalog.
func finishFlags(o *Occurrence) {
	if len(o.Flags) == 0 {
		return
	}
	name := o.Describe()
	for i := range o.Flags {
		f := &o.Flags[i]
		info, ok := FlagInfoOf(f.Code)
		if ok && f.Severity == "" {
			f.Severity = info.Severity
		}
		if ok && f.Action == "" {
			f.Action = info.Action
		}
		if ok && f.Message == "" {
			f.Message = info.Text
		}
		if !strings.HasPrefix(f.Message, "「") {
			f.Message = name + "：" + f.Message
		}
	}
}
