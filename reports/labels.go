package reports

import (
	"fmt"

	"cehours/reconcile"
)

// flagLabels names each flag code for people. A code missing here is shown
// as the code itself, so a new flag never disappears from a report.
var flagLabels = map[reconcile.FlagCode]string{
	reconcile.FlagNoAttendance:         "无签到记录",
	reconcile.FlagUnclaimedAttendance:  "有签到未申报",
	reconcile.FlagDuplicate:            "重复申报",
	reconcile.FlagOverclaimed:          "申报学时超过标准",
	reconcile.FlagHoursMismatch:        "各来源学时不一致",
	reconcile.FlagCategoryNotAllowed:   "科目类型不符",
	reconcile.FlagCapped:               "超过年度上限",
	reconcile.FlagCrossYear:            "跨学年",
	reconcile.FlagDateOutOfYear:        "日期不在学年内",
	reconcile.FlagFutureDate:           "日期晚于今天",
	reconcile.FlagUnknownStaff:         "工号不在花名册",
	reconcile.FlagNameMismatch:         "姓名与工号不符",
	reconcile.FlagAmbiguousName:        "姓名重名无法确定",
	reconcile.FlagUnitRejected:         "审核不通过",
	reconcile.FlagUnitTotalMismatch:    "单位汇总与核算不一致",
	reconcile.FlagUnclassifiedActivity: "无法识别项目类型",
	reconcile.FlagSharedEvidence:       "证明材料被多人使用",
	reconcile.FlagOverlapping:          "活动时间冲突",
	reconcile.FlagShortStudy:           "脱产进修不足3个月",
}

// FlagLabel returns the Chinese name of a flag code, or the code itself
// when it has none.
func FlagLabel(c reconcile.FlagCode) string {
	if s, ok := flagLabels[c]; ok {
		return s
	}
	return string(c)
}

// SeverityLabel returns the Chinese name of a severity.
func SeverityLabel(s reconcile.Severity) string {
	switch s {
	case reconcile.SevError:
		return "错误"
	case reconcile.SevWarning:
		return "警告"
	case reconcile.SevInfo:
		return "提示"
	}
	return string(s)
}

// StatusLabel returns the Chinese name of an occurrence status.
func StatusLabel(s reconcile.Status) string {
	switch s {
	case reconcile.StatusVerified:
		return "已核实"
	case reconcile.StatusAutoCredited:
		return "自动认定"
	case reconcile.StatusPending:
		return "待补证明"
	case reconcile.StatusNotCredited:
		return "不予认定"
	}
	return string(s)
}

// StandingLabel returns the Chinese name of a standing status.
func StandingLabel(s reconcile.StandingStatus) string {
	switch s {
	case reconcile.StandingCompliant:
		return "已达标"
	case reconcile.StandingShort:
		return "未达标"
	case reconcile.StandingAtRisk:
		return "进度落后"
	case reconcile.StandingExempt:
		return "免于考核"
	}
	return string(s)
}

// CategoryLabel returns "A 专业科目" and the like, or "" for no category.
func CategoryLabel(c reconcile.Category) string {
	switch c {
	case reconcile.CatA:
		return "A 专业科目"
	case reconcile.CatB:
		return "B 行业公需科目"
	case reconcile.CatC:
		return "C 一般公需科目"
	}
	return string(c)
}

// RoleLabel returns the Chinese name of a role; the participant is 参加.
func RoleLabel(r reconcile.Role) string {
	switch r {
	case reconcile.RoleParticipant, "":
		return "参加"
	case reconcile.RoleConvener:
		return "召集人"
	case reconcile.RoleSpeaker:
		return "主讲人"
	case reconcile.RoleHost:
		return "主持人"
	case reconcile.RoleMember:
		return "成员"
	case reconcile.RoleMentor:
		return "导师"
	case reconcile.RoleAsking:
		return "提问"
	case reconcile.RoleAnswering:
		return "答复"
	}
	return string(r)
}

// KindLabel returns the Chinese name of a source kind.
func KindLabel(k reconcile.SourceKind) string {
	switch k {
	case reconcile.KindRoster:
		return "花名册"
	case reconcile.KindUnits:
		return "单位名单"
	case reconcile.KindAttendance:
		return "签到表"
	case reconcile.KindUnitSheet:
		return "单位统计表"
	case reconcile.KindClaims:
		return "个人申报"
	case reconcile.KindResolutions:
		return "处理意见"
	}
	return string(k)
}

// sourceText cites a source row the way a secretary finds it:
// "单位统计表 a.xlsx 第 12 行（Sheet1）".
func sourceText(r reconcile.SourceRef) string {
	s := KindLabel(r.Kind) + " " + r.File
	if r.Row > 0 {
		s += fmt.Sprintf(" 第 %d 行", r.Row)
	}
	if r.Sheet != "" {
		s += "（" + r.Sheet + "）"
	}
	return s
}

// dateCN writes a date as people write it in a Chinese letter: 2025年8月31日.
func dateCN(d reconcile.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", d.Y, int(d.M), d.D)
}
