package jobs

import (
	"fmt"
	"time"

	"github.com/robfig/cron/v3"

	"cehours/configs"
)

// Schedule is a parsed cron spec that also knows which tick an instant
// belongs to.
type Schedule interface {
	cron.Schedule
	// Tick returns the tick that fired at or shortly before t.
	Tick(t time.Time) time.Time
}

// ParseSchedule parses a schedule spec of the configuration (five cron
// fields or a descriptor) with configs.CronParser. "@every D" becomes a
// schedule aligned on multiples of D rather than on the process start,
// so that daemons started at different moments fire the same ticks and
// share their periods; D is rounded down to whole seconds, at least one.
func ParseSchedule(spec string) (Schedule, error) {
	s, err := configs.CronParser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("parse schedule %q: %w", spec, err)
	}
	if every, ok := s.(cron.ConstantDelaySchedule); ok {
		return aligned{every.Delay}, nil
	}
	return minutely{s}, nil
}

// aligned fires at every multiple of d.
type aligned struct{ d time.Duration }

func (a aligned) Next(t time.Time) time.Time { return a.Tick(t).Add(a.d) }
func (a aligned) Tick(t time.Time) time.Time { return t.Truncate(a.d) }

// minutely is a cron spec, whose ticks fall on whole minutes.
type minutely struct{ cron.Schedule }

func (m minutely) Tick(t time.Time) time.Time { return t.Truncate(time.Minute) }

// shifted runs a schedule on a calendar moved by shift: it fires when the
// shifted clock (real time + shift) reaches one of its ticks. It serves
// the --today flag of the daemon.
type shifted struct {
	Schedule
	shift time.Duration
}

func (s shifted) Next(t time.Time) time.Time {
	return s.Schedule.Next(t.Add(s.shift)).Add(-s.shift)
}

// lastTick returns the latest tick of s in (from, to] at which acts
// holds, and false when there is none.
func lastTick(s Schedule, from, to time.Time, acts func(time.Time) bool) (time.Time, bool) {
	var last time.Time
	found := false
	for t := s.Next(from); !t.IsZero() && !t.After(to); t = s.Next(t) {
		if acts(t) {
			last, found = t, true
		}
	}
	return last, found
}
