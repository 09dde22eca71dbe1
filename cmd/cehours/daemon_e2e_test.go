package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"cehours/internal/mail/mailpittest"
	"cehours/internal/store"
	"cehours/internal/store/storetest"
	"cehours/jobs"
)

// The end-to-end tests run the cehours binary as a real process against a
// fresh MariaDB database and a Mailpit SMTP server, and read the results
// back through the database and Mailpit's API. They skip when
// CEHOURS_TEST_MYSQL_DSN or the Mailpit binary is missing.

var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// cehoursBinary builds the cehours binary once per test process.
func cehoursBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "cehours-e2e-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "cehours")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// e2eEnv is one test's world: a MariaDB database, a Mailpit server, a
// folder with the inbox and var, and the binary.
type e2eEnv struct {
	t     *testing.T
	dir   string
	dsn   string
	mp    *mailpittest.Server
	db    *store.Store
	bin   string
	inbox string
}

// newE2E sets up the services, or skips the test when one is missing. The
// schema is migrated here, so that the test can poll the tables from the
// first moment; the daemon then finds nothing to migrate.
func newE2E(t *testing.T) *e2eEnv {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end daemon test: skipped with -short")
	}
	dsn, _ := storetest.NewMySQLDatabase(t)
	mp := mailpittest.Start(t)
	s, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	return &e2eEnv{t: t, dir: dir, dsn: dsn, mp: mp, db: s, bin: cehoursBinary(t),
		inbox: filepath.Join(dir, "inbox")}
}

// config writes a configuration with every job on a schedule of seconds
// and mail through Mailpit at ratePerMinute (0: no limit), and returns
// its path.
func (e *e2eEnv) config(name string, ratePerMinute int) string {
	e.t.Helper()
	text := fmt.Sprintf(`db: %q
var: %s
inbox: %s
log: {level: info, format: json}
mail:
  from: cehours@example.edu.cn
  hr: [renshichu@example.edu.cn]
  rate_per_minute: %d
  retry_base: 1s
  smtp: {host: %s, port: %d, tls: none, timeout: 10s}
schedule: {import: "@every 1s", reconcile: "", digest: "@every 2s",
  unit_reports: "@every 2s", reminders: "@every 2s", send: "@every 1s"}
jobs: {stop_timeout: 20s}
`, e.dsn, filepath.Join(e.dir, "var"), e.inbox, ratePerMinute, e.mp.SMTPHost, e.mp.SMTPPort)
	path := filepath.Join(e.dir, name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		e.t.Fatal(err)
	}
	return path
}

// daemon is a running "cehours run" process.
type daemon struct {
	cmd  *exec.Cmd
	logs *syncBuffer
	done chan struct{}
	err  error // the result of Wait, once done is closed
}

// start runs "cehours --config cfg --today today run"; the process is
// killed when the test ends if it is still running.
func (e *e2eEnv) start(cfg, today string) *daemon {
	e.t.Helper()
	d := &daemon{logs: &syncBuffer{}, done: make(chan struct{})}
	d.cmd = exec.Command(e.bin, "--config", cfg, "--today", today, "run")
	d.cmd.Stdout, d.cmd.Stderr = d.logs, d.logs
	if err := d.cmd.Start(); err != nil {
		e.t.Fatalf("start cehours run: %v", err)
	}
	go func() {
		d.err = d.cmd.Wait()
		close(d.done)
	}()
	e.t.Cleanup(func() {
		select {
		case <-d.done:
		default:
			_ = d.cmd.Process.Kill()
			<-d.done
		}
	})
	return d
}

// stop sends SIGTERM and returns the exit status; the test fails when
// the process has not exited within limit.
func (d *daemon) stop(t *testing.T, limit time.Duration) int {
	t.Helper()
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case <-d.done:
	case <-time.After(limit):
		t.Fatalf("cehours run still running %v after SIGTERM\n%s", limit, d.logs)
	}
	var exit *exec.ExitError
	if errors.As(d.err, &exit) {
		return exit.ExitCode()
	}
	if d.err != nil {
		t.Fatalf("cehours run: %v", d.err)
	}
	return 0
}

// kill sends SIGKILL and waits for the process to be gone.
func (d *daemon) kill(t *testing.T) {
	t.Helper()
	if err := d.cmd.Process.Kill(); err != nil {
		t.Fatalf("SIGKILL: %v", err)
	}
	<-d.done
}

// waitFor polls cond every 100 ms until it holds; it fails the test
// after limit with what and the daemon's log.
func waitFor(t *testing.T, d *daemon, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		select {
		case <-d.done:
			t.Fatalf("cehours run exited (%v) while waiting for %s\n%s", d.err, what, d.logs)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s after %v\n%s", what, limit, d.logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// count returns the single integer the query selects; a failing query
// fails the test.
func (e *e2eEnv) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.DB.GetContext(e.t.Context(), &n, q, args...); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// runs returns the ledger's runs of job, newest first.
func (e *e2eEnv) runs(job string) []jobs.RunRecord {
	e.t.Helper()
	rs, err := jobs.Ledger{DB: e.db.DB}.Recent(e.t.Context(), job, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	return rs
}

// succeeded reports whether job has a successful run for period.
func (e *e2eEnv) succeeded(job, period string) bool {
	e.t.Helper()
	ok, err := jobs.Ledger{DB: e.db.DB}.Succeeded(e.t.Context(), job, period)
	if err != nil {
		e.t.Fatal(err)
	}
	return ok
}

// outboxIDs returns the Message-ID of every outbox row, without angle
// brackets, by kind.
func (e *e2eEnv) outboxIDs() map[string][]string {
	e.t.Helper()
	var rows []struct {
		Kind string `db:"kind"`
		ID   string `db:"message_id"`
	}
	if err := e.db.DB.SelectContext(e.t.Context(), &rows,
		`SELECT kind, message_id FROM outbox ORDER BY id`); err != nil {
		e.t.Fatal(err)
	}
	out := map[string][]string{}
	for _, r := range rows {
		out[r.Kind] = append(out[r.Kind], strings.Trim(r.ID, "<>"))
	}
	return out
}

// deliveries counts Mailpit's messages by Message-ID.
func deliveries(mp *mailpittest.Server) map[string]int {
	n := map[string]int{}
	for _, m := range mp.Messages() {
		n[m.MessageID]++
	}
	return n
}

// dropInbox moves the example inbox into the daemon's inbox a folder at a
// time, in the order a first deployment brings them (units and roster
// first), each folder renamed in whole so the daemon never sees a file
// half written.
func (e *e2eEnv) dropInbox(src string) {
	e.t.Helper()
	staging := filepath.Join(e.dir, "staging")
	copyTree(e.t, src, staging)
	if err := os.MkdirAll(e.inbox, 0o700); err != nil {
		e.t.Fatal(err)
	}
	for _, kind := range []string{"units", "roster", "attendance", "unit-sheet", "claims"} {
		err := os.Rename(filepath.Join(staging, kind), filepath.Join(e.inbox, kind))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			e.t.Fatal(err)
		}
	}
}

// inboxFiles counts the regular files left anywhere under the inbox.
func inboxFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	_ = filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return nil
	})
	return n
}

// staffInfo is a roster entry as the checks need it.
type staffInfo struct {
	No    string `db:"staff_no"`
	Name  string `db:"name"`
	Unit  string `db:"unit_code"`
	Email string `db:"email"`
}

// roster returns the roster in force by staff number.
func (e *e2eEnv) roster() map[string]staffInfo {
	e.t.Helper()
	var list []staffInfo
	if err := e.db.DB.SelectContext(e.t.Context(), &list,
		`SELECT staff_no, name, unit_code, email FROM staff WHERE active = 1`); err != nil {
		e.t.Fatal(err)
	}
	out := map[string]staffInfo{}
	for _, s := range list {
		out[s.No] = s
	}
	return out
}

// headUnits returns the unit code of every unit head's address.
func (e *e2eEnv) headUnits() map[string]string {
	e.t.Helper()
	var list []struct {
		Unit  string `db:"unit_code"`
		Email string `db:"email"`
	}
	if err := e.db.DB.SelectContext(e.t.Context(), &list,
		`SELECT unit_code, email FROM unit_heads WHERE active = 1 AND email <> ''`); err != nil {
		e.t.Fatal(err)
	}
	out := map[string]string{}
	for _, h := range list {
		out[strings.ToLower(h.Email)] = h.Unit
	}
	return out
}

// TestDaemonE2E runs "cehours run" on MariaDB with mail through Mailpit,
// on the example university as of 20 August 2025, and checks what the
// recipients get: the HR digest with its workbook, each unit head's
// workbook with only that unit's staff, and each reminder to its own
// person with only that person's data. SIGTERM stops the daemon with
// status 0; restarted on the same database it sends nothing again, and
// imports a file dropped in while it runs without mailing anyone.
//
// The example files are in the inbox before the first start: the weekly
// reports are keyed by ISO week and the reminders by date, so the first
// run of each period reports the data there is then (as a deployment
// does on its first day); files dropped later show in the next period.
func TestDaemonE2E(t *testing.T) {
	e := newE2E(t)
	e.dropInbox(filepath.Join("..", "..", "examples", "inbox"))
	cfg := e.config("cehours.yaml", 0)
	d := e.start(cfg, "2025-08-20")

	// Every report of the period is queued, and the outbox is empty.
	periods := map[string]string{jobs.KindDigest: "2025-W34",
		jobs.KindUnitReports: "2025-W34", jobs.KindReminders: "2025-08-15"}
	waitFor(t, d, 90*time.Second, "digest, unit workbooks, reminders and delivery", func() bool {
		for job, p := range periods {
			if !e.succeeded(job, p) {
				return false
			}
		}
		return e.count(`SELECT COUNT(*) FROM outbox WHERE status <> 'sent'`) == 0
	})
	if n := inboxFiles(t, e.inbox); n != 0 {
		t.Errorf("%d files left in the inbox", n)
	}
	ids := e.outboxIDs()
	var all []string
	for _, list := range ids {
		all = append(all, list...)
	}
	waitFor(t, d, 10*time.Second, "every sent message in Mailpit", func() bool {
		return len(e.mp.Messages()) >= len(all)
	})
	first := deliveries(e.mp)
	checkOnce(t, "first run", all, first)

	// The content, as the recipients see it.
	roster := e.roster()
	checkDigest(t, e, len(ids["digest"]))
	checkUnitWorkbooks(t, e, roster, len(ids["unit"]))
	checkReminders(t, e, roster, len(ids["reminder"]))

	// SIGTERM: a clean exit within the stop timeout.
	if code := d.stop(t, 30*time.Second); code != 0 {
		t.Fatalf("exit status %d after SIGTERM, want 0\n%s", code, d.logs)
	}

	// Restarted on the same database, with a new attendance list dropped
	// in: it is imported and reconciled, and nobody is mailed again.
	d = e.start(cfg, "2025-08-20")
	imports := e.count(`SELECT COUNT(*) FROM job_runs WHERE job = 'import' AND outcome = 'ok'`)
	waitFor(t, d, 30*time.Second, "an import by the restarted daemon", func() bool {
		return e.count(`SELECT COUNT(*) FROM job_runs WHERE job = 'import' AND outcome = 'ok'`) > imports
	})
	lastRun := e.count(`SELECT MAX(id) FROM job_runs`)
	e.dropAttendance(t, roster)
	waitFor(t, d, 30*time.Second, "the dropped attendance list imported and reconciled", func() bool {
		return e.count(`SELECT COUNT(*) FROM files WHERE name = 'late-drop.csv' AND status = 'imported'`) == 1 &&
			e.count(`SELECT COUNT(*) FROM job_runs WHERE job = 'reconcile' AND outcome = 'ok'
				AND period LIKE 'after import%' AND id > ?`, lastRun) > 0
	})
	// A few more ticks of every job.
	time.Sleep(4 * time.Second)
	if code := d.stop(t, 30*time.Second); code != 0 {
		t.Fatalf("restarted daemon: exit status %d after SIGTERM, want 0\n%s", code, d.logs)
	}
	if again := deliveries(e.mp); fmt.Sprint(again) != fmt.Sprint(first) {
		t.Errorf("Mailpit received more after the restart: %d messages, before %d",
			len(again), len(first))
	}
	if n := e.count(`SELECT COUNT(*) FROM outbox`); n != len(all) {
		t.Errorf("outbox has %d messages after the restart, before %d", n, len(all))
	}
	for job, p := range periods {
		ok := 0
		for _, r := range e.runs(job) {
			if r.Period == p && r.Outcome == jobs.OutcomeOK {
				ok++
			}
		}
		if ok != 1 {
			t.Errorf("%s %s: %d successful runs, want 1", job, p, ok)
		}
	}
}

// dropAttendance writes a one-row attendance list for a person of the
// roster into the inbox.
func (e *e2eEnv) dropAttendance(t *testing.T, roster map[string]staffInfo) {
	t.Helper()
	var who staffInfo
	for _, s := range roster {
		if who.No == "" || s.No < who.No {
			who = s
		}
	}
	text := "工号,姓名,项目序号,活动名称,日期,学时,科目类型,角色\n" +
		who.No + "," + who.Name + ",1,暑期教学能力提升讲座,2025-08-18,4,A,参加\n"
	tmp := filepath.Join(e.dir, "late-drop.csv")
	if err := os.WriteFile(tmp, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(e.inbox, "attendance", "late-drop.csv")); err != nil {
		t.Fatal(err)
	}
}

// checkOnce checks that Mailpit holds each of the outbox's Message-IDs
// exactly once, and nothing else.
func checkOnce(t *testing.T, when string, outbox []string, got map[string]int) {
	t.Helper()
	want := map[string]bool{}
	for _, id := range outbox {
		want[id] = true
		if got[id] != 1 {
			t.Errorf("%s: message %s delivered %d times, want 1", when, id, got[id])
		}
	}
	for id := range got {
		if !want[id] {
			t.Errorf("%s: Mailpit has message %s, which is not in the outbox", when, id)
		}
	}
}

// openAttachment opens the single .xlsx attachment of message id.
func openAttachment(t *testing.T, mp *mailpittest.Server, id string) *excelize.File {
	t.Helper()
	m := mp.Message(id)
	var parts []mailpittest.Attachment
	for _, a := range m.Attachments {
		if strings.HasSuffix(strings.ToLower(a.FileName), ".xlsx") {
			parts = append(parts, a)
		}
	}
	if len(parts) != 1 {
		t.Fatalf("message %q to %v: %d .xlsx attachments, want 1", m.Subject, m.To, len(parts))
	}
	f, err := excelize.OpenReader(bytes.NewReader(mp.Part(id, parts[0].PartID)))
	if err != nil {
		t.Fatalf("message %q: open %s: %v", m.Subject, parts[0].FileName, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// staffColumn returns the values under the 工号 header of sheet (the
// first such header in the sheet's first ten rows), blank cells left out;
// ok is false when the sheet has no such column.
func staffColumn(t *testing.T, f *excelize.File, sheet string) (nos []string, ok bool) {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("sheet %s: %v", sheet, err)
	}
	for i := 0; i < len(rows) && i < 10; i++ {
		for j, v := range rows[i] {
			if strings.TrimSpace(v) != "工号" {
				continue
			}
			for _, r := range rows[i+1:] {
				if j < len(r) && strings.TrimSpace(r[j]) != "" {
					nos = append(nos, strings.TrimSpace(r[j]))
				}
			}
			return nos, true
		}
	}
	return nil, false
}

// messagesTo returns Mailpit's messages whose subject contains marker.
func messagesTo(mp *mailpittest.Server, marker string) []mailpittest.Summary {
	var out []mailpittest.Summary
	for _, m := range mp.Messages() {
		if strings.Contains(m.Subject, marker) {
			out = append(out, m)
		}
	}
	return out
}

// checkDigest checks the HR digest: one message to the HR address whose
// subject gives the 50 people short in 2024-2025 (examples/expected.json),
// and whose workbook has the summary, short and codes sheets, the short
// sheet listing those 50.
func checkDigest(t *testing.T, e *e2eEnv, queued int) {
	t.Helper()
	list := messagesTo(e.mp, "学年未达标")
	if len(list) != 1 || queued != 1 {
		t.Fatalf("%d digests in Mailpit, %d in the outbox, want 1", len(list), queued)
	}
	m := list[0]
	if len(m.To) != 1 || m.To[0].Address != "renshichu@example.edu.cn" {
		t.Errorf("digest to %v, want renshichu@example.edu.cn", m.To)
	}
	if !strings.Contains(m.Subject, "2024-2025学年未达标 50 人") {
		t.Errorf("digest subject %q, want the 50 people short in 2024-2025", m.Subject)
	}
	f := openAttachment(t, e.mp, m.ID)
	for _, sheet := range []string{"汇总", "未达标人员", "差异统计"} {
		if idx, err := f.GetSheetIndex(sheet); err != nil || idx < 0 {
			t.Errorf("digest workbook has no sheet %s: %v", sheet, f.GetSheetList())
		}
	}
	nos, ok := staffColumn(t, f, "未达标人员")
	if !ok || len(nos) != 50 {
		t.Errorf("digest sheet 未达标人员 lists %d people (工号 column %v), want 50", len(nos), ok)
	}
}

// checkUnitWorkbooks checks each unit workbook: sent to that unit's heads
// only, and every staff number on every sheet of it (差异清单 first) of a
// person of that unit in the roster. A number the roster does not know
// (a unit's typing mistake) is the unit's own line, not another unit's.
func checkUnitWorkbooks(t *testing.T, e *e2eEnv, roster map[string]staffInfo, queued int) {
	t.Helper()
	heads := e.headUnits()
	list := messagesTo(e.mp, "学年差异清单")
	if len(list) != queued || len(list) == 0 {
		t.Fatalf("%d unit workbooks in Mailpit, %d in the outbox", len(list), queued)
	}
	units := map[string]bool{}
	lines := 0
	for _, m := range list {
		unit := ""
		for _, to := range m.To {
			u, ok := heads[strings.ToLower(to.Address)]
			if !ok || (unit != "" && u != unit) {
				t.Errorf("unit workbook %q to %s: not a head of one unit", m.Subject, to.Address)
			}
			unit = u
		}
		if units[unit] {
			t.Errorf("unit %s got two workbooks", unit)
		}
		units[unit] = true
		f := openAttachment(t, e.mp, m.ID)
		if idx, err := f.GetSheetIndex("差异清单"); err != nil || idx < 0 {
			t.Fatalf("unit %s workbook has no sheet 差异清单: %v", unit, f.GetSheetList())
		}
		for _, sheet := range f.GetSheetList() {
			nos, _ := staffColumn(t, f, sheet)
			if sheet == "差异清单" {
				lines += len(nos)
			}
			for _, no := range nos {
				if s, known := roster[no]; known && s.Unit != unit {
					t.Errorf("unit %s workbook, sheet %s: %s %s of unit %s", unit, sheet, no, s.Name, s.Unit)
				}
			}
		}
	}
	if len(units) != 6 {
		t.Errorf("unit workbooks for %d units, want the 6 of the example", len(units))
	}
	if lines == 0 {
		t.Error("no staff number on any 差异清单 sheet: the scope check checked nothing")
	}
}

// staffNumber matches a six-digit number standing alone, as the
// example's 工号 are.
var staffNumber = regexp.MustCompile(`(^|[^0-9])([0-9]{6})([^0-9]|$)`)

// checkReminders checks each reminder: to one address of the roster, its
// subject naming that person, its text giving that person's staff number
// and no other person's.
func checkReminders(t *testing.T, e *e2eEnv, roster map[string]staffInfo, queued int) {
	t.Helper()
	byEmail := map[string]staffInfo{}
	for _, s := range roster {
		if s.Email != "" {
			byEmail[strings.ToLower(s.Email)] = s
		}
	}
	list := messagesTo(e.mp, "，您")
	if len(list) != queued || len(list) == 0 {
		t.Fatalf("%d reminders in Mailpit, %d in the outbox", len(list), queued)
	}
	seen := map[string]bool{}
	for _, sum := range list {
		if len(sum.To) != 1 {
			t.Errorf("reminder %q to %v: want one recipient", sum.Subject, sum.To)
			continue
		}
		s, ok := byEmail[strings.ToLower(sum.To[0].Address)]
		if !ok {
			t.Errorf("reminder %q to %s: not an address of the roster", sum.Subject, sum.To[0].Address)
			continue
		}
		if seen[s.No] {
			t.Errorf("%s %s got two reminders", s.No, s.Name)
		}
		seen[s.No] = true
		if !strings.Contains(sum.Subject, s.Name) {
			t.Errorf("reminder to %s (%s): subject %q does not name them", s.Email, s.Name, sum.Subject)
		}
		m := e.mp.Message(sum.ID)
		if !strings.Contains(m.Text, s.No) {
			t.Errorf("reminder to %s %s: the text does not give the staff number", s.No, s.Name)
		}
		for _, body := range []string{m.Text, m.HTML} {
			for _, g := range staffNumber.FindAllStringSubmatch(body, -1) {
				if other, known := roster[g[2]]; known && other.No != s.No {
					t.Errorf("reminder to %s %s holds %s %s", s.No, s.Name, other.No, other.Name)
				}
			}
		}
	}
}

// bigInbox writes a roster of staffN people in units U01–U10 and an
// attendance list of rows rows (each person at every event, four hours)
// as csv files into the inbox folders, and returns the attendance file's
// path.
func bigInbox(t *testing.T, inbox string, staffN, rows int) string {
	t.Helper()
	var units, roster, att bytes.Buffer
	units.WriteString("单位编码,单位名称,负责人,负责人邮箱\n")
	for u := 1; u <= 10; u++ {
		fmt.Fprintf(&units, "U%02d,第%02d学院,负责人%02d,head%02d@example.edu.cn\n", u, u, u, u)
	}
	roster.WriteString("工号,姓名,单位,单位编码,人员类别,邮箱\n")
	for i := range staffN {
		u := 1 + i%10
		fmt.Fprintf(&roster, "%06d,教师%05d,第%02d学院,U%02d,教师,t%05d@example.edu.cn\n",
			200000+i, i, u, u, i)
	}
	att.WriteString("工号,姓名,单位,项目序号,活动名称,日期,学时,科目类型,角色\n")
	for i := range rows {
		p, ev := i%staffN, i/staffN
		day := time.Date(2024, 9, 2, 0, 0, 0, 0, time.UTC).AddDate(0, 0, ev)
		fmt.Fprintf(&att, "%06d,教师%05d,第%02d学院,1,第%04d期教学能力培训讲座,%s,4,A,参加\n",
			200000+p, p, 1+p%10, ev, day.Format(time.DateOnly))
	}
	files := map[string][]byte{"units/units.csv": units.Bytes(),
		"roster/roster.csv": roster.Bytes(), "attendance/big-attendance.csv": att.Bytes()}
	for name, b := range files {
		p := filepath.Join(inbox, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(inbox, "attendance", "big-attendance.csv")
}

// TestKillDuringImport kills the daemon with SIGKILL while it imports a
// 100,000-row attendance list in one transaction, restarts it, and checks
// that the list was imported exactly once and whole, that it ended in the
// archive, and that the killed run is recorded as abandoned.
func TestKillDuringImport(t *testing.T) {
	e := newE2E(t)
	const staffN, rows = 1000, 100_000
	big := bigInbox(t, e.inbox, staffN, rows)
	cfg := e.config("cehours.yaml", 0)
	d := e.start(cfg, "2025-08-20")

	// The roster is in (its transaction committed) and the import run that
	// holds the attendance list is still going: the list is being stored.
	waitFor(t, d, 30*time.Second, "the roster imported", func() bool {
		return e.count(`SELECT COUNT(*) FROM files WHERE kind = 'roster' AND status = 'imported'`) == 1
	})
	time.Sleep(500 * time.Millisecond)
	if e.count(`SELECT COUNT(*) FROM job_runs WHERE job = 'import' AND outcome = 'running'`) != 1 {
		t.Fatalf("no import running when the kill was due\n%s", d.logs)
	}
	d.kill(t)

	// Nothing of the killed attempt is visible.
	if n := e.count(`SELECT COUNT(*) FROM files WHERE kind = 'attendance'`); n != 0 {
		t.Fatalf("the attendance list was stored (%d files rows) before the kill: "+
			"the import was too fast to kill in the middle; make the list longer", n)
	}
	if n := e.count(`SELECT COUNT(*) FROM records`); n != 0 {
		t.Errorf("%d records stored by the killed import", n)
	}
	if _, err := os.Stat(big); err != nil {
		t.Fatalf("the attendance list left the inbox with its import killed: %v", err)
	}

	// Restarted: the list is imported once, whole, and archived.
	d = e.start(cfg, "2025-08-20")
	waitFor(t, d, 45*time.Second, "the attendance list imported after the restart", func() bool {
		return e.count(`SELECT COUNT(*) FROM files WHERE kind = 'attendance' AND status = 'imported'`) == 1
	})
	waitFor(t, d, 10*time.Second, "the attendance list archived", func() bool {
		_, err := os.Stat(filepath.Join(e.dir, "var", "archive", "attendance", "big-attendance.csv"))
		return err == nil
	})
	if code := d.stop(t, 30*time.Second); code != 0 {
		t.Fatalf("exit status %d after SIGTERM, want 0\n%s", code, d.logs)
	}
	if n := e.count(`SELECT COUNT(*) FROM files WHERE name = 'big-attendance.csv'`); n != 1 {
		t.Errorf("files has %d rows of the attendance list, want 1", n)
	}
	var f struct {
		Stored   int `db:"stored"`
		Rejected int `db:"rejected"`
	}
	if err := e.db.DB.GetContext(t.Context(), &f,
		`SELECT stored, rejected FROM files WHERE name = 'big-attendance.csv'`); err != nil {
		t.Fatal(err)
	}
	recs := e.count(`SELECT COUNT(*) FROM records WHERE kind = 'attendance'`)
	if f.Stored != rows || f.Rejected != 0 || recs != rows {
		t.Errorf("stored %d, rejected %d, records %d; want %d rows stored once",
			f.Stored, f.Rejected, recs, rows)
	}
	if _, err := os.Stat(big); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the attendance list is still in the inbox: %v", err)
	}
	abandoned, running := 0, 0
	for _, r := range e.runs(jobs.KindImport) {
		switch r.Outcome {
		case jobs.OutcomeAbandoned:
			abandoned++
		case jobs.OutcomeRunning:
			running++
		}
	}
	if abandoned != 1 || running != 0 {
		t.Errorf("import runs: %d abandoned, %d running; want the killed one abandoned", abandoned, running)
	}
}

// TestKillDuringSend kills the daemon with SIGKILL while it delivers the
// example university's mail at two messages a second, lets the claim
// lease of the message in flight run out, restarts it without a rate
// limit, and checks through Mailpit that every outbox message arrived,
// none more than twice, any repeat being the message in flight with the
// same Message-ID, and that nothing is left queued or dead.
func TestKillDuringSend(t *testing.T) {
	e := newE2E(t)
	e.dropInbox(filepath.Join("..", "..", "examples", "inbox"))
	d := e.start(e.config("slow.yaml", 120), "2025-08-20")
	waitFor(t, d, 90*time.Second, "reminders queued and a few messages delivered", func() bool {
		return e.succeeded(jobs.KindReminders, "2025-08-15") &&
			e.count(`SELECT COUNT(*) FROM outbox WHERE status = 'sent'`) >= 5
	})
	d.kill(t)
	total := e.count(`SELECT COUNT(*) FROM outbox`)
	sentBefore := e.count(`SELECT COUNT(*) FROM outbox WHERE status = 'sent'`)
	if sentBefore >= total {
		t.Fatalf("every message (%d) was sent before the kill", total)
	}

	// The claim lease of the message in flight is fifteen minutes; move
	// it into the past, as if that time had gone by.
	if _, err := e.db.DB.ExecContext(t.Context(), `UPDATE outbox SET next_attempt_at = ?
		WHERE status = 'queued' AND attempts > 0`, time.Now().UTC().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	d = e.start(e.config("fast.yaml", 0), "2025-08-20")
	waitFor(t, d, 60*time.Second, "every message sent after the restart", func() bool {
		return e.count(`SELECT COUNT(*) FROM outbox WHERE status <> 'sent'`) == 0
	})
	if code := d.stop(t, 30*time.Second); code != 0 {
		t.Fatalf("exit status %d after SIGTERM, want 0\n%s", code, d.logs)
	}
	if n := e.count(`SELECT COUNT(*) FROM outbox`); n != total {
		t.Errorf("outbox has %d messages after the restart, %d before", n, total)
	}

	got := deliveries(e.mp)
	twice := 0
	for _, list := range e.outboxIDs() {
		for _, id := range list {
			switch n := got[id]; {
			case n == 0:
				t.Errorf("message %s never delivered", id)
			case n == 2:
				twice++
			case n > 2:
				t.Errorf("message %s delivered %d times", id, n)
			}
			delete(got, id)
		}
	}
	if twice > 1 {
		t.Errorf("%d messages delivered twice; at most the one in flight at the kill may be", twice)
	}
	if len(got) != 0 {
		t.Errorf("Mailpit has messages not in the outbox: %v", got)
	}
	t.Logf("%d messages, %d sent before the kill, %d delivered twice", total, sentBefore, twice)
}
