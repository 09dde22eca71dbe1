package reports

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/xuri/excelize/v2"

	"cehours/internal/mail"
	"cehours/reconcile"
)

// Sheet names of the digest workbook.
const (
	sheetSummary = "汇总"
	sheetShort   = "未达标人员"
	sheetCodes   = "差异统计"
)

// DigestAttachment names the digest workbook of year y.
func DigestAttachment(y reconcile.Year) (filename, name string) {
	return asciiName("shortfall-" + y.String() + ".xlsx"),
		fileNameCN("继续教育学时未达标汇总-" + y.String() + ".xlsx")
}

// DigestWorkbook builds the digest's .xlsx: a summary sheet (汇总) of the
// units by code, with a totals row and a bar chart of each unit's
// compliance rate; a sheet (未达标人员) of every standing in d.Short with
// what each person is missing, in unit and staff order; and a sheet
// (差异统计) of discrepancy counts by code and unit.
func DigestWorkbook(d Digest) ([]byte, error) {
	b, err := newBook()
	if err != nil {
		return nil, fmt.Errorf("build digest workbook: %w", err)
	}
	units := slices.Clone(d.Units)
	slices.SortFunc(units, func(a, b UnitSummary) int { return cmp.Compare(a.Unit.Code, b.Unit.Code) })
	names := make(map[string]string, len(units))
	for _, u := range units {
		names[u.Unit.Code] = u.Unit.Name
	}
	steps := []func() error{
		func() error { return digestSummary(b, d.Year, units) },
		func() error { return digestShort(b, d.Short, names) },
		func() error { return digestCodes(b, d.Codes, names) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, fmt.Errorf("build digest workbook: %w", err)
		}
	}
	return b.bytes()
}

// digestSummary writes the summary sheet and its chart.
func digestSummary(b *book, y reconcile.Year, units []UnitSummary) error {
	w, err := b.sheet(sheetSummary, 10, 24, 10, 10, 10, 10, 12, 12, 10, 14)
	if err != nil {
		return err
	}
	err = w.table("单位编码", "单位名称", "在册人数", "已达标", "未达标", "进度落后",
		"有待补证明", "未处理差异", "达标率", "未达标较上期")
	if err != nil {
		return err
	}
	var total Counts
	for _, u := range units {
		total.Add(u.Counts)
		change := any(b.s(""))
		if u.Previous != nil {
			change = b.n(u.Short - u.Previous.Short)
		}
		if err := w.line(b.s(u.Unit.Code), b.s(u.Unit.Name), b.n(u.InScope),
			b.n(u.Compliant), b.n(u.Short), b.n(u.AtRisk), b.n(u.Pending),
			b.n(u.OpenDiscrepancies), excelize.Cell{StyleID: b.pct, Value: u.Rate()},
			change); err != nil {
			return err
		}
	}
	w.end = w.row
	if err := w.line(excelize.Cell{StyleID: b.header, Value: "合计"}, b.s(""),
		b.n(total.InScope), b.n(total.Compliant), b.n(total.Short), b.n(total.AtRisk),
		b.n(total.Pending), b.n(total.OpenDiscrepancies),
		excelize.Cell{StyleID: b.pct, Value: total.Rate()}, b.s("")); err != nil {
		return err
	}
	if len(units) > 0 {
		if err := complianceChart(b, y, len(units)); err != nil {
			return err
		}
	}
	return w.close()
}

// complianceChart adds a horizontal bar chart of the compliance rate of
// the n units listed on the summary sheet, beside the table.
func complianceChart(b *book, y reconcile.Year, n int) error {
	one, zero, vary := 1.0, 0.0, false
	ref := func(col string) string {
		return fmt.Sprintf("'%s'!$%s$2:$%s$%d", sheetSummary, col, col, n+1)
	}
	chart := &excelize.Chart{
		Type:       excelize.Bar,
		VaryColors: &vary,
		Series: []excelize.ChartSeries{{
			Name:       fmt.Sprintf("'%s'!$I$1", sheetSummary),
			Categories: ref("B"),
			Values:     ref("I"),
			Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"2E7D32"}},
		}},
		Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{
			{Text: y.String() + "学年各单位达标率"}}},
		Legend:    excelize.ChartLegend{Position: "none"},
		Dimension: excelize.ChartDimension{Width: 560, Height: uint(max(320, 22*n+90))},
		XAxis:     excelize.ChartAxis{ReverseOrder: true},
		YAxis: excelize.ChartAxis{Maximum: &one, Minimum: &zero, MajorGridLines: true,
			NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
	}
	if err := b.f.AddChart(sheetSummary, "L2", chart); err != nil {
		return fmt.Errorf("add compliance chart: %w", err)
	}
	return nil
}

// digestShort writes the sheet of people short, in unit and staff order.
func digestShort(b *book, short []reconcile.Standing, names map[string]string) error {
	w, err := b.sheet(sheetShort, 10, 20, 12, 10, 10, 9, 9, 9, 9, 11, 11, 11, 11, 14)
	if err != nil {
		return err
	}
	err = w.table("单位编码", "单位名称", "工号", "姓名", "状态", "总学时", "A类",
		"B类", "C类", "待认定学时", "尚缺总学时", "尚缺A类", "尚缺B+C类", "全部认定后")
	if err != nil {
		return err
	}
	rows := slices.Clone(short)
	slices.SortFunc(rows, func(a, b reconcile.Standing) int {
		return cmp.Or(cmp.Compare(a.UnitCode, b.UnitCode), cmp.Compare(a.StaffNo, b.StaffNo))
	})
	for _, s := range rows {
		if err := w.line(b.s(s.UnitCode), b.s(names[s.UnitCode]), b.s(s.StaffNo),
			b.s(s.Name), b.s(StandingLabel(s.Status)), b.h(s.Hours.Total),
			b.h(s.Hours.A), b.h(s.Hours.B), b.h(s.Hours.C), b.h(s.Pending.Total),
			b.h(s.Missing.Total), b.h(s.Missing.A), b.h(s.Missing.BC),
			b.s(StandingLabel(s.IfConfirmed))); err != nil {
			return err
		}
	}
	return w.close()
}

// digestCodes writes the discrepancy counts by code and unit.
func digestCodes(b *book, codes []CodeCount, names map[string]string) error {
	w, err := b.sheet(sheetCodes, 22, 22, 10, 10, 20, 10, 10, 12)
	if err != nil {
		return err
	}
	err = w.table("问题类型", "代码", "严重程度", "单位编码", "单位名称", "未处理",
		"本期新增", "本期已解决")
	if err != nil {
		return err
	}
	rows := slices.Clone(codes)
	slices.SortFunc(rows, func(a, b CodeCount) int {
		return cmp.Or(cmp.Compare(a.Code, b.Code), cmp.Compare(a.UnitCode, b.UnitCode))
	})
	for _, c := range rows {
		if err := w.line(b.s(FlagLabel(c.Code)), b.s(string(c.Code)),
			b.s(SeverityLabel(c.Severity)), b.s(c.UnitCode), b.s(names[c.UnitCode]),
			b.n(c.Open), b.n(c.New), b.n(c.Resolved)); err != nil {
			return err
		}
	}
	return w.close()
}

// DigestKey is the outbox key of the digest of year y built on day.
func DigestKey(y reconcile.Year, day reconcile.Date) string {
	return "digest/" + y.String() + "/" + day.String()
}

// DigestMessage builds the HR digest mail to d.To: subject, HTML and
// plain-text bodies, and the workbook of DigestWorkbook attached.
func DigestMessage(d Digest) (mail.Message, error) {
	v := newDigestView(d)
	html, err := render(htmlTemplates, "digest.html", v)
	if err != nil {
		return mail.Message{}, fmt.Errorf("build digest message: %w", err)
	}
	text, err := render(textTemplates, "digest.txt", v)
	if err != nil {
		return mail.Message{}, fmt.Errorf("build digest message: %w", err)
	}
	data, err := DigestWorkbook(d)
	if err != nil {
		return mail.Message{}, fmt.Errorf("build digest message: %w", err)
	}
	filename, name := DigestAttachment(d.Year)
	return mail.Message{
		Key:     DigestKey(d.Year, d.Today),
		Kind:    "digest",
		To:      d.To,
		Subject: v.Subject,
		Text:    text,
		HTML:    html,
		Attachments: []mail.Attachment{{
			Filename: filename, Name: name, ContentType: xlsxType, Data: data,
		}},
	}, nil
}
