package reports

import (
	"fmt"

	"cehours/reconcile"
)

// FlagLabel returns the short Chinese name of a flag code from the
// domain's flag catalog, or the code itself when the catalog lacks it, so
// that a new flag never disappears from a report.
func FlagLabel(c reconcile.FlagCode) string {
	if info, ok := reconcile.FlagInfoOf(c); ok && info.Name != "" {
		return info.Name
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

// sourceText cites a source row the way a secretary finds it:
// "单位统计表 a.xlsx 第 12 行（Sheet1）".
func sourceText(r reconcile.SourceRef) string {
	s := reconcile.KindName(r.Kind) + " " + r.File
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
