package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/prometheus/client_golang/prometheus"

	"cehours/internal/mail"
)

// Metrics are the daemon's Prometheus metrics: job runs and durations by
// job and outcome, rows imported and rejected, and, read from the store
// at each scrape, standings by year and status and the outbox by status.
// A nil *Metrics records nothing.
type Metrics struct {
	runs        *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	lastSuccess *prometheus.GaugeVec
	rows        *prometheus.CounterVec
}

// NewMetrics registers the metrics with reg; the gauges read from db at
// each scrape, and a failed read is logged and leaves them out.
func NewMetrics(reg prometheus.Registerer, db *sqlx.DB, log *slog.Logger) *Metrics {
	m := &Metrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cehours_job_runs_total", Help: "Job runs by job and outcome.",
		}, []string{"job", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "cehours_job_duration_seconds",
			Help:    "Duration of job runs by job and outcome.",
			Buckets: prometheus.ExponentialBuckets(0.05, 4, 9), // 50 ms to about 55 min
		}, []string{"job", "outcome"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "cehours_job_last_success_timestamp_seconds",
			Help: "When each job last finished successfully, in Unix seconds.",
		}, []string{"job"}),
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cehours_import_rows_total",
			Help: "Rows of imported files by result: stored, rejected or skipped.",
		}, []string{"result"}),
	}
	reg.MustRegister(m.runs, m.duration, m.lastSuccess, m.rows, &storeCollector{db: db, log: log})
	return m
}

// observe counts a finished run.
func (m *Metrics) observe(res Result) {
	if m == nil || res.Outcome == "" {
		return
	}
	m.runs.WithLabelValues(res.Run.Job, res.Outcome).Inc()
	m.duration.WithLabelValues(res.Run.Job, res.Outcome).Observe(res.Duration.Seconds())
	if res.Outcome == OutcomeOK {
		m.lastSuccess.WithLabelValues(res.Run.Job).SetToCurrentTime()
	}
	if res.Run.Job == KindImport {
		for _, k := range []string{"stored", "rejected", "skipped"} {
			m.rows.WithLabelValues(k).Add(float64(res.Counts[k]))
		}
	}
}

// storeCollector reads the standings and the outbox at each scrape.
type storeCollector struct {
	db  *sqlx.DB
	log *slog.Logger
}

var (
	standingsDesc = prometheus.NewDesc("cehours_standings",
		"Staff standings by academic year and status.", []string{"year", "status"}, nil)
	outboxDesc = prometheus.NewDesc("cehours_outbox_messages",
		"Messages in the outbox by status.", []string{"status"}, nil)
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- standingsDesc
	ch <- outboxDesc
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	// Standings by year and status.
	var rows []struct {
		Year   int    `db:"year"`
		Status string `db:"status"`
		N      int    `db:"n"`
	}
	const q = `SELECT year, status, COUNT(*) AS n FROM standings GROUP BY year, status`
	if err := c.db.SelectContext(ctx, &rows, q); err != nil {
		c.log.Warn("metrics: standings not read", "error", err)
	}
	for _, r := range rows {
		year := itoaYear(r.Year)
		ch <- prometheus.MustNewConstMetric(standingsDesc, prometheus.GaugeValue, float64(r.N),
			year, r.Status)
	}

	// The outbox.
	oc, err := mail.Count(ctx, c.db)
	if err != nil {
		c.log.Warn("metrics: outbox not read", "error", err)
		return
	}
	for status, n := range map[string]int{mail.StatusQueued: oc.Queued, mail.StatusSent: oc.Sent,
		mail.StatusDead: oc.Dead} {
		ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, float64(n), status)
	}
}
