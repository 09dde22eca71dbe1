package reports

import (
	"time"

	"cehours/internal/mail"
	"cehours/reconcile"
)

// The fixtures: a small university in the week of 4 August 2025, while
// the 2024-2025 claims are being collected.
var (
	fixYear  = reconcile.Year(2024)
	fixToday = reconcile.NewDate(2025, time.August, 4)
	fixPrev  = reconcile.NewDate(2025, time.July, 28)

	fixU01 = reconcile.Unit{Code: "U01", Name: "基础医学院",
		Heads: []reconcile.Head{{Name: "李主任", Email: "li@example.edu.cn"}}}
	fixU02 = reconcile.Unit{Code: "U02", Name: "第一临床医学院",
		Heads: []reconcile.Head{{Name: "王院长", Email: "wang@example.edu.cn"},
			{Name: "赵秘书", Email: "zhao@example.edu.cn"}}}

	fixZhang = reconcile.Staff{No: "20230001", Name: "张伟", UnitCode: "U01",
		Email: "zhangwei@example.edu.cn", Teacher: true}
)

func hours(a, b, c int64) reconcile.CategoryHours {
	ch := reconcile.CategoryHours{}
	ch.Add(reconcile.CatA, reconcile.Hours(a))
	ch.Add(reconcile.CatB, reconcile.Hours(b))
	ch.Add(reconcile.CatC, reconcile.Hours(c))
	return ch
}

func date(y int, m time.Month, d int) reconcile.Date { return reconcile.NewDate(y, m, d) }

// fixStandingZhang is short: 38 hours of 90 (the credited lines of
// fixLines), with 25 pending.
func fixStandingZhang() reconcile.Standing {
	return reconcile.Standing{
		StaffNo: "20230001", Name: "张伟", UnitCode: "U01", Year: fixYear,
		Status: reconcile.StandingShort, Hours: hours(3800, 0, 0),
		Pending: hours(0, 0, 2500), Capped: 400,
		Missing:     reconcile.Missing{Total: 5200, A: 2200, BC: 1800},
		IfConfirmed: reconcile.StandingShort,
	}
}

func fixShort() []reconcile.Standing {
	return []reconcile.Standing{
		{StaffNo: "20190102", Name: "陈静", UnitCode: "U02", Year: fixYear,
			Status: reconcile.StandingShort, Hours: hours(6000, 0, 1225),
			Missing: reconcile.Missing{Total: 775, BC: 575}, IfConfirmed: reconcile.StandingShort},
		fixStandingZhang(),
		{StaffNo: "20210007", Name: "刘洋", UnitCode: "U01", Year: fixYear,
			Status: reconcile.StandingShort, Hours: hours(6400, 800, 0),
			Pending: hours(1600, 0, 1000), Missing: reconcile.Missing{Total: 1800, BC: 1000},
			IfConfirmed: reconcile.StandingCompliant},
	}
}

func fixDigest() Digest {
	return Digest{
		Year: fixYear, Today: fixToday, Previous: fixPrev,
		To: []mail.Address{{Name: "人事处", Email: "hr@example.edu.cn"}},
		Units: []UnitSummary{
			{Unit: fixU02, Counts: Counts{InScope: 120, Compliant: 119, Short: 1,
				Pending: 9, OpenDiscrepancies: 4},
				Previous: &Counts{InScope: 120, Compliant: 115, Short: 5}},
			{Unit: fixU01, Counts: Counts{InScope: 80, Compliant: 78, Short: 2,
				Exempt: 3, Pending: 12, OpenDiscrepancies: 7},
				Previous: &Counts{InScope: 80, Compliant: 78, Short: 2}},
		},
		Short: fixShort(),
		Codes: []CodeCount{
			{Code: reconcile.FlagNoAttendance, Severity: reconcile.SevError, UnitCode: "U01",
				Open: 5, New: 2, Resolved: 1},
			{Code: reconcile.FlagOverclaimed, Severity: reconcile.SevWarning, UnitCode: "U01",
				Open: 2, New: 0, Resolved: 3},
			{Code: reconcile.FlagNoAttendance, Severity: reconcile.SevError, UnitCode: "U02",
				Open: 4, New: 1},
		},
		BecameCompliant: []PersonRef{{StaffNo: "20180044", Name: "周敏", UnitCode: "U02"}},
		Dead: []DeadMail{{Kind: "reminder", To: "nobody@example.edu.cn",
			Subject: "【继续教育学时】提醒", Attempts: 8, LastError: "550 mailbox unavailable",
			Since: date(2025, time.August, 2)}},
	}
}

func fixDiscrepancy(id string, code reconcile.FlagCode, sev reconcile.Severity,
	staffNo, name, title string) DiscrepancyLine {
	info, _ := reconcile.FlagInfoOf(code)
	return DiscrepancyLine{
		Discrepancy: reconcile.Discrepancy{
			ID: id, Code: code, Severity: sev, StaffNo: staffNo, UnitCode: "U01",
			Year: fixYear, Message: "“" + title + "”" + info.Text, Action: info.Action,
			Status: reconcile.DiscrepancyOpen, FirstSeen: date(2025, time.July, 21),
			Sources: []reconcile.SourceRef{{Kind: reconcile.KindClaims,
				File: "claims-2025-07.xlsx", Sheet: "Sheet1", Row: 17}},
		},
		Name: name, Title: title, Start: date(2025, time.March, 5),
	}
}

func fixUnitReport() UnitReport {
	resolved := fixDiscrepancy("D-00000000000000c3", reconcile.FlagOverclaimed,
		reconcile.SevWarning, "20210007", "刘洋", "教学工作坊")
	resolved.Status = reconcile.DiscrepancyResolved
	resolved.Resolution = reconcile.ResolutionAccepted
	resolved.Note = "有会议通知为证"
	return UnitReport{
		Unit: fixU01, Year: fixYear, Today: fixToday,
		Discrepancies: []DiscrepancyLine{
			fixDiscrepancy("D-00000000000000b2", reconcile.FlagOverclaimed,
				reconcile.SevWarning, "20230001", "张伟", "医学教育研讨会"),
			fixDiscrepancy("D-00000000000000a1", reconcile.FlagNoAttendance,
				reconcile.SevError, "20230001", "张伟", "临床技能培训讲座"),
			resolved,
		},
		Short: []reconcile.Standing{fixShort()[2], fixShort()[1]},
		Unclaimed: []UnclaimedLine{{StaffNo: "20210007", Name: "刘洋", UnitCode: "U01",
			EventCode: "TDC-2025-031", Title: "课程思政工作坊", Organiser: "护理学院",
			Start: date(2025, time.April, 9), End: date(2025, time.April, 10), Hours: 800,
			Source: reconcile.SourceRef{Kind: reconcile.KindAttendance,
				File: "signin-031.xlsx", Sheet: "签到", Row: 12}}},
		Rejected: []RejectedRow{{UnitCode: "U01", File: "U01-统计表.xlsx", Sheet: "Sheet1",
			Row: 23, Column: "开始日期", Value: "2025.13.1", Code: "bad-date",
			Message: "日期无法识别"}},
	}
}

// fixLines is 张伟's ledger: credited, capped, pending and refused lines.
func fixLines() []LedgerLine {
	return []LedgerLine{
		{StaffNo: "20230001", Type: 29, TypeName: "网络在线学习", Title: "医学伦理网络课程",
			Category: reconcile.CatC, Start: date(2025, time.May, 10), End: date(2025, time.June, 1),
			Status: reconcile.StatusPending, Standard: 2500, Pending: 2500,
			Rule: "每门 25 学时", Organiser: "省继续教育平台", Evidence: "ZJ-2025-0088"},
		{StaffNo: "20230001", Type: 1, TypeName: "各类培训、讲座、研讨、沙龙",
			Title: "临床技能培训讲座", Category: reconcile.CatA, Start: date(2024, time.October, 12),
			End: date(2024, time.October, 12), Status: reconcile.StatusVerified,
			Standard: 400, Credited: 400, Rule: "每次 4 学时", Organiser: "基础医学院"},
		{StaffNo: "20230001", Type: 14, TypeName: "各类与专业技术工作相关的会议",
			Title: "医学教育研讨会", Category: reconcile.CatA, Role: reconcile.RoleSpeaker,
			Start: date(2025, time.March, 5), End: date(2025, time.March, 7),
			Status: reconcile.StatusAutoCredited, Standard: 800, Credited: 400, Capped: 400,
			Rule: "每次 4 学时", CapNote: "本学年该类活动已达 16 学时上限",
			Organiser: "教师发展中心", Evidence: "TDC-2025-009"},
		{StaffNo: "20230001", Type: 19, TypeName: "专业技术资格或职业资格证书",
			Title: "心理咨询师证书", Category: reconcile.CatA, Start: date(2024, time.December, 1),
			Status: reconcile.StatusVerified, Standard: 3000, Credited: 3000,
			Rule: "每证 30 学时", Evidence: "PX-778812"},
		{StaffNo: "20230001", Type: 32, TypeName: "其他（校外）", Title: "社区义诊",
			Category: reconcile.CatB, Start: date(2025, time.January, 6),
			Status: reconcile.StatusNotCredited,
			Flags: []reconcile.Flag{{Code: reconcile.FlagUnitRejected, Severity: reconcile.SevInfo,
				Message: "审核不通过", Action: "补充材料后重新审核"}}},
	}
}

func fixReminder() Reminder {
	d := fixUnitReport().Discrepancies[1].Discrepancy
	return Reminder{
		Staff: fixZhang, UnitName: "基础医学院", Standing: fixStandingZhang(), Today: fixToday,
		Lines: fixLines(), Discrepancies: []reconcile.Discrepancy{d},
		Contact: "基础医学院办公室 王老师（0577-8668 0000）",
	}
}

func fixForm() Form {
	return Form{Staff: fixZhang, UnitName: "基础医学院", Year: fixYear, Today: fixToday,
		Lines: fixLines()}
}
