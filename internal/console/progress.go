package console

import (
	"cmp"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/scim-migrate/scim-migrate/internal/pacer"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// statusInterval is how often a run without a terminal logs its progress,
// so a cron log shows a long run is alive without drowning in lines.
const statusInterval = 10 * time.Second

// barInterval is how often the bar's description (pace, waits) is redrawn
// while no connection finishes.
const barInterval = time.Second

// Progress shows a run's progress from one source of counts: a progress bar
// on a terminal, or a status line every statusInterval and one line per
// failure in logs. Both say the pace learned from the tenant, and what the
// run waits for when the tenant's rate limit holds it.
//
// As rclone does, it counts checks (connections settled without a write:
// unchanged, or decided before the run) apart from writes, and bases the
// ETA on the writes' pace: on a tenant where most connections need nothing,
// the checks finish at once and would make any ETA of all of them a lie.
type Progress struct {
	mu     sync.Mutex
	total  int
	verb   string
	unit   string
	counts runlog.Counts
	// checks are the connections settled without a request of their own
	// (keys of CheckKey), checksDone how many of them have finished, and
	// writesDone how many of the others.
	checks     map[string]bool
	checksDone int
	writesDone int
	start      time.Time
	now        func() time.Time
	bar        *progressbar.ProgressBar
	logger     *slog.Logger
	pace       func() pacer.Status
	done       chan struct{}
	wg         sync.WaitGroup
}

// ProgressSpec is what a progress shows: total connections, of which the
// checks (see CheckKey) need no request of their own.
type ProgressSpec struct {
	Total  int
	Checks map[string]bool
	// Verb names the work (apply, tokens audit); Unit what the bar counts
	// ("": write).
	Verb, Unit string
	// Every is how often a status line is logged (0: statusInterval).
	Every time.Duration
	Now   func() time.Time
}

// CheckKey identifies a connection among a run's results.
func CheckKey(id, name string) string { return id + "\x00" + name }

// NewProgress starts showing progress of a run. bar says whether to draw a
// bar (stderr is a terminal, not quiet, text logs).
func NewProgress(ps ProgressSpec, bar bool, w io.Writer, logger *slog.Logger, pace func() pacer.Status) *Progress {
	now := ps.Now
	if now == nil {
		now = time.Now
	}
	p := &Progress{total: ps.Total, verb: ps.Verb, unit: cmp.Or(ps.Unit, "write"), checks: ps.Checks, start: now(), now: now,
		logger: logger, pace: pace, done: make(chan struct{})}
	interval := cmp.Or(ps.Every, statusInterval)
	if bar {
		interval = barInterval
		p.bar = progressbar.NewOptions(max(p.writesTotal(), 1),
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(ps.Verb),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString(p.unit),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	p.wg.Add(1)
	go p.tick(interval)
	return p
}

// writesTotal is how many connections need a request of their own: the
// writes of a run, every connection of a read (tokens audit).
func (p *Progress) writesTotal() int { return p.total - len(p.checks) }

// Finished counts one finished connection; a failure is reported at once.
func (p *Progress) Finished(r runlog.Result) {
	p.mu.Lock()
	p.counts.Add(r.Status)
	isCheck := p.checks[CheckKey(r.ConnectionID, r.ConnectionName)]
	if isCheck {
		p.checksDone++
	} else {
		p.writesDone++
	}
	p.mu.Unlock()
	if r.Status == runlog.StatusFailed || r.Status == runlog.StatusConflict || r.Status == runlog.StatusUnknown {
		if p.bar != nil {
			_ = p.bar.Clear()
		}
		p.logger.Error("connection "+string(r.Status), "connection_id", r.ConnectionID,
			"connection_name", r.ConnectionName, "error", r.Error)
	}
	if p.bar != nil {
		p.describe()
		if !isCheck {
			_ = p.bar.Add(1)
		}
	}
}

// describe sets the bar's description: failures, and the pace or the wait.
func (p *Progress) describe() {
	p.mu.Lock()
	failures := p.counts.Unsettled()
	checked := ""
	if len(p.checks) > 0 {
		checked = fmt.Sprintf("%d/%d checked, ", p.checksDone, len(p.checks))
	}
	p.mu.Unlock()
	p.bar.Describe(fmt.Sprintf("%s (%s%d failed, %s)", p.verb, checked, failures, paceText(p.pace(), p.now())))
}

// paceText says how the tenant paces the run: the learned rate, or what the
// run waits for and for how long.
func paceText(st pacer.Status, now time.Time) string {
	if left := st.Until.Sub(now); st.Waiting != "" && left > 0 {
		return fmt.Sprintf("waiting %s for %s", left.Round(time.Second), st.Waiting)
	}
	if st.Rate <= 0 {
		return "learning the tenant's rate limit"
	}
	return fmt.Sprintf("%.1f req/s", st.Rate)
}

// tick logs a status line, or redraws the bar's description, every
// interval until Close.
func (p *Progress) tick(interval time.Duration) {
	defer p.wg.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			return
		case <-t.C:
			if p.bar != nil {
				p.describe()
			} else {
				p.logStatus()
			}
		}
	}
}

func (p *Progress) logStatus() {
	p.mu.Lock()
	c, checksDone, writesDone := p.counts, p.checksDone, p.writesDone
	p.mu.Unlock()
	rate, eta := paceAndETA(writesDone, p.writesTotal(), p.now().Sub(p.start))
	p.logger.Info("progress", "writes_done", writesDone, "writes_total", p.writesTotal(),
		"checks_done", checksDone, "checks_total", len(p.checks), "total", p.total,
		"per_second", fmt.Sprintf("%.2f", rate), "eta", eta,
		"applied", c.Applied, "failed", c.Failed, "conflict", c.Conflict, "unknown", c.Unknown, "pace", paceText(p.pace(), p.now()))
}

// paceAndETA is the pace of the requests done so far, and the time the
// ones left take at that pace.
func paceAndETA(done, total int, elapsed time.Duration) (float64, string) {
	rate := 0.0
	if elapsed > 0 {
		rate = float64(done) / elapsed.Seconds()
	}
	switch {
	case done >= total:
		return rate, "0s"
	case rate <= 0:
		return rate, "unknown"
	}
	return rate, time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second).String()
}

// Close stops showing progress.
func (p *Progress) Close() {
	close(p.done)
	p.wg.Wait()
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
