package jobs

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"cehours/internal/store/storetest"
)

func TestHealthAndMetrics(t *testing.T) {
	st := storetest.SQLite(t)
	reg := prometheus.NewRegistry()
	clock := newFakeClock(at(2025, 8, 4, 8, 30))
	r := newRunner(t, st, "test-1", clock.Now)
	r.Metrics = NewMetrics(reg, st.DB, quietLog())
	imp := Job{Name: KindImport, Func: func(context.Context, Run) (Counts, error) {
		return Counts{"stored": 120, "rejected": 3}, nil
	}}
	if res := r.RunAt(t.Context(), imp, clock.Now()); res.Outcome != OutcomeOK {
		t.Fatalf("import: %+v", res)
	}
	srv := httptest.NewServer(Handler(st.DB, reg))
	defer srv.Close()

	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != 200 || strings.TrimSpace(body) != "ok" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	_, body := get("/metrics")
	for _, want := range []string{
		`cehours_job_runs_total{job="import",outcome="ok"} 1`,
		`cehours_import_rows_total{result="stored"} 120`,
		`cehours_import_rows_total{result="rejected"} 3`,
		`cehours_job_duration_seconds_count{job="import",outcome="ok"} 1`,
		`cehours_outbox_messages{status="queued"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	// A closed database makes the health check fail.
	st.Close()
	if code, _ := get("/healthz"); code != http.StatusServiceUnavailable {
		t.Errorf("/healthz with the database closed = %d, want 503", code)
	}
}
