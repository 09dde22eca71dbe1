package reports

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/xuri/excelize/v2"

	"cehours/internal/mail"
	"cehours/reconcile"
)

// The returned unit workbook: the importer of kind resolutions reads the
// sheet ResolutionSheet, finds its header row by the names below, and
// takes from each row the discrepancy id (编号), the decision (处理意见:
// one of Resolutions) and the note (备注). Every other column is there
// for people and is ignored on import.
const (
	ResolutionSheet    = "差异清单"
	ResolutionIDHeader = "编号"
	ResolutionHeader   = "处理意见"
	ResolutionNote     = "备注"
)

// The decisions a unit can choose in the 处理意见 drop-down: 认可 accepts
// the record as the sources state it (the discrepancy is resolved as
// accepted), 不认可 rejects it (resolved as rejected), 更正 means the unit
// will correct its statistics sheet and send it again (the discrepancy
// stays open until the corrected sheet clears it).
const (
	DecisionAccept  = "认可"
	DecisionReject  = "不认可"
	DecisionCorrect = "更正"
)

// Resolutions lists the drop-down's choices in order.
var Resolutions = []string{DecisionAccept, DecisionReject, DecisionCorrect}

// Sheet names of the unit workbook besides ResolutionSheet.
const (
	sheetGuide     = "说明"
	sheetUnitShort = "未达标人员"
	sheetUnclaimed = "有签到未申报"
	sheetRejected  = "未能读取的行"
)

// UnitAttachment names unit u's workbook of year y.
func UnitAttachment(u reconcile.Unit, y reconcile.Year) (filename, name string) {
	return asciiName("discrepancies-" + u.Code + "-" + y.String() + ".xlsx"),
		fileNameCN("学时差异清单-" + u.Code + "-" + y.String() + ".xlsx")
}

// checkUnitScope returns ErrScope when a line of r belongs to another unit.
func checkUnitScope(r UnitReport) error {
	code := r.Unit.Code
	for _, d := range r.Discrepancies {
		if d.UnitCode != code {
			return fmt.Errorf("unit %s: discrepancy %s of unit %q: %w", code, d.ID, d.UnitCode, ErrScope)
		}
	}
	for _, s := range r.Short {
		if s.UnitCode != code {
			return fmt.Errorf("unit %s: standing of unit %q: %w", code, s.UnitCode, ErrScope)
		}
	}
	for _, u := range r.Unclaimed {
		if u.UnitCode != code {
			return fmt.Errorf("unit %s: attendance of unit %q: %w", code, u.UnitCode, ErrScope)
		}
	}
	for _, x := range r.Rejected {
		if x.UnitCode != code {
			return fmt.Errorf("unit %s: rejected row of unit %q: %w", code, x.UnitCode, ErrScope)
		}
	}
	return nil
}

// UnitWorkbook builds one unit's discrepancy workbook: 说明 (what it is,
// the counts, what to do, the deadlines); 差异清单 (the discrepancies,
// protected so that only 处理意见 and 备注 can be edited, 处理意见 with a
// drop-down); 未达标人员; 有签到未申报; 未能读取的行. It returns an error
// wrapping ErrScope when r holds a line of another unit.
func UnitWorkbook(r UnitReport) ([]byte, error) {
	if err := checkUnitScope(r); err != nil {
		return nil, fmt.Errorf("build unit workbook: %w", err)
	}
	b, err := newBook()
	if err != nil {
		return nil, fmt.Errorf("build unit workbook: %w", err)
	}
	steps := []func() error{
		func() error { return unitGuide(b, r) },
		func() error { return unitDiscrepancies(b, r.Discrepancies) },
		func() error { return unitShort(b, r.Short) },
		func() error { return unitUnclaimed(b, r.Unclaimed) },
		func() error { return unitRejected(b, r.Rejected) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, fmt.Errorf("build unit workbook %s: %w", r.Unit.Code, err)
		}
	}
	return b.bytes()
}

// unitCounts are the numbers the guide and the mail state.
type unitCounts struct {
	Discrepancies, Errors, Warnings, Infos, Open int
	Short, Unclaimed, Rejected                   int
}

func countUnit(r UnitReport) unitCounts {
	c := unitCounts{Discrepancies: len(r.Discrepancies), Short: len(r.Short),
		Unclaimed: len(r.Unclaimed), Rejected: len(r.Rejected)}
	for _, d := range r.Discrepancies {
		switch d.Severity {
		case reconcile.SevError:
			c.Errors++
		case reconcile.SevWarning:
			c.Warnings++
		default:
			c.Infos++
		}
		if d.Status != reconcile.DiscrepancyResolved {
			c.Open++
		}
	}
	return c
}

// unitSteps is what the guide and the mail tell a unit to do.
var unitSteps = []string{
	"在「差异清单」工作表的「处理意见」列，为每一项从下拉框中选择：" +
		"认可（经核实属实，按来源记录认定）、不认可（经核实不属实或不应计入）、" +
		"更正（记录有误，本单位将更正统计表后重新报送）。",
	"「备注」列填写说明；选择「不认可」或「更正」时请务必写明理由。",
	"请勿修改「编号」列，勿增删行或列；保存为 .xlsx 格式后交回人事处，系统将自动导入处理意见。",
	"「未达标人员」列出本单位尚未达到学时要求的人员及所缺学时，请督促其在截止日期前补充。",
	"「有签到未申报」列出有签到记录但本人尚未申报的活动，请提醒本人申报。",
	"「未能读取的行」列出本单位报送文件中系统无法读取的行及原因，请更正后重新报送。",
}

// unitGuide writes the sheet that explains the workbook.
func unitGuide(b *book, r UnitReport) error {
	w, err := b.sheet(sheetGuide, 16, 90)
	if err != nil {
		return err
	}
	c := countUnit(r)
	title := excelize.Cell{StyleID: b.title, Value: r.Year.String() + "学年继续教育学时差异清单"}
	rows := [][]any{
		{title},
		{},
		{b.s("单位"), b.s(r.Unit.Name)},
		{b.s("单位编码"), b.s(r.Unit.Code)},
		{b.s("学年"), b.s(r.Year.String())},
		{b.s("生成日期"), b.d(r.Today)},
		{b.s("个人补充截止"), b.d(r.Year.Deadline())},
		{b.s("处理意见交回截止"), b.d(r.Year.ReviewDeadline())},
		{},
		{b.s("差异"), b.s(fmt.Sprintf("%d 项（未处理 %d 项；错误 %d，警告 %d，提示 %d）",
			c.Discrepancies, c.Open, c.Errors, c.Warnings, c.Infos))},
		{b.s("未达标人员"), b.s(fmt.Sprintf("%d 人", c.Short))},
		{b.s("有签到未申报"), b.s(fmt.Sprintf("%d 条", c.Unclaimed))},
		{b.s("未能读取的行"), b.s(fmt.Sprintf("%d 行", c.Rejected))},
		{},
		{excelize.Cell{StyleID: b.bold, Value: "请按以下步骤处理"}},
	}
	for i, s := range unitSteps {
		rows = append(rows, []any{b.s(fmt.Sprintf("%d.", i+1)),
			excelize.Cell{StyleID: b.wrap, Value: s}})
	}
	rows = append(rows, []any{}, []any{b.s("说明"), excelize.Cell{StyleID: b.wrap,
		Value: "本表仅含本单位人员的数据，请妥善保管，勿外传。"}})
	for _, row := range rows {
		if len(row) == 0 {
			w.skip(1)
			continue
		}
		if err := w.line(row...); err != nil {
			return err
		}
	}
	return w.close()
}

// decisionText shows a decision already recorded, in the drop-down's words.
func decisionText(d reconcile.Discrepancy) string {
	switch d.Resolution {
	case reconcile.ResolutionAccepted:
		return DecisionAccept
	case reconcile.ResolutionRejected:
		return DecisionReject
	}
	return ""
}

// unitDiscrepancies writes the sheet to be returned, in staff order.
func unitDiscrepancies(b *book, lines []DiscrepancyLine) error {
	w, err := b.sheet(ResolutionSheet, 20, 12, 10, 18, 9, 28, 12, 40, 40, 30, 12, 9, 12, 30)
	if err != nil {
		return err
	}
	err = w.table(ResolutionIDHeader, "工号", "姓名", "问题类型", "严重程度", "活动名称",
		"开始日期", "问题说明", "建议处理", "来源", "首次发现", "状态",
		ResolutionHeader, ResolutionNote)
	if err != nil {
		return err
	}
	rows := slices.Clone(lines)
	slices.SortFunc(rows, func(a, b DiscrepancyLine) int {
		return cmp.Or(cmp.Compare(a.StaffNo, b.StaffNo), cmp.Compare(a.Code, b.Code),
			cmp.Compare(a.ID, b.ID))
	})
	for _, d := range rows {
		var src string
		if len(d.Sources) > 0 {
			src = sourceText(d.Sources[0])
		}
		status := "未处理"
		if d.Status == reconcile.DiscrepancyResolved {
			status = "已处理"
		}
		if err := w.line(b.s(d.ID), b.s(d.StaffNo), b.s(d.Name), b.s(FlagLabel(d.Code)),
			b.s(SeverityLabel(d.Severity)), b.s(d.Title), b.d(d.Start), b.s(d.Message),
			b.s(d.Action), b.s(src), b.d(d.FirstSeen), b.s(status),
			excelize.Cell{StyleID: b.open, Value: decisionText(d.Discrepancy)},
			excelize.Cell{StyleID: b.open, Value: d.Note}); err != nil {
			return err
		}
	}
	if err := resolutionInput(b, w, len(rows)); err != nil {
		return err
	}
	return w.close()
}

// resolutionInput adds the 处理意见 drop-down to the n data rows (at least
// one) and protects the sheet, leaving the two unlocked columns editable
// and filtering, column widths and selection allowed. The protection has
// no password: it guards the ids against slips, not against the unit.
func resolutionInput(b *book, w *sheetWriter, n int) error {
	last := max(n, 1) + 1
	dv := excelize.NewDataValidation(true)
	dv.Sqref = fmt.Sprintf("M2:M%d", last)
	if err := dv.SetDropList(Resolutions); err != nil {
		return fmt.Errorf("resolution drop-down: %w", err)
	}
	dv.SetError(excelize.DataValidationErrorStyleStop, "处理意见",
		"请从下拉框中选择：认可、不认可或更正")
	dv.SetInput("处理意见", "认可 / 不认可 / 更正")
	if err := b.f.AddDataValidation(w.name, dv); err != nil {
		return fmt.Errorf("resolution drop-down: %w", err)
	}
	err := b.f.ProtectSheet(w.name, &excelize.SheetProtectionOptions{
		AutoFilter: true, FormatColumns: true, FormatRows: true,
		SelectLockedCells: true, SelectUnlockedCells: true,
	})
	if err != nil {
		return fmt.Errorf("protect sheet: %w", err)
	}
	return nil
}

// unitShort writes the unit's people short, in staff order.
func unitShort(b *book, short []reconcile.Standing) error {
	w, err := b.sheet(sheetUnitShort, 12, 10, 10, 9, 9, 9, 9, 11, 11, 11, 11, 14)
	if err != nil {
		return err
	}
	err = w.table("工号", "姓名", "状态", "总学时", "A类", "B类", "C类", "待认定学时",
		"尚缺总学时", "尚缺A类", "尚缺B+C类", "全部认定后")
	if err != nil {
		return err
	}
	rows := slices.Clone(short)
	slices.SortFunc(rows, func(a, b reconcile.Standing) int { return cmp.Compare(a.StaffNo, b.StaffNo) })
	for _, s := range rows {
		if err := w.line(b.s(s.StaffNo), b.s(s.Name), b.s(StandingLabel(s.Status)),
			b.h(s.Hours.Total), b.h(s.Hours.A), b.h(s.Hours.B), b.h(s.Hours.C),
			b.h(s.Pending.Total), b.h(s.Missing.Total), b.h(s.Missing.A),
			b.h(s.Missing.BC), b.s(StandingLabel(s.IfConfirmed))); err != nil {
			return err
		}
	}
	return w.close()
}

// unitUnclaimed writes the attendance nobody claimed, by person and date.
func unitUnclaimed(b *book, lines []UnclaimedLine) error {
	w, err := b.sheet(sheetUnclaimed, 12, 10, 14, 30, 18, 12, 12, 10, 36)
	if err != nil {
		return err
	}
	err = w.table("工号", "姓名", "活动编号", "活动名称", "组织单位", "开始日期",
		"结束日期", "可计学时", "来源")
	if err != nil {
		return err
	}
	rows := slices.Clone(lines)
	slices.SortFunc(rows, func(a, b UnclaimedLine) int {
		return cmp.Or(cmp.Compare(a.StaffNo, b.StaffNo), a.Start.Compare(b.Start),
			cmp.Compare(a.Title, b.Title))
	})
	for _, u := range rows {
		if err := w.line(b.s(u.StaffNo), b.s(u.Name), b.s(u.EventCode), b.s(u.Title),
			b.s(u.Organiser), b.d(u.Start), b.d(u.End), b.h(u.Hours),
			b.s(sourceText(u.Source))); err != nil {
			return err
		}
	}
	return w.close()
}

// unitRejected writes the rows the importers could not read.
func unitRejected(b *book, rows []RejectedRow) error {
	w, err := b.sheet(sheetRejected, 30, 14, 8, 12, 24, 18, 40)
	if err != nil {
		return err
	}
	err = w.table("文件", "工作表", "行号", "列", "内容", "原因代码", "原因")
	if err != nil {
		return err
	}
	sorted := slices.Clone(rows)
	slices.SortFunc(sorted, func(a, b RejectedRow) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Sheet, b.Sheet),
			cmp.Compare(a.Row, b.Row), cmp.Compare(a.Column, b.Column))
	})
	for _, x := range sorted {
		if err := w.line(b.s(x.File), b.s(x.Sheet), b.n(x.Row), b.s(x.Column),
			b.s(x.Value), b.s(x.Code), b.s(x.Message)); err != nil {
			return err
		}
	}
	return w.close()
}

// UnitKey is the outbox key of unit code's workbook of year y built on day.
func UnitKey(code string, y reconcile.Year, day reconcile.Date) string {
	return "unit/" + code + "/" + y.String() + "/" + day.String()
}

// UnitMessage builds the mail to the unit's heads carrying its workbook.
// It returns an error wrapping ErrScope when r holds another unit's line.
func UnitMessage(r UnitReport) (mail.Message, error) {
	data, err := UnitWorkbook(r)
	if err != nil {
		return mail.Message{}, fmt.Errorf("build unit message: %w", err)
	}
	v := newUnitView(r)
	html, err := render(htmlTemplates, "unit.html", v)
	if err != nil {
		return mail.Message{}, fmt.Errorf("build unit message: %w", err)
	}
	text, err := render(textTemplates, "unit.txt", v)
	if err != nil {
		return mail.Message{}, fmt.Errorf("build unit message: %w", err)
	}
	to := make([]mail.Address, 0, len(r.Unit.Heads))
	for _, h := range r.Unit.Heads {
		to = append(to, mail.Address{Name: h.Name, Email: h.Email})
	}
	filename, name := UnitAttachment(r.Unit, r.Year)
	return mail.Message{
		Key: UnitKey(r.Unit.Code, r.Year, r.Today), Kind: "unit", To: to,
		Subject: v.Subject, Text: text, HTML: html,
		Attachments: []mail.Attachment{{
			Filename: filename, Name: name, ContentType: xlsxType, Data: data,
		}},
	}, nil
}

// unitView is what the unit mail templates show.
type unitView struct {
	Subject, Unit, Code, Year, Today, Deadline, ReviewDeadline, DaysLeft string
	unitCounts
	Steps []string
	Codes []codeRow // open discrepancies by code, largest first
}

func newUnitView(r UnitReport) unitView {
	c := countUnit(r)
	v := unitView{
		Unit: r.Unit.Name, Code: r.Unit.Code, Year: r.Year.String(), Today: dateCN(r.Today),
		Deadline: dateCN(r.Year.Deadline()), ReviewDeadline: dateCN(r.Year.ReviewDeadline()),
		DaysLeft: daysLeft(r.Today, r.Year.Deadline()), unitCounts: c, Steps: unitSteps,
	}
	var open []CodeCount
	for _, d := range r.Discrepancies {
		if d.Status != reconcile.DiscrepancyResolved {
			open = append(open, CodeCount{Code: d.Code, Open: 1})
		}
	}
	v.Codes, _ = byCode(open, func(c CodeCount) int { return c.Open })
	v.Subject = fmt.Sprintf("【继续教育学时】%s %s学年差异清单：待处理 %d 项，未达标 %d 人",
		r.Unit.Name, v.Year, c.Open, c.Short)
	return v
}
