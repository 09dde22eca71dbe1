package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"cehours/reconcile"
)

// The personal statistics form 《继续教育学时统计表》 lists the credited
// lines only (those whose status counts and that credit more than zero
// after caps): it is what the person enters into the provincial
// platform, and hours still pending or refused do not belong there. The
// pending total is stated below the table so that nobody thinks it lost.
const (
	formTitle = "继续教育学时统计表"
	formSheet = "学时统计表"
	formIndex = "汇总"
	formTop   = 5 // the table header's row
)

// FormAttachment names one person's form of year y.
func FormAttachment(s reconcile.Staff, y reconcile.Year) (filename, name string) {
	return asciiName("form-" + s.No + "-" + y.String() + ".xlsx"),
		fileNameCN(formTitle + "-" + s.Name + "-" + y.String() + ".xlsx")
}

// UnitFormAttachment names a unit's workbook of forms of year y.
func UnitFormAttachment(u reconcile.Unit, y reconcile.Year) (filename, name string) {
	return asciiName("forms-" + u.Code + "-" + y.String() + ".xlsx"),
		fileNameCN(formTitle + "-" + u.Code + "-" + y.String() + ".xlsx")
}

// checkFormScope returns ErrScope when a line of f is another person's.
func checkFormScope(f Form) error {
	for _, l := range f.Lines {
		if l.StaffNo != f.Staff.No {
			return fmt.Errorf("form %s: line of %q: %w", f.Staff.No, l.StaffNo, ErrScope)
		}
	}
	return nil
}

// FormWorkbook builds one person's form: a single sheet (学时统计表) with
// the person, the A / B / C sums and every credited line with its
// evidence. It returns an error wrapping ErrScope when a line is another
// person's.
func FormWorkbook(f Form) ([]byte, error) {
	if err := checkFormScope(f); err != nil {
		return nil, fmt.Errorf("build form: %w", err)
	}
	b, err := newBook()
	if err != nil {
		return nil, fmt.Errorf("build form %s: %w", f.Staff.No, err)
	}
	if err := formSheetOf(b, formSheet, f); err != nil {
		return nil, fmt.Errorf("build form %s: %w", f.Staff.No, err)
	}
	return b.bytes()
}

// UnitFormWorkbook builds the forms of a unit's staff as one workbook: an
// index sheet (汇总) of everyone's sums, then one sheet per person in
// staff order, named "姓名-工号". It returns an error wrapping ErrScope
// when a form is of someone outside unit u or holds another's line.
func UnitFormWorkbook(u reconcile.Unit, y reconcile.Year, forms []Form) ([]byte, error) {
	for _, f := range forms {
		if f.Staff.UnitCode != u.Code {
			return nil, fmt.Errorf("build unit forms %s: form of %s of unit %q: %w",
				u.Code, f.Staff.No, f.Staff.UnitCode, ErrScope)
		}
		if err := checkFormScope(f); err != nil {
			return nil, fmt.Errorf("build unit forms %s: %w", u.Code, err)
		}
	}
	sorted := slices.Clone(forms)
	slices.SortFunc(sorted, func(a, b Form) int { return cmp.Compare(a.Staff.No, b.Staff.No) })
	b, err := newBook()
	if err != nil {
		return nil, fmt.Errorf("build unit forms %s: %w", u.Code, err)
	}
	used := map[string]bool{strings.ToLower(formIndex): true}
	names := make([]string, len(sorted))
	for i, f := range sorted {
		names[i] = sheetName(f.Staff.Name+"-"+f.Staff.No, used)
	}
	if err := formIndexSheet(b, u, y, sorted, names); err != nil {
		return nil, fmt.Errorf("build unit forms %s: %w", u.Code, err)
	}
	for i, f := range sorted {
		if err := formSheetOf(b, names[i], f); err != nil {
			return nil, fmt.Errorf("build unit forms %s: %w", u.Code, err)
		}
	}
	return b.bytes()
}

// formSums adds up the credited hours of the lines the form lists.
func formSums(lines []LedgerLine) (listed []LedgerLine, sums reconcile.CategoryHours, pending reconcile.Hours) {
	for _, l := range lines {
		pending += l.Pending
		if l.Status.Counts() && l.Credited > 0 {
			listed = append(listed, l)
			sums.Add(l.Category, l.Credited)
		}
	}
	slices.SortFunc(listed, func(a, b LedgerLine) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Title, b.Title))
	})
	return listed, sums, pending
}

// formIndexSheet writes the unit workbook's index of people and sums.
func formIndexSheet(b *book, u reconcile.Unit, y reconcile.Year, forms []Form, names []string) error {
	w, err := b.sheet(formIndex, 12, 10, 9, 9, 9, 9, 11, 24)
	if err != nil {
		return err
	}
	err = w.table("工号", "姓名", "A类", "B类", "C类", "合计", "待认定学时", "工作表")
	if err != nil {
		return err
	}
	for i, f := range forms {
		_, sums, pending := formSums(f.Lines)
		if err := w.line(b.s(f.Staff.No), b.s(f.Staff.Name), b.h(sums.A), b.h(sums.B),
			b.h(sums.C), b.h(sums.Total), b.h(pending), b.s(names[i])); err != nil {
			return err
		}
	}
	return w.close()
}

// formSheetOf writes one person's form on a sheet called name.
func formSheetOf(b *book, name string, f Form) error {
	w, err := b.sheet(name, 6, 12, 10, 11, 8, 22, 30, 9, 9, 12, 12, 9, 18, 20, 10)
	if err != nil {
		return err
	}
	if err := w.freeze(formTop); err != nil {
		return err
	}
	listed, sums, pending := formSums(f.Lines)
	bold := func(s string) excelize.Cell { return excelize.Cell{StyleID: b.bold, Value: s} }

	// The title, the person and the sums above the table.
	head := [][]any{
		{excelize.Cell{StyleID: b.title, Value: f.Year.String() + "学年" + formTitle}},
		{bold("工号"), b.s(f.Staff.No), bold("姓名"), b.s(f.Staff.Name), bold("单位"),
			b.s(f.UnitName), bold("学年"), b.s(f.Year.String()), bold("填表日期"), b.d(f.Today)},
		{bold("A类"), b.h(sums.A), bold("B类"), b.h(sums.B), bold("C类"), b.h(sums.C),
			bold("合计"), b.h(sums.Total), bold("待认定"), b.h(pending)},
		{},
	}
	for _, row := range head {
		if len(row) == 0 {
			w.skip(1)
			continue
		}
		if err := w.line(row...); err != nil {
			return err
		}
	}
	if err := w.sw.MergeCell("A1", "O1"); err != nil {
		return fmt.Errorf("write sheet %q: merge title: %w", name, err)
	}

	// The table of credited lines.
	err = w.table("序号", "工号", "姓名", "学年", "项目序号", "类型名称", "活动名称",
		"科目类型", "角色", "开始日期", "结束日期", "认定学时", "组织单位", "证明材料", "认定状态")
	if err != nil {
		return err
	}
	for i, l := range listed {
		end := l.End
		if end.IsZero() {
			end = l.Start
		}
		if err := w.line(b.n(i+1), b.s(f.Staff.No), b.s(f.Staff.Name), b.s(f.Year.String()),
			b.n(l.Type), b.s(l.TypeName), b.s(l.Title), b.s(string(l.Category)),
			b.s(RoleLabel(l.Role)), b.d(l.Start), b.d(end), b.h(l.Credited),
			b.s(l.Organiser), b.s(l.Evidence), b.s(StatusLabel(l.Status))); err != nil {
			return err
		}
	}
	w.end = w.row
	note := fmt.Sprintf("共 %d 项，合计 %s 学时。", len(listed), sums.Total)
	if pending > 0 {
		note += fmt.Sprintf("另有 %s 学时待补证明，认定后方可列入本表。", pending)
	}
	w.skip(1)
	if err := w.line(excelize.Cell{StyleID: b.wrap, Value: note}); err != nil {
		return err
	}
	return w.close()
}
