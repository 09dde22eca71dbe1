package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"cehours/internal/mail"
	"cehours/reconcile"
)

// ReminderKey is the outbox key of staffNo's reminder of year y sent on
// day: one reminder per person, year and reminder date.
func ReminderKey(staffNo string, y reconcile.Year, day reconcile.Date) string {
	return "reminder/" + staffNo + "/" + y.String() + "/" + day.String()
}

// checkReminderScope returns ErrScope when r holds anyone else's data.
func checkReminderScope(r Reminder) error {
	no := r.Staff.No
	if r.Standing.StaffNo != no {
		return fmt.Errorf("reminder %s: standing of %q: %w", no, r.Standing.StaffNo, ErrScope)
	}
	for _, l := range r.Lines {
		if l.StaffNo != no {
			return fmt.Errorf("reminder %s: line of %q: %w", no, l.StaffNo, ErrScope)
		}
	}
	for _, d := range r.Discrepancies {
		if d.StaffNo != no {
			return fmt.Errorf("reminder %s: discrepancy of %q: %w", no, d.StaffNo, ErrScope)
		}
	}
	return nil
}

// ReminderMessage builds one person's reminder: hours by category against
// the requirement, every credited line, what is pending and why, every
// open discrepancy with what to do, and the deadline. It is addressed to
// the roster's address, and has no recipient when the roster has none.
// It returns an error wrapping ErrScope when r holds another person's data.
func ReminderMessage(r Reminder) (mail.Message, error) {
	if err := checkReminderScope(r); err != nil {
		return mail.Message{}, fmt.Errorf("build reminder: %w", err)
	}
	v := newReminderView(r)
	html, err := render(htmlTemplates, "reminder.html", v)
	if err != nil {
		return mail.Message{}, fmt.Errorf("build reminder %s: %w", r.Staff.No, err)
	}
	text, err := render(textTemplates, "reminder.txt", v)
	if err != nil {
		return mail.Message{}, fmt.Errorf("build reminder %s: %w", r.Staff.No, err)
	}
	var to []mail.Address
	if r.Staff.Email != "" {
		to = []mail.Address{{Name: r.Staff.Name, Email: r.Staff.Email}}
	}
	return mail.Message{
		Key:  ReminderKey(r.Staff.No, r.Standing.Year, r.Today),
		Kind: "reminder", To: to, Subject: v.Subject, Text: text, HTML: html,
	}, nil
}

// reqRow is one row of the requirement table.
type reqRow struct {
	Label                                string
	Required, Credited, Pending, Missing string
	Short                                bool
}

// lineRow is one ledger line of a reminder.
type lineRow struct {
	Dates, Type, Title, Category, Role, Hours, Pending, Rule, Note, Why, Action, Status string
}

// discRow is one open discrepancy of a reminder.
type discRow struct {
	Label, Message, Action string
}

// reminderView is what the reminder templates show.
type reminderView struct {
	Subject, Name, StaffNo, Unit, Year, Today, Deadline, DaysLeft, Status string
	IfConfirmed, ReqTotal, ReqA, ReqBC                                    string
	WholeYear, Short                                                      bool
	Rows                                                                  []reqRow
	Credited, Pending, NotCredited                                        []lineRow
	Discrepancies                                                         []discRow
	Contact                                                               string
}

func newReminderView(r Reminder) reminderView {
	st, req := r.Standing, r.Requirement
	if req == (Requirement{}) {
		req = DefaultRequirement
	}
	deadline := st.Year.Deadline()
	v := reminderView{
		Name: r.Staff.Name, StaffNo: r.Staff.No, Unit: r.UnitName, Year: st.Year.String(),
		Today: dateCN(r.Today), Deadline: dateCN(deadline), DaysLeft: daysLeft(r.Today, deadline),
		Status: StandingLabel(st.Status), WholeYear: st.WholeYear,
		Short:    st.Status == reconcile.StandingShort || st.Status == reconcile.StandingAtRisk,
		Contact:  cmp.Or(r.Contact, "本单位继续教育管理员"),
		ReqTotal: req.Total.String(), ReqA: req.A.String(), ReqBC: req.BC.String(),
	}
	if v.Short && st.IfConfirmed != st.Status && st.IfConfirmed != "" {
		v.IfConfirmed = StandingLabel(st.IfConfirmed)
	}
	v.Rows = []reqRow{
		reqLine("总学时", req.Total, st.Hours.Total, st.Pending.Total, st.Missing.Total),
		reqLine("A类（专业科目）", req.A, st.Hours.A, st.Pending.A, st.Missing.A),
		reqLine("B+C类（公需科目）", req.BC, st.Hours.B+st.Hours.C,
			st.Pending.B+st.Pending.C, st.Missing.BC),
	}
	reminderLines(&v, r.Lines)
	for _, d := range sortedDiscrepancies(r.Discrepancies) {
		v.Discrepancies = append(v.Discrepancies, discRow{FlagLabel(d.Code), d.Message, d.Action})
	}
	v.Subject = reminderSubject(r, v)
	return v
}

func reqLine(label string, req, got, pending, missing reconcile.Hours) reqRow {
	return reqRow{label, req.String(), got.String(), pending.String(), missing.String(), missing > 0}
}

// reminderLines sorts the lines by date into credited, pending and not
// credited, with why each pending or refused line does not count yet.
func reminderLines(v *reminderView, lines []LedgerLine) {
	sorted := slices.Clone(lines)
	slices.SortFunc(sorted, func(a, b LedgerLine) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Title, b.Title))
	})
	for _, l := range sorted {
		row := lineRow{
			Dates: dateRange(l.Start, l.End), Type: typeText(l), Title: l.Title,
			Category: string(l.Category), Role: RoleLabel(l.Role), Hours: l.Credited.String(),
			Pending: l.Pending.String(), Rule: l.Rule, Note: joinNotes(l.CapNote, l.Decision),
			Status: StatusLabel(l.Status),
		}
		refused := !l.Status.Counts() && l.Status != reconcile.StatusPending
		row.Why, row.Action = flagTexts(l.Flags, refused)
		switch {
		case l.Status.Counts():
			v.Credited = append(v.Credited, row)
		case l.Status == reconcile.StatusPending:
			if row.Why == "" {
				row.Why = "尚无审核通过的证明材料"
			}
			if row.Action == "" {
				row.Action = "请向本单位或教师发展中心提交证明材料（签到记录、证书或审核通过的统计表）"
			}
			v.Pending = append(v.Pending, row)
		default:
			if row.Why == "" {
				row.Why = "未获审核通过"
			}
			v.NotCredited = append(v.NotCredited, row)
		}
	}
}

// flagTexts joins the messages and the actions of the warning and error
// flags of a line, and of its info flags too when withInfo is set (a
// refused line's info flag is why it was refused).
func flagTexts(flags []reconcile.Flag, withInfo bool) (why, action string) {
	var ws, as []string
	for _, f := range flags {
		if f.Severity == reconcile.SevInfo && !withInfo {
			continue
		}
		if f.Message != "" && !slices.Contains(ws, f.Message) {
			ws = append(ws, f.Message)
		}
		if f.Action != "" && !slices.Contains(as, f.Action) {
			as = append(as, f.Action)
		}
	}
	return strings.Join(ws, "；"), strings.Join(as, "；")
}

func joinNotes(notes ...string) string {
	var out []string
	for _, n := range notes {
		if n != "" {
			out = append(out, n)
		}
	}
	return strings.Join(out, "；")
}

// typeText names a line's activity type: "1 各类培训、讲座" or "类型 1".
func typeText(l LedgerLine) string {
	switch {
	case l.TypeName != "" && l.Type > 0:
		return fmt.Sprintf("%d %s", l.Type, l.TypeName)
	case l.TypeName != "":
		return l.TypeName
	case l.Type > 0:
		return fmt.Sprintf("类型 %d", l.Type)
	}
	return "未分类"
}

// dateRange writes "2024-03-05" or "2024-03-05 至 2024-03-07".
func dateRange(start, end reconcile.Date) string {
	if end.IsZero() || end == start {
		return start.String()
	}
	return start.String() + " 至 " + end.String()
}

func sortedDiscrepancies(ds []reconcile.Discrepancy) []reconcile.Discrepancy {
	out := slices.Clone(ds)
	slices.SortFunc(out, func(a, b reconcile.Discrepancy) int {
		return cmp.Or(cmp.Compare(a.Code, b.Code), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// reminderSubject says the one thing the person must know first.
func reminderSubject(r Reminder, v reminderView) string {
	st := r.Standing
	prefix := "【继续教育学时】" + r.Staff.Name + "，您" + v.Year + "学年"
	if v.Short {
		var sub []string
		if st.Missing.A > 0 {
			sub = append(sub, "A类 "+st.Missing.A.String())
		}
		if st.Missing.BC > 0 {
			sub = append(sub, "B+C类 "+st.Missing.BC.String())
		}
		missing := " " + strings.Join(sub, "、") + " 学时"
		if st.Missing.Total > 0 {
			missing = " " + st.Missing.Total.String() + " 学时"
			if len(sub) > 0 {
				missing += "（" + strings.Join(sub, "，") + "）"
			}
		}
		return prefix + "尚缺" + missing + "，" + v.DaysLeft
	}
	return fmt.Sprintf("%s有 %d 项学时记录需核实，%s", prefix, len(r.Discrepancies), v.DaysLeft)
}
