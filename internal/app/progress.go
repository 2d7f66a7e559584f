package app

import (
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

// progress shows a run's progress from one source of counts: a progress bar
// on a terminal, or a status line every statusInterval and one line per
// failure in logs. Both say the pace learned from the tenant, and what the
// run waits for when the tenant's rate limit holds it.
type progress struct {
	mu     sync.Mutex
	total  int
	verb   string
	counts runlog.Counts
	start  time.Time
	bar    *progressbar.ProgressBar
	logger *slog.Logger
	pace   func() pacer.Status
	done   chan struct{}
	wg     sync.WaitGroup
}

// newProgress starts showing progress of a run of total connections. bar
// says whether to draw a bar (stderr is a terminal, not quiet, text logs).
func newProgress(total int, verb string, bar bool, w io.Writer, logger *slog.Logger, pace func() pacer.Status) *progress {
	p := &progress{total: total, verb: verb, start: time.Now(), logger: logger, pace: pace, done: make(chan struct{})}
	interval := statusInterval
	if bar {
		interval = barInterval
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(verb),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("conn"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	p.wg.Add(1)
	go p.tick(interval)
	return p
}

// Finished counts one finished connection; a failure is reported at once.
func (p *progress) Finished(r runlog.Result) {
	p.mu.Lock()
	p.counts.Add(r.Status)
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
		_ = p.bar.Add(1)
	}
}

// describe sets the bar's description: failures, and the pace or the wait.
func (p *progress) describe() {
	p.mu.Lock()
	failures := p.counts.Unsettled()
	p.mu.Unlock()
	p.bar.Describe(fmt.Sprintf("%s (%d failed, %s)", p.verb, failures, paceText(p.pace())))
}

// paceText says how the tenant paces the run: the learned rate, or what the
// run waits for and for how long.
func paceText(st pacer.Status) string {
	if left := time.Until(st.Until); st.Waiting != "" && left > 0 {
		return fmt.Sprintf("waiting %s for %s", left.Round(time.Second), st.Waiting)
	}
	if st.Rate <= 0 {
		return "learning the tenant's rate limit"
	}
	return fmt.Sprintf("%.1f req/s", st.Rate)
}

// tick logs a status line, or redraws the bar's description, every
// interval until Close.
func (p *progress) tick(interval time.Duration) {
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

func (p *progress) logStatus() {
	p.mu.Lock()
	c := p.counts
	p.mu.Unlock()
	done := c.Total()
	elapsed := time.Since(p.start)
	rate := float64(done) / elapsed.Seconds()
	eta := "unknown"
	if rate > 0 {
		eta = time.Duration(float64(p.total-done) / rate * float64(time.Second)).Round(time.Second).String()
	}
	p.logger.Info("progress", "done", done, "total", p.total, "per_second", fmt.Sprintf("%.2f", rate), "eta", eta,
		"applied", c.Applied, "failed", c.Failed, "conflict", c.Conflict, "unknown", c.Unknown, "pace", paceText(p.pace()))
}

// Close stops showing progress.
func (p *progress) Close() {
	close(p.done)
	p.wg.Wait()
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
