package jobs_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"cehours/configs"
	"cehours/internal/mail"
	"cehours/jobs"
	"cehours/reconcile"
)

// BenchmarkReportJobs builds and queues the reports of a university of
// 20,000 staff (or CEHOURS_BENCH_STAFF) in 60 units from the store, as the daemon does: the HR
// digest, every unit's discrepancy workbook and a reminder to everyone
// short or with an open discrepancy. Each iteration starts from an empty
// outbox; the messages are queued, not delivered.
func BenchmarkReportJobs(b *testing.B) {
	for _, st := range benchStores {
		staff := benchScales()[0]
		b.Run(fmt.Sprintf("%s/staff=%d", st.name, staff), func(b *testing.B) {
			ctx := context.Background()
			s := st.open(b)
			seedUniversity(b, s, staff, 40)
			cfg := configs.Defaults()
			cfg.Mail.From = "cehours@example.edu.cn"
			cfg.Mail.HR = []string{"hr@example.edu.cn"}
			eng, err := cfg.Engine()
			if err != nil {
				b.Fatal(err)
			}
			today := reconcile.NewDate(2025, 8, 20)
			rc := &jobs.Reconciler{Store: s, Engine: eng}
			if _, err := rc.Year(ctx, 2024, today); err != nil {
				b.Fatal(err)
			}
			ob, err := mail.New(s, cfg.Mail)
			if err != nil {
				b.Fatal(err)
			}
			p := &jobs.Pipeline{Config: cfg, Store: s, Reconciler: rc, Outbox: ob,
				Log: slog.New(slog.DiscardHandler)}
			run := jobs.Run{Period: "bench", Scheduled: time.Date(2025, 8, 20, 9, 0, 0, 0, time.UTC), Today: today}
			queued := 0
			for b.Loop() {
				b.StopTimer()
				for _, q := range []string{"DELETE FROM outbox_attachments", "DELETE FROM outbox", "DELETE FROM digest_units"} {
					if _, err := s.DB.Exec(q); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				queued = 0
				for _, job := range []func(context.Context, jobs.Run) (jobs.Counts, error){p.Digest, p.UnitReports, p.Reminders} {
					c, err := job(ctx, run)
					if err != nil {
						b.Fatal(err)
					}
					queued += c["queued"]
				}
			}
			b.ReportMetric(float64(queued), "messages")
		})
	}
}
