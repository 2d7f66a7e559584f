package auth0api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// The token calls against the emulator: what each sends, what it answers,
// and what each refusal means to the engine.

func TestTokens_listIssueRevoke(t *testing.T) {
	t.Parallel()
	tenant, c := testTenant(t, emulator.Options{}, append(slices.Clone(allScopes), tokenScopes...))
	ctx := context.Background()
	created := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	seeded, _, err := tenant.SeedSCIMToken("con_A1", emulator.TokenSeed{Scopes: []string{"get:users"}, CreatedAt: created,
		ValidUntil: created.Add(48 * time.Hour), LastUsedAt: created.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	toks, err := c.ListTokens(ctx, "con_A1")
	if err != nil || len(toks) != 1 {
		t.Fatalf("ListTokens: %v %+v", err, toks)
	}
	if got := toks[0]; got.ID != seeded || !got.CreatedAt.Equal(created) || !got.ValidUntil.Equal(created.Add(48*time.Hour)) ||
		!got.LastUsedAt.Equal(created.Add(time.Hour)) || !slices.Equal(got.Scopes, []string{"get:users"}) {
		t.Errorf("listed %+v", got)
	}

	issued, err := c.IssueToken(ctx, "con_A1", execute.TokenRequest{Scopes: []string{"get:users", "post:users"}, Lifetime: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	held := tenant.SCIMTokens("con_A1")
	if len(held) != 2 || issued.Secret == "" || issued.ID == "" {
		t.Fatalf("issued %+v; the tenant holds %d tokens", issued.Token, len(held))
	}
	for _, h := range held {
		if h.ID == issued.ID && (h.Secret != issued.Secret || !slices.Equal(issued.Scopes, []string{"get:users", "post:users"})) {
			t.Errorf("the tenant's token %s differs from the one answered (scopes %v)", h.ID, issued.Scopes)
		}
	}

	if err := c.RevokeToken(ctx, "con_A1", seeded); err != nil {
		t.Fatal(err)
	}
	if err := c.RevokeToken(ctx, "con_A1", seeded); !errors.Is(err, execute.ErrTokenGone) {
		t.Errorf("revoking a revoked token: %v, want ErrTokenGone", err)
	}
	if toks, err := c.ListTokens(ctx, "con_A1"); err != nil || len(toks) != 1 || toks[0].ID != issued.ID {
		t.Errorf("after the revoke: %v %+v", err, toks)
	}
}

func TestTokens_refusals(t *testing.T) {
	t.Parallel()
	tenant, c := testTenant(t, emulator.Options{}, append(slices.Clone(allScopes), tokenScopes...))
	ctx := context.Background()
	if _, err := c.ListTokens(ctx, "con_C3"); !errors.Is(err, ErrNoSCIMConfiguration) {
		t.Errorf("listing the tokens of a connection without SCIM: %v", err)
	}
	if _, err := c.IssueToken(ctx, "con_Z9", execute.TokenRequest{Scopes: []string{"get:users"}}); !errors.Is(err, ErrNoSCIMConfiguration) {
		t.Errorf("issuing for a missing connection: %v", err)
	}
	for _, bad := range []string{"", "not an id", "con_A1/../x"} {
		if _, err := c.ListTokens(ctx, bad); err == nil {
			t.Errorf("ListTokens(%q) sent", bad)
		}
		if _, err := c.IssueToken(ctx, bad, execute.TokenRequest{}); err == nil {
			t.Errorf("IssueToken(%q) sent", bad)
		}
		if err := c.RevokeToken(ctx, bad, "tok_0123456789abcdef"); err == nil {
			t.Errorf("RevokeToken(%q) sent", bad)
		}
	}
	if err := c.RevokeToken(ctx, "con_A1", "../x"); err == nil {
		t.Error("a malformed token id was sent")
	}
	// A connection holds two tokens at most: the third is refused, and
	// that refusal is certain (nothing was issued).
	before := tenant.Stats().Count(emulator.KindSCIMTokensCreate)
	for range 2 {
		if _, err := c.IssueToken(ctx, "con_B2", execute.TokenRequest{Scopes: []string{"get:users"}}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.IssueToken(ctx, "con_B2", execute.TokenRequest{Scopes: []string{"get:users"}})
	var unc *execute.UncertainError
	if err == nil || errors.As(err, &unc) || len(tenant.SCIMTokens("con_B2")) != 2 {
		t.Errorf("third token: %v; the tenant holds %d", err, len(tenant.SCIMTokens("con_B2")))
	}
	if n := tenant.Stats().Count(emulator.KindSCIMTokensCreate) - before; n != 3 {
		t.Errorf("%d token requests for three issues: a refused issue was repeated", n)
	}
}

// TestTokens_issueIsSentOnce: an issue whose answer is a 5xx may have
// issued a token: it is never repeated, and it is uncertain. A revoke is
// repeated, as a read is.
func TestTokens_issueIsSentOnce(t *testing.T) {
	t.Parallel()
	clock := newStepClock()
	tenant, c := testTenantOn(t, emulator.Options{Clock: clock.Now}, append(slices.Clone(allScopes), tokenScopes...), clock)
	ctx := context.Background()
	tenant.SetFaults(emulator.Faults{FailWrites: []string{"con_A1"}, FailStatus: http.StatusBadGateway, FailTimes: 1})
	_, err := c.IssueToken(ctx, "con_A1", execute.TokenRequest{Scopes: []string{"get:users"}})
	var unc *execute.UncertainError
	if !errors.As(err, &unc) {
		t.Errorf("an issue answered 502: %v, want uncertain", err)
	}
	if n := tenant.Stats().Count(emulator.KindSCIMTokensCreate); n != 1 {
		t.Errorf("the issue was sent %d times", n)
	}
	id, _, err := tenant.SeedSCIMToken("con_B2", emulator.TokenSeed{})
	if err != nil {
		t.Fatal(err)
	}
	tenant.SetFaults(emulator.Faults{FailWrites: []string{"con_B2"}, FailStatus: http.StatusServiceUnavailable, FailTimes: 1})
	if err := c.RevokeToken(ctx, "con_B2", id); err != nil {
		t.Errorf("a revoke answered 503 once: %v", err)
	}
	if len(tenant.SCIMTokens("con_B2")) != 0 {
		t.Error("the token is still there")
	}
}

func TestTokens_configuredConnections(t *testing.T) {
	t.Parallel()
	tenant, c := testTenant(t, emulator.Options{}, append(slices.Clone(allScopes), tokenScopes...))
	ctx := context.Background()
	conns, complete, err := c.ConfiguredConnections(ctx)
	if err != nil || !complete {
		t.Fatalf("%v, complete %v", err, complete)
	}
	want := []scim.Connection{{ID: "con_A1", Name: "alpha", Strategy: "okta"}, {ID: "con_B2", Name: "beta", Strategy: "samlp"}}
	if !slices.Equal(conns, want) {
		t.Errorf("configured: %+v, want %+v", conns, want)
	}
	// A tenant that refuses the tenant-wide listing: the connections of
	// the SCIM strategies, not known to be configured.
	tenant.SetListingDisabled(true)
	conns, complete, err = c.ConfiguredConnections(ctx)
	if err != nil || complete {
		t.Fatalf("%v, complete %v", err, complete)
	}
	names := []string{}
	for _, cn := range conns {
		names = append(names, cn.Name)
	}
	if !slices.Equal(names, []string{"alpha", "beta", "gamma"}) {
		t.Errorf("without the listing: %v, want the SCIM strategies' connections alpha, beta, gamma", names)
	}
}
