package jobs

import (
	"context"
	"time"
)

// Once runs the whole pipeline one time as of now, in pipeline order:
// it imports the inbox and reconciles (always, so that a first try has
// standings), runs each weekly or dated job (digest, unit workbooks,
// reminders) for its latest period due within grace unless that period
// already ran, and delivers the mail that is due. A job without a
// schedule in specs is left out, except import, reconcile and send. A
// failed job does not stop the jobs after it: each works on what the
// store holds. The weekly and dated jobs are due as of now; the others
// run at the Runner's clock. It returns the result of every job it tried.
func Once(ctx context.Context, r *Runner, jobs map[string]Job, specs map[string]string,
	grace time.Duration, now time.Time) ([]Result, error) {
	s := &Scheduler{Runner: r, Jobs: jobs, Specs: specs, Grace: grace}
	scheds, err := s.schedules()
	if err != nil {
		return nil, err
	}
	missed := map[string]time.Time{}
	for _, m := range s.missed(scheds, now.In(r.Location)) {
		missed[m.Job] = m.At
	}
	var out []Result
	for _, name := range PipelineOrder {
		j, ok := jobs[name]
		if !ok || ctx.Err() != nil {
			continue
		}
		switch {
		case name == KindImport || name == KindReconcile || name == KindSend:
			// Each once is a tick of its own: a repeated once imports,
			// reconciles and sends again.
			out = append(out, r.RunAt(ctx, j, r.Clock()))
		case !missed[name].IsZero():
			out = append(out, r.RunAt(ctx, j, missed[name]))
		}
	}
	return out, ctx.Err()
}
