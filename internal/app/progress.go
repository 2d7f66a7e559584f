package app

import (
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// statusInterval is how often a run without a terminal logs its progress,
// so a cron log shows a long run is alive without drowning in lines.
const statusInterval = 10 * time.Second

// progress shows a run's progress from one source of counts: a progress bar
// on a terminal, or a status line every statusInterval and one line per
// failure in logs.
type progress struct {
	mu     sync.Mutex
	total  int
	verb   string
	counts runlog.Counts
	start  time.Time
	bar    *progressbar.ProgressBar
	logger *slog.Logger
	done   chan struct{}
	wg     sync.WaitGroup
}

// newProgress starts showing progress of a run of total connections. bar
// says whether to draw a bar (stderr is a terminal, not quiet, text logs).
func newProgress(total int, verb string, bar bool, w io.Writer, logger *slog.Logger) *progress {
	p := &progress{total: total, verb: verb, start: time.Now(), logger: logger, done: make(chan struct{})}
	if bar {
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
		return p
	}
	p.wg.Add(1)
	go p.tick()
	return p
}

// Finished counts one finished connection; a failure is reported at once.
func (p *progress) Finished(r runlog.Result) {
	p.mu.Lock()
	p.counts.Add(r.Status)
	failures := p.counts.Unsettled()
	p.mu.Unlock()
	if r.Status == runlog.StatusFailed || r.Status == runlog.StatusConflict || r.Status == runlog.StatusUnknown {
		if p.bar != nil {
			_ = p.bar.Clear()
		}
		p.logger.Error("connection "+string(r.Status), "connection_id", r.ConnectionID,
			"connection_name", r.ConnectionName, "error", r.Error)
	}
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("%s (%d failed)", p.verb, failures))
		_ = p.bar.Add(1)
	}
}

// tick logs a status line every statusInterval until Close.
func (p *progress) tick() {
	defer p.wg.Done()
	t := time.NewTicker(statusInterval)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			return
		case <-t.C:
			p.logStatus()
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
		"applied", c.Applied, "failed", c.Failed, "conflict", c.Conflict, "unknown", c.Unknown)
}

// Close stops showing progress.
func (p *progress) Close() {
	close(p.done)
	p.wg.Wait()
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
