package console

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/pacer"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

func TestPaceAndETA(t *testing.T) {
	tests := []struct {
		done, total int
		elapsed     time.Duration
		rate        float64
		eta         string
	}{
		{0, 10, 5 * time.Second, 0, "unknown"},
		{5, 10, 5 * time.Second, 1, "5s"},
		{10, 10, 5 * time.Second, 2, "0s"},
		{0, 0, 0, 0, "0s"},
		{1, 4, 2 * time.Second, 0.5, "6s"},
	}
	for _, tt := range tests {
		rate, eta := paceAndETA(tt.done, tt.total, tt.elapsed)
		if rate != tt.rate || eta != tt.eta {
			t.Errorf("paceAndETA(%d, %d, %v) = %v, %q; want %v, %q", tt.done, tt.total, tt.elapsed, rate, eta, tt.rate, tt.eta)
		}
	}
}

func TestPaceText(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		st   pacer.Status
		want string
	}{
		{pacer.Status{}, "learning the tenant's rate limit"},
		{pacer.Status{Rate: 2.5}, "2.5 req/s"},
		{pacer.Status{Rate: 2, Waiting: "the reset", Until: now.Add(3 * time.Second)}, "waiting 3s for the reset"},
		{pacer.Status{Rate: 2, Waiting: "the reset", Until: now.Add(-time.Second)}, "2.0 req/s"},
	}
	for _, tt := range tests {
		if got := paceText(tt.st, now); got != tt.want {
			t.Errorf("paceText(%+v) = %q, want %q", tt.st, got, tt.want)
		}
	}
}

func result(id string, s runlog.Status) runlog.Result {
	return runlog.Result{ConnectionID: id, ConnectionName: id + "-name", Status: s}
}

// A run without a terminal logs a status line every interval, its ETA on
// the writes' pace, the checks counted apart; a failure is logged at once.
func TestProgress_statusLines(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logs bytes.Buffer
		logger := slog.New(slog.NewTextHandler(&logs, nil))
		checks := map[string]bool{CheckKey("con_c", "con_c-name"): true}
		p := NewProgress(ProgressSpec{Total: 3, Checks: checks, Verb: "apply", Every: 10 * time.Second},
			false, nil, logger, func() pacer.Status { return pacer.Status{Rate: 4} })
		p.Finished(result("con_c", runlog.StatusUnchanged))
		p.Finished(result("con_a", runlog.StatusFailed))
		time.Sleep(10*time.Second + time.Millisecond)
		synctest.Wait()
		p.Close()
		out := logs.String()
		for _, want := range []string{
			`level=ERROR msg="connection failed" connection_id=con_a`,
			"msg=progress writes_done=1 writes_total=2 checks_done=1 checks_total=1 total=3 per_second=0.10 eta=10s",
			"failed=1", `pace="4.0 req/s"`,
		} {
			if !strings.Contains(out, want) {
				t.Errorf("the log lacks %q:\n%s", want, out)
			}
		}
		if n := strings.Count(out, "msg=progress"); n != 1 {
			t.Errorf("%d status lines in 10 s, want 1:\n%s", n, out)
		}
	})
}

// On a terminal the bar counts writes only and its description says the
// checks, the failures and the pace.
func TestProgress_bar(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var bar, logs bytes.Buffer
		logger := slog.New(slog.NewTextHandler(&logs, nil))
		checks := map[string]bool{CheckKey("con_c", "con_c-name"): true}
		p := NewProgress(ProgressSpec{Total: 3, Checks: checks, Verb: "tokens audit", Unit: "conn"},
			true, &bar, logger, func() pacer.Status { return pacer.Status{} })
		p.Finished(result("con_c", runlog.StatusUnchanged))
		p.Finished(result("con_a", runlog.StatusConflict))
		time.Sleep(barInterval + time.Millisecond)
		synctest.Wait()
		p.Close()
		out := bar.String()
		for _, want := range []string{"tokens audit (1/1 checked, 1 failed, learning the tenant's rate limit)", "1/2", "conn"} {
			if !strings.Contains(out, want) {
				t.Errorf("the bar lacks %q:\n%q", want, out)
			}
		}
		if !strings.Contains(logs.String(), `msg="connection conflict" connection_id=con_a`) {
			t.Errorf("the conflict is not logged:\n%s", logs.String())
		}
	})
}
