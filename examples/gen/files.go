package main

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"cehours/reconcile"
)

// output is one inbox file to produce: a workbook LibreOffice converts to
// .xlsx, or csv rows written as they are.
type output struct {
	Path string // relative to the inbox
	Book *book  // converted to .xlsx
	CSV  [][]string
	GBK  bool
}

// saved is when each file claims to have been saved: the snapshot the
// example describes, the day before the run it is meant for (2025-08-20).
var saved = time.Date(2025, 8, 19, 17, 30, 0, 0, time.UTC)

var catNames = map[string]string{"A": "专业科目", "B": "行业公需科目", "C": "一般公需科目"}

func (w *world) outputs(totals []*expectStanding) []*output {
	var outs []*output
	outs = append(outs, w.rosterFile(), w.unitsFile())
	for _, e := range events {
		outs = append(outs, w.attendanceFile(e))
	}
	outs = append(outs, w.claimsFile())
	outs = append(outs, w.sheetU01(), w.sheetU02(), w.summaryU03(totals), w.sheetU04(), w.sheetU05(), w.sheetU06())
	return outs
}

func (w *world) rosterFile() *output {
	s := &sheet{Name: "在职人员名单"}
	s.add(txt("工号"), txt("姓名"), txt("单位"), txt("单位编码"), txt("人员类别"), txt("职称系列"),
		txt("出生日期"), txt("入职日期"), txt("离职日期"), txt("邮箱"))
	people := slices.Clone(w.People)
	slices.SortStableFunc(people, func(a, b *person) int {
		return cmp.Or(cmp.Compare(a.UnitCode, b.UnitCode), cmp.Compare(a.No, b.No))
	})
	for _, p := range people {
		kind := "其他专技"
		if p.Teacher {
			kind = "教师"
		}
		left := blank()
		if !p.Left.IsZero() {
			left = day(p.Left)
		}
		s.add(txt(p.No), txt(p.Name), txt(unitByCode(p.UnitCode).Name), txt(p.UnitCode), txt(kind),
			txt(p.Series), day(p.Birth), day(p.Hired), left, txt(p.Email))
	}
	return &output{Path: "roster/roster-20250819.xlsx", Book: &book{Sheets: []*sheet{s}, Saved: saved}}
}

// unitsFile lists one row per head: a unit with two heads has two rows.
func (w *world) unitsFile() *output {
	rows := [][]string{{"单位编码", "单位名称", "单位类型", "负责人", "负责人邮箱"}}
	for _, u := range units {
		for _, h := range u.Heads {
			rows = append(rows, []string{u.Code, u.Name, u.Kind, h.Name, h.Email})
		}
	}
	return &output{Path: "units/units-2025.csv", CSV: rows}
}

func unitName(p *person) string {
	if p.UnitCode == "" {
		return "温州医科大学附属第二医院"
	}
	return unitByCode(p.UnitCode).Name
}

// eventDate is how a sign-in list writes an event's date: a date cell for
// one day, a typed range for several.
func eventDate(e *event) cell {
	if e.Start == e.End {
		return day(e.Start)
	}
	return txt(rangeText(e.Start, e.End, dotDate, "%d.%d"))
}

// rangeText writes a range as people type it: the end's year left out
// when it is the start's ("2025.4.8-4.17"), written out when the range
// crosses a new year ("2024.12.2-2025.1.11"). short formats month and day.
func rangeText(start, end reconcile.Date, form func(reconcile.Date) string, short string) string {
	if start == end {
		return form(start)
	}
	if start.Y != end.Y {
		return form(start) + "-" + form(end)
	}
	return form(start) + "-" + fmt.Sprintf(short, end.M, end.D)
}

func (w *world) attendanceFile(e *event) *output {
	s := &sheet{Name: "签到表"}
	list := slices.Clone(e.Attendees)
	w.rng.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
	var twice []*source
	for _, a := range list {
		if a.Twice {
			twice = append(twice, a)
		}
	}
	path := fmt.Sprintf("attendance/%s-%s.xlsx", e.Start, e.Code)
	signed := func(i int) cell { return txt(fmt.Sprintf("%02d:%02d", 8+i/40, (i*7)%60)) }
	var row func(i int, a *source) []cell
	switch e.Style {
	case "tdc":
		s.add(txt("序号"), txt("活动编号"), txt("活动名称"), txt("项目序号"), txt("科目类型"), txt("日期"),
			txt("组织单位"), txt("工号"), txt("姓名"), txt("单位"), txt("学时"), txt("签到时间"))
		row = func(i int, a *source) []cell {
			p := a.act.P
			return []cell{num(float64(i)), txt(e.Code), txt(e.Title), num(float64(e.Type)), txt(e.Cat),
				eventDate(e), txt(e.Organiser), txt(p.No), txt(p.Name), txt(unitName(p)), hrs(e.Hours), signed(i)}
		}
	case "kv":
		s.add(txt("教师发展中心活动签到表"))
		s.merge(0, 0, 0, 4)
		s.add(txt("活动名称：" + e.Title))
		s.add(txt("活动编号：" + e.Code))
		s.add(txt("日期：" + rangeText(e.Start, e.End, dotDate, "%d.%d")))
		s.add(txt("组织单位：" + e.Organiser))
		s.add(txt(fmt.Sprintf("项目序号：%d", e.Type)))
		s.add(txt("科目类型：" + e.Cat))
		s.add(txt("学时：" + e.Hours.String()))
		s.add()
		s.add(txt("序号"), txt("工号"), txt("姓名"), txt("单位"), txt("签名"))
		row = func(i int, a *source) []cell {
			p := a.act.P
			return []cell{num(float64(i)), txt(p.No), txt(p.Name), txt(unitName(p)), blank()}
		}
	case "college":
		s.add(txt(e.Organiser + "活动签到表"))
		s.merge(0, 0, 0, 9)
		s.add(txt("序号"), txt("活动名称"), txt("项目序号"), txt("科目类型"), txt("日期"), txt("组织单位"),
			txt("工号"), txt("姓名"), txt("单位"), txt("备注"))
		row = func(i int, a *source) []cell {
			p := a.act.P
			return []cell{num(float64(i)), txt(e.Title), num(float64(e.Type)), txt(e.Cat), day(e.Start),
				txt(e.Organiser), txt(p.No), txt(p.Name), txt(unitName(p)), blank()}
		}
	case "union":
		s.add(txt("校工会" + e.Title + "签到表"))
		s.merge(0, 0, 0, 9)
		s.add(txt("序号"), txt("教工号"), txt("姓名"), txt("所在单位"), txt("培训项目"), txt("活动名称"),
			txt("科目类别"), txt("时间"), txt("主办单位"), txt("签名"))
		row = func(i int, a *source) []cell {
			p := a.act.P
			return []cell{num(float64(i)), txt(p.No), txt(p.Name), txt(unitName(p)), txt(typeNames[e.Type]),
				txt(e.Title), txt(catNames[e.Cat]), txt(cnDate(e.Start)), txt(e.Organiser), blank()}
		}
	}
	for i, a := range list {
		a.ref = rowRef{File: path, Sheet: s.Name, Row: s.add(row(i+1, a)...)}
	}
	for i, a := range twice {
		a.ref2 = rowRef{File: path, Sheet: s.Name, Row: s.add(row(len(list)+i+1, a)...)}
	}
	return &output{Path: path, Book: &book{Sheets: []*sheet{s}, Saved: saved}}
}

// claimRow is one claim as the teacher-training system exports it.
type claimRow struct {
	src *source
	a   *activity
}

func (w *world) claimsFile() *output {
	var claims []claimRow
	for _, a := range w.Activities {
		for _, s := range a.Sources {
			if s.Kind == "claim" {
				claims = append(claims, claimRow{s, a})
			}
		}
	}
	slices.SortStableFunc(claims, func(x, y claimRow) int {
		return cmp.Or(cmp.Compare(x.a.Year, y.a.Year), cmp.Compare(x.a.P.No, y.a.P.No),
			x.a.Start.Compare(y.a.Start))
	})
	s := &sheet{Name: "学时申报记录"}
	s.add(txt("申报编号"), txt("工号"), txt("姓名"), txt("所在单位"), txt("学年"), txt("培训项目"), txt("培训名称"),
		txt("主办单位"), txt("科目类别"), txt("开始日期"), txt("结束日期"), txt("天数"), txt("参与身份"),
		txt("申报学时"), txt("证书编号"), txt("审核状态"), txt("提交时间"))
	path := "claims/claims-20250819.xlsx"
	for i, c := range claims {
		a, src := c.a, c.src
		title, start, end := cmp.Or(src.Title, a.Title), a.Start, a.End
		if !src.Start.IsZero() {
			start, end = src.Start, src.End
		}
		days := daysCell(a)
		evidence := src.Evidence
		if evidence == "" && a.Type >= 19 {
			evidence = fmt.Sprintf("ZS%s%s%02d", a.Start.String()[:4], a.P.No, i%100)
		}
		submitted := d(2025, 8, 19).AddDays(-(i % 45))
		if a.Year == 2025 {
			submitted = d(2025, 7, 25).AddDays(i % 20)
		}
		organiser := a.Organiser
		switch {
		case organiser != "":
		case a.Type >= 19:
			organiser = "校外单位"
		default:
			organiser = unitName(a.P)
		}
		src.ref = rowRef{File: path, Sheet: s.Name, Row: s.add(
			txt(fmt.Sprintf("SB%d%05d", int(a.Year)+1, i+1)), txt(a.P.No), txt(a.P.Name), txt(unitName(a.P)),
			txt(a.Year.String()), txt(typeNames[a.Type]), txt(title), txt(organiser), txt(catNames[a.Cat]),
			day(start), day(end), days, txt("参加"), hrs(src.Hours), txt(evidence), txt(src.Review),
			txt(fmt.Sprintf("%s %02d:%02d", submitted, 9+i%9, (i*13)%60)))}
	}
	return &output{Path: path, Book: &book{Sheets: []*sheet{s}, Saved: saved}}
}

// unitSources returns the unit-sheet rows of a unit, grouped by person in
// 工号 order, then by date.
func (w *world) unitSources(code string) []*source {
	var out []*source
	for _, list := range [][]*activity{w.Activities, w.Rejects} {
		for _, a := range list {
			for _, s := range a.Sources {
				if s.Kind == "unit" && a.P.UnitCode == code {
					out = append(out, s)
				}
			}
		}
	}
	slices.SortStableFunc(out, func(x, y *source) int {
		return cmp.Or(cmp.Compare(x.act.P.No, y.act.P.No), x.act.Start.Compare(y.act.Start))
	})
	return out
}

func unitTitle(code string) string {
	return unitByCode(code).Name + "专业技术人员继续教育学时统计表"
}

// sheetU01: title rows, 工号 typed as numbers, 工号 and 姓名 merged over a
// person's rows, a blank row and a 合计 row with a SUM formula.
func (w *world) sheetU01() *output {
	s := &sheet{Name: "2024-2025学年"}
	path := "unit-sheet/U01/U01-2024-2025-学时统计表.xlsx"
	s.add(txt(unitTitle("U01")))
	s.merge(0, 0, 0, 12)
	s.add(txt("（2024—2025学年）　填报日期：2025年8月18日"))
	s.merge(1, 0, 1, 12)
	s.add(txt("序号"), txt("工号"), txt("姓名"), txt("学年"), txt("项目序号"), txt("活动名称"), txt("科目类型"),
		txt("开始日期"), txt("结束日期"), txt("天数"), txt("学时"), txt("证明材料"), txt("审核结果"))
	first := len(s.Rows) + 1
	var total float64
	rows := w.unitSources("U01")
	for i := 0; i < len(rows); {
		j := i
		for j < len(rows) && rows[j].act.P == rows[i].act.P && !rows[j].NoStaffNo && !rows[i].NoStaffNo {
			j++
		}
		j = max(j, i+1)
		top := len(s.Rows)
		for k := i; k < j; k++ {
			src, a := rows[k], rows[k].act
			no := num(float64(atoi(a.P.No)))
			if src.NoStaffNo {
				no = blank()
			}
			days := daysCell(a)
			src.ref = rowRef{File: path, Sheet: s.Name, Row: s.add(num(float64(k+1)), no, txt(a.P.Name),
				txt("2024-2025"), num(float64(a.Type)), txt(cmp.Or(src.Title, a.Title)), txt(a.Cat),
				day(a.Start), day(a.End), days, hrs(src.Hours), txt("会议通知、签到表"), txt(src.Review))}
			total += src.Hours.Float()
		}
		if j-i > 1 {
			s.merge(top, 1, top+j-i-1, 1)
			s.merge(top, 2, top+j-i-1, 2)
		}
		if i == 0 {
			s.add() // a blank row a secretary left after the first person
		}
		i = j
	}
	last := len(s.Rows)
	s.add(txt("合计"), blank(), blank(), blank(), blank(), blank(), blank(), blank(), blank(), blank(),
		sum(fmt.Sprintf("of:=SUM([.K%d:.K%d])", first, last), total))
	s.merge(len(s.Rows)-1, 0, len(s.Rows)-1, 9)
	return &output{Path: path, Book: &book{Sheets: []*sheet{s}, Saved: saved}}
}

// sheetU02 is a GBK csv as Chinese Excel saves one: the title in the first
// cell, 工号 that lost their leading zeros, dates as Excel shows them,
// aliases for the column names, a lone date column and a 合计 line.
func (w *world) sheetU02() *output {
	s := &sheet{Name: "Sheet1"}
	path := "unit-sheet/U02/U02-2024-2025-学时统计表.csv"
	s.add(txt(unitTitle("U02") + "（2024-2025学年）"))
	s.add(txt("序号"), txt("教工号"), txt("姓名"), txt("学年"), txt("项目序号"), txt("培训内容"), txt("科目类别"),
		txt("培训时间"), txt("培训天数"), txt("学时数"), txt("佐证材料"), txt("审核意见"))
	var total float64
	for k, src := range w.unitSources("U02") {
		a := src.act
		when := txt(rangeText(a.Start, a.End, slashDate, "%d/%d"))
		days := daysCell(a)
		src.ref = rowRef{File: path, Row: s.add(num(float64(k+1)), num(float64(atoi(a.P.No))),
			txt(cmp.Or(src.Name, a.P.Name)), txt("2024-2025"), num(float64(a.Type)), txt(a.Title),
			txt(catNames[a.Cat]), when, days, hrs(src.Hours), txt("结业证书"), txt(src.Review))}
		total += src.Hours.Float()
	}
	s.add(txt("合计"), blank(), blank(), blank(), blank(), blank(), blank(), blank(), blank(), num(total))
	b := &book{Sheets: []*sheet{s}, Saved: saved}
	return &output{Path: path, CSV: b.csvRows(slashDate), GBK: true}
}

// summaryU03 is a per-person summary: one row per person with A, B and C
// totals, as the unit computed them.
func (w *world) summaryU03(totals []*expectStanding) *output {
	s := &sheet{Name: "个人学时汇总"}
	path := "unit-sheet/U03/U03-2024-2025-个人学时汇总表.xlsx"
	s.add(txt("公共卫生与管理学院2024—2025学年继续教育学时汇总表"))
	s.merge(0, 0, 0, 7)
	s.add(txt("序号"), txt("工号"), txt("姓名"), txt("学年"), txt("专业科目"), txt("行业公需科目"),
		txt("一般公需科目"), txt("总学时"))
	n := 0
	var ta, tb, tc float64
	for _, st := range totals {
		if st.Unit != "U03" {
			continue
		}
		p := w.personByNo(st.StaffNo)
		a, b, c := st.raw["A"], st.raw["B"], st.raw["C"]
		if p.Key == "unit-total" {
			a += reconcile.H(8) // the unit counted a conference twice
		}
		n++
		row := s.add(num(float64(n)), txt(p.No), txt(p.Name), txt("2024-2025"), hrs(a), hrs(b), hrs(c), hrs(a+b+c))
		if p.Key == "unit-total" {
			w.u03Ref = rowRef{File: path, Sheet: s.Name, Row: row}
		}
		ta, tb, tc = ta+a.Float(), tb+b.Float(), tc+c.Float()
	}
	s.add(txt("合计"), blank(), blank(), blank(), num(ta), num(tb), num(tc), num(ta+tb+tc))
	s.merge(len(s.Rows)-1, 0, len(s.Rows)-1, 3)
	return &output{Path: path, Book: &book{Sheets: []*sheet{s}, Saved: saved}}
}

// sheetU04: the hospital's sheet with aliases, the unit merged down its
// column, hours typed as "4学时", and a hidden sheet of drop-down lists.
func (w *world) sheetU04() *output {
	s := &sheet{Name: "学时统计"}
	path := "unit-sheet/U04/U04-2024-2025-学时统计表.xlsx"
	s.add(txt(unitTitle("U04")))
	s.merge(0, 0, 0, 11)
	s.add(txt("单位"), txt("职工号"), txt("姓名"), txt("科室"), txt("学年"), txt("类型序号"), txt("项目名称"),
		txt("科目"), txt("起始日期"), txt("截止日期"), txt("学时数"), txt("审核状态"))
	depts := []string{"心血管内科", "检验科", "呼吸内科", "普外科", "儿科", "影像科"}
	rows := w.unitSources("U04")
	top := len(s.Rows)
	for k, src := range rows {
		a := src.act
		unit := blank()
		if k == 0 {
			unit = txt("附属第一医院")
		}
		dept := depts[atoi(a.P.No)%len(depts)]
		if a.P.Series == "实验" {
			dept = "检验科"
		}
		src.ref = rowRef{File: path, Sheet: s.Name, Row: s.add(unit, txt(a.P.No), txt(a.P.Name), txt(dept),
			txt("2024-2025"), num(float64(a.Type)), txt(a.Title), txt(a.Cat), day(a.Start), day(a.End),
			txt(src.Hours.String()+"学时"), txt(src.Review))}
	}
	if len(rows) > 1 {
		s.merge(top, 0, top+len(rows)-1, 0)
	}
	lists := &sheet{Name: "下拉选项", Hidden: true}
	lists.add(txt("科目"), txt("审核状态"))
	lists.add(txt("A"), txt("通过"))
	lists.add(txt("B"), txt("不通过"))
	lists.add(txt("C"), txt("待审核"))
	return &output{Path: path, Book: &book{Sheets: []*sheet{s, lists}, Saved: saved}}
}

// sheetU05: everything typed as text — dates in every form people type,
// full-width digits, and one impossible date.
func (w *world) sheetU05() *output {
	s := &sheet{Name: "Sheet1"}
	path := "unit-sheet/U05/U05-2024-2025-学时统计表.xlsx"
	s.add(txt(unitTitle("U05")))
	s.merge(0, 0, 0, 10)
	s.add(txt("序号"), txt("工号"), txt("姓名"), txt("学年"), txt("项目序号"), txt("活动名称"), txt("科目类型"),
		txt("日期"), txt("学时"), txt("证明材料"), txt("审核结果"))
	forms := []func(reconcile.Date) string{dotDate, cnDate, compactDate, slashDate, func(d reconcile.Date) string { return d.String() }}
	for k, src := range w.unitSources("U05") {
		a := src.act
		when := src.DateText
		if when == "" {
			form := forms[k%len(forms)]
			when = form(a.Start)
			if a.End != a.Start {
				when = rangeText(a.Start, a.End, dotDate, "%d.%d")
			}
		}
		src.ref = rowRef{File: path, Sheet: s.Name, Row: s.add(txt(fmt.Sprint(k+1)), txt(cmp.Or(src.StaffNo, a.P.No)),
			txt(a.P.Name), txt("2024-2025"), txt(fmt.Sprint(a.Type)), txt(a.Title), txt(a.Cat), txt(when),
			txt(cmp.Or(src.HoursText, src.Hours.String())), txt("见附件"), txt(src.Review))}
	}
	return &output{Path: path, Book: &book{Sheets: []*sheet{s}, Saved: saved}}
}

// sheetU06: canonical column names, dates as date cells, every review
// result.
func (w *world) sheetU06() *output {
	s := &sheet{Name: "继续教育学时统计表"}
	path := "unit-sheet/U06/U06-2024-2025-学时统计表.xlsx"
	s.add(txt(unitTitle("U06") + "（2024-2025学年）"))
	s.merge(0, 0, 0, 11)
	s.add(txt("序号"), txt("工号"), txt("姓名"), txt("学年"), txt("项目序号"), txt("活动名称"), txt("科目类型"),
		txt("开始日期"), txt("结束日期"), txt("学时"), txt("证明材料"), txt("审核结果"))
	for k, src := range w.unitSources("U06") {
		a := src.act
		src.ref = rowRef{File: path, Sheet: s.Name, Row: s.add(num(float64(k+1)), txt(a.P.No), txt(a.P.Name),
			txt("2024-2025"), num(float64(a.Type)), txt(a.Title), txt(a.Cat), day(a.Start), day(a.End),
			hrs(src.Hours), txt("结业证书"), txt(src.Review))}
	}
	return &output{Path: path, Book: &book{Sheets: []*sheet{s}, Saved: saved}}
}

func (w *world) personByNo(no string) *person {
	for _, p := range w.People {
		if p.No == no {
			return p
		}
	}
	panic("no person " + no)
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// xlsxName is the name LibreOffice gives the converted file.
func xlsxName(src string) string {
	return strings.TrimSuffix(filepath.Base(src), filepath.Ext(src)) + ".xlsx"
}

// perDay are the types whose hours count days: only their rows give 天数.
var perDay = map[int]bool{2: true, 7: true, 9: true, 16: true, 21: true, 24: true, 25: true, 26: true}

func daysCell(a *activity) cell {
	if !perDay[a.Type] || a.Days == 0 {
		return blank()
	}
	return num(float64(a.Days))
}
