package reports

import (
	"bytes"
	"cmp"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io"
	"slices"
	texttemplate "text/template"

	"cehours/reconcile"
)

//go:embed templates
var templateFS embed.FS

// The mail bodies. HTML bodies use tables with inline styles and bgcolor
// attributes only: Outlook renders with Word and ignores most CSS, and
// Tencent Exmail and QQ Mail drop <style> blocks, classes and scripts.
var (
	htmlTemplates = htmltemplate.Must(htmltemplate.New("").Funcs(templateFuncs).
			ParseFS(templateFS, "templates/*.html"))
	textTemplates = texttemplate.Must(texttemplate.New("").Funcs(templateFuncs).
			ParseFS(templateFS, "templates/*.txt"))
)

// templateFuncs are the helpers the templates call.
var templateFuncs = map[string]any{
	"inc": func(i int) int { return i + 1 },
}

// executor is what html/template and text/template templates share.
type executor interface {
	ExecuteTemplate(w io.Writer, name string, data any) error
}

// render executes the named template of set on data.
func render(set executor, name string, data any) (string, error) {
	var buf bytes.Buffer
	if err := set.ExecuteTemplate(&buf, name, data); err != nil {
		return "", fmt.Errorf("render %s: %w", name, err)
	}
	return buf.String(), nil
}

// daysLeft says how far day is from the deadline, as a subject reads it.
func daysLeft(day, deadline reconcile.Date) string {
	n := day.DaysUntil(deadline)
	switch {
	case n > 0:
		return fmt.Sprintf("距%d月%d日截止还有 %d 天", int(deadline.M), deadline.D, n)
	case n == 0:
		return fmt.Sprintf("今天（%d月%d日）截止", int(deadline.M), deadline.D)
	}
	return fmt.Sprintf("已过%d月%d日截止 %d 天", int(deadline.M), deadline.D, -n)
}

// signed writes a change with its sign: "+3", "−2", "0".
func signed(n int) string {
	switch {
	case n > 0:
		return fmt.Sprintf("+%d", n)
	case n < 0:
		return fmt.Sprintf("−%d", -n)
	}
	return "0"
}

// percent writes a rate as "83.3%".
func percent(r float64) string { return fmt.Sprintf("%.1f%%", r*100) }

// unitRow is one unit in the digest's mail table.
type unitRow struct {
	Code, Name string
	Counts
	Rate    string
	Bar     int // the compliance rate in whole percent, for the bar
	BarRest int
	Change  string // change in the number short; "" without a previous digest
}

// codeRow is a number of discrepancies of one code.
type codeRow struct {
	Label string
	Code  reconcile.FlagCode
	N     int
}

// personRow is a person in a list in the digest.
type personRow struct {
	StaffNo, Name, Unit string
}

// digestView is what the digest templates show, formatted.
type digestView struct {
	Subject, Year, Today, Deadline, DaysLeft string
	Total                                    Counts
	TotalRate                                string
	Units                                    []unitRow
	Previous                                 string // date of the last digest; "" when none
	NewTotal, ResolvedTotal                  int
	NewByCode, ResolvedByCode                []codeRow
	BecameCompliant                          []personRow
	MoreCompliant                            int
	Dead                                     []DeadMail
}

// compliantListed is how many newly compliant people the mail names; the
// workbook and the standings command give the rest.
const compliantListed = 30

// newDigestView formats d for the templates. Units are listed with the
// lowest compliance rate first, so the mail opens on where help is needed.
func newDigestView(d Digest) digestView {
	deadline := d.Year.Deadline()
	v := digestView{
		Year: d.Year.String(), Today: dateCN(d.Today), Deadline: dateCN(deadline),
		DaysLeft: daysLeft(d.Today, deadline), Previous: dateCN(d.Previous), Dead: d.Dead,
	}
	names := map[string]string{}
	for _, u := range d.Units {
		names[u.Unit.Code] = u.Unit.Name
		v.Total.Add(u.Counts)
		row := unitRow{Code: u.Unit.Code, Name: u.Unit.Name, Counts: u.Counts,
			Rate: percent(u.Rate()), Bar: int(u.Rate()*100 + 0.5)}
		row.BarRest = 100 - row.Bar
		if u.Previous != nil {
			row.Change = signed(u.Short - u.Previous.Short)
		}
		v.Units = append(v.Units, row)
	}
	slices.SortStableFunc(v.Units, func(a, b unitRow) int {
		return cmp.Or(cmp.Compare(a.Rate2(), b.Rate2()), cmp.Compare(a.Code, b.Code))
	})
	v.TotalRate = percent(v.Total.Rate())
	v.NewByCode, v.NewTotal = byCode(d.Codes, func(c CodeCount) int { return c.New })
	v.ResolvedByCode, v.ResolvedTotal = byCode(d.Codes, func(c CodeCount) int { return c.Resolved })
	for i, p := range d.BecameCompliant {
		if i == compliantListed {
			v.MoreCompliant = len(d.BecameCompliant) - i
			break
		}
		v.BecameCompliant = append(v.BecameCompliant,
			personRow{p.StaffNo, p.Name, cmp.Or(names[p.UnitCode], p.UnitCode)})
	}
	short := v.Total.Short
	v.Subject = fmt.Sprintf("【继续教育学时】%s学年未达标 %d 人，%s", v.Year, short, v.DaysLeft)
	return v
}

// Rate2 orders rows by their exact rate.
func (r unitRow) Rate2() float64 { return r.Counts.Rate() }

// byCode sums n over the units per code, largest first, and the total.
func byCode(codes []CodeCount, n func(CodeCount) int) ([]codeRow, int) {
	sums := map[reconcile.FlagCode]int{}
	total := 0
	for _, c := range codes {
		sums[c.Code] += n(c)
		total += n(c)
	}
	var rows []codeRow
	for code, k := range sums {
		if k > 0 {
			rows = append(rows, codeRow{FlagLabel(code), code, k})
		}
	}
	slices.SortFunc(rows, func(a, b codeRow) int {
		return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Code, b.Code))
	})
	return rows, total
}
