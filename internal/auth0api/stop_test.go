package auth0api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
	"github.com/scim-migrate/scim-migrate/internal/tokenplan"
)

var tokenScopes = []string{"read:scim_token", "create:scim_token", "delete:scim_token"}

// roundTripFunc is a base round tripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// tokenTenant is an emulated tenant of n connections with a SCIM
// configuration, and a client of it whose requests go through base's hook
// (called as each request leaves the tool's transport).
func tokenTenant(t *testing.T, n int, leaving func(*http.Request)) (*emulator.Tenant, *Client, []scim.Connection) {
	t.Helper()
	tenant := emulator.New(emulator.Options{})
	var seed emulator.Seed
	var conns []scim.Connection
	for i := range n {
		id := fmt.Sprintf("con_T%02d", i)
		seed.Connections = append(seed.Connections, emuConn(id, id, "okta", emuCfg("userName", "userName", "email")))
		conns = append(conns, scim.Connection{ID: id, Name: id, Strategy: "okta"})
	}
	if err := tenant.LoadSeed(seed); err != nil {
		t.Fatal(err)
	}
	tenant.AddClient(emulator.Client{ID: testClientID, Secret: testClientSecret, Scopes: tokenScopes})
	srv := httptest.NewServer(tenant.Handler())
	t.Cleanup(srv.Close)
	domain, err := ParseDomain(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		leaving(r)
		return http.DefaultTransport.RoundTrip(r)
	})
	client, err := NewClient(Settings{Tenant: domain, Base: base, Credentials: Credentials{ClientID: testClientID, ClientSecret: testClientSecret},
		Transport: TransportOptions{MaxRetries: 3, BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return tenant, client, conns
}

// TestIssueTokens_noRequestAfterTheFirstInterrupt interrupts tokens issue
// (the stop channel closes) while the third connection's tokens are being
// listed: that listing was sent before the interrupt and is answered, but
// neither its token POST nor any other request may reach the tenant after
// it. Repeated, since the request whose turn is free raced the interrupt.
func TestIssueTokens_noRequestAfterTheFirstInterrupt(t *testing.T) {
	t.Parallel()
	for trial := range 20 {
		var (
			lists atomic.Int32
			stop  = make(chan struct{})
		)
		tenant, client, conns := tokenTenant(t, 6, func(r *http.Request) {
			if r.Method == http.MethodGet && lists.Add(1) == 3 {
				close(stop) // the first interrupt, as this listing leaves
			}
		})
		tasks := &tokenplan.Plan{Kind: runlog.KindTokenIssue, Request: &tokenplan.Request{Scopes: []string{"get:users"}}}
		for _, c := range conns {
			tasks.Changes = append(tasks.Changes, tokenplan.Change{Identity: scim.Identity{ID: c.ID, Name: c.Name}, Action: scimtoken.ActionIssue})
		}
		rec := &memRecorder{}
		out := execute.ExecuteTokens(context.Background(), client, tasks, execute.TokenOptions{
			RunOptions: execute.RunOptions{Concurrency: 1, Stop: stop, Recorder: rec},
		})
		reqs := tenant.Requests()
		last := reqs[len(reqs)-1]
		if got := tenant.Stats().Count(emulator.KindSCIMTokensCreate); got != 2 || last.Kind != emulator.KindSCIMTokensList {
			t.Fatalf("trial %d: %d token POSTs and the last request %s %s: a request left after the interrupt", trial, got, last.Method, last.EscapedPath)
		}
		if !out.Interrupted || out.Counts.Applied != 2 || out.Counts.Skipped != 4 {
			t.Fatalf("trial %d: outcome %+v\n%+v", trial, out, rec.results)
		}
		if r := rec.results[2]; !r.NotSent || r.Status != runlog.StatusSkipped {
			t.Fatalf("trial %d: the interrupted connection's result %+v", trial, r)
		}
	}
}

// TestTransport_closedStopSendsNothing: a request whose context carries a
// closed stop channel never leaves, whether its turn is free or not.
func TestTransport_closedStopSendsNothing(t *testing.T) {
	t.Parallel()
	var sent atomic.Int32
	tr := NewTransport(roundTripFunc(func(*http.Request) (*http.Response, error) {
		sent.Add(1)
		return &http.Response{StatusCode: 204, Body: http.NoBody, Header: http.Header{}}, nil
	}), TransportOptions{})
	stop := make(chan struct{})
	close(stop)
	for range 200 {
		req, _ := http.NewRequestWithContext(execute.WithStop(context.Background(), stop), http.MethodPost, "https://t.example/api/v2/x", nil)
		if _, err := tr.RoundTrip(req); !errors.Is(err, execute.ErrNotSent) {
			t.Fatalf("error %v, want ErrNotSent", err)
		}
	}
	if n := sent.Load(); n != 0 {
		t.Fatalf("%d requests left after the interrupt", n)
	}
}

// memRecorder keeps a run's results in task order of arrival.
type memRecorder struct{ results []runlog.Result }

func (m *memRecorder) Intent(runlog.Intent) error { return nil }
func (m *memRecorder) Result(r runlog.Result) error {
	m.results = append(m.results, r)
	return nil
}

// TestTransport_retryRefusedAfterASentAttemptIsNotNotSent: a write answered
// 500 may have taken effect; when the interrupt comes before its retry, the
// retry never leaves, but the write is not "not sent" (rollback must
// consider it), while one refused with 429 before the interrupt is.
func TestTransport_retryRefusedAfterASentAttemptIsNotNotSent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status      int
		wantNotSent bool
	}{{http.StatusInternalServerError, false}, {http.StatusTooManyRequests, true}} {
		stop := make(chan struct{})
		tr := NewTransport(roundTripFunc(func(*http.Request) (*http.Response, error) {
			close(stop) // the interrupt comes while the first answer is read
			return &http.Response{StatusCode: tc.status, Body: http.NoBody, Header: http.Header{}}, nil
		}), TransportOptions{MaxRetries: 3, BaseBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
		req, _ := http.NewRequestWithContext(execute.WithStop(context.Background(), stop), http.MethodPatch, "https://t.example/api/v2/x", nil)
		_, err := tr.RoundTrip(req)
		if got := errors.Is(err, execute.ErrNotSent); got != tc.wantNotSent {
			t.Errorf("status %d then interrupt: error %v, not sent %v, want %v", tc.status, err, got, tc.wantNotSent)
		}
		if !tc.wantNotSent && !uncertain(err, plan.ActionUpdate) {
			t.Errorf("status %d then interrupt: %v is not uncertain", tc.status, err)
		}
	}
}
