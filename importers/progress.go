package importers

import (
	"fmt"
	"io"
	"time"
)

// progressLine draws the rows read so far of one file on a terminal, on
// one line redrawn in place. Progress is reported every 4096 rows, so a
// small file never shows one.
type progressLine struct {
	w     io.Writer
	name  string
	start time.Time
	shown bool
}

// progress returns the progress line of a file, drawing nothing when the
// importer has no terminal.
func (im *Importer) progress(name string) *progressLine {
	return &progressLine{w: im.Progress, name: name, start: time.Now()}
}

func (p *progressLine) update(rows int) {
	if p.w == nil {
		return
	}
	p.shown = true
	rate := float64(rows) / max(time.Since(p.start).Seconds(), 0.001)
	fmt.Fprintf(p.w, "\r%s: %d 行 (%.0f 行/秒)…", p.name, rows, rate)
}

// done ends the line, if one was drawn.
func (p *progressLine) done() {
	if p.shown {
		fmt.Fprintf(p.w, "\r%s: 完成，用时 %s\033[K\n", p.name, time.Since(p.start).Round(time.Millisecond))
	}
}
