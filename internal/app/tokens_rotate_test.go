package app

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
	"github.com/scim-migrate/scim-migrate/internal/tokenplan"
)

// TestTokensRotate_makesRoomIssuesAndKeepsTheOther rotates the Okta
// connections' tokens: acme holds the maximum of 2, so its older is revoked
// and its newer stays valid; hooli holds none and just gets one. The new
// tokens work and are in the handoff file with their endpoints; the
// rollback revokes the issued tokens only and says the revoked one cannot
// be restored.
func TestTokensRotate_makesRoomIssuesAndKeepsTheOther(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	now := time.Now()
	older := h.seedToken(acme, emulator.TokenSeed{CreatedAt: now.Add(-2 * time.Hour)})
	newer := h.seedToken(acme, emulator.TokenSeed{CreatedAt: now.Add(-time.Hour)})
	out, rep := h.path("handoff.json"), h.path("rotate.jsonl")
	r := h.expect(h.run("tokens", "rotate", "--yes", "--strategy", "okta", "--out", out, "--report", rep), ExitOK)
	d := readHandoff(t, out)
	if len(d.Tokens) != 2 {
		t.Fatalf("%d tokens handed off, want 2:\n%s", len(d.Tokens), r)
	}
	issued := map[string]string{}
	for _, tok := range d.Tokens {
		issued[tok.ConnectionID] = tok.TokenID
		if err := h.tenant.UseSCIMToken(tok.ConnectionID, tok.Token); err != nil {
			t.Errorf("the new token of %s does not work: %v", tok.ConnectionID, err)
		}
		if tok.Endpoint != scimtoken.EndpointURL(h.srv.URL, tok.ConnectionID) {
			t.Errorf("endpoint %q", tok.Endpoint)
		}
	}
	want := []string{newer, issued[acme]}
	slices.Sort(want)
	if got := h.tokenIDs(acme); !slices.Equal(got, want) {
		t.Errorf("acme holds %v, want the newer %s and the new one", got, newer)
	}
	if got := h.tokenIDs(hooli); !slices.Equal(got, []string{issued[hooli]}) {
		t.Errorf("hooli holds %v", got)
	}
	run, err := runlog.ReadRunFile(rep)
	if err != nil {
		t.Fatal(err)
	}
	if run.Header.Kind != runlog.KindTokenRotate || len(run.Results) != 2 {
		t.Fatalf("report header %+v, %d results", run.Header, len(run.Results))
	}
	for _, res := range run.Results {
		if res.Status != runlog.StatusApplied || res.TokenID != issued[res.ConnectionID] {
			t.Errorf("result %+v", res)
		}
	}
	if !slices.ContainsFunc(run.Intents, func(in runlog.Intent) bool { return in.TokenID == older }) {
		t.Error("the revoke of the older token has no intent")
	}

	r = h.expect(h.run("rollback", "--from", rep, "--report", h.path("rb.jsonl")), ExitOK)
	if got := h.tokenIDs(acme); !slices.Equal(got, []string{newer}) {
		t.Errorf("after the rollback acme holds %v, want the newer %s only", got, newer)
	}
	if len(h.tokenIDs(hooli)) != 0 || !strings.Contains(r.stderr, "cannot be restored") {
		t.Errorf("rollback of a rotation:\n%s", r)
	}
}

// TestTokensRotate_planReviewedThenRunExactly saves a dry run's plan, shows
// it as JSON and markdown, runs exactly it, and refuses it once stale.
func TestTokensRotate_planReviewedThenRunExactly(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	now := time.Now()
	older := h.seedToken(acme, emulator.TokenSeed{CreatedAt: now.Add(-2 * time.Hour)})
	h.seedToken(acme, emulator.TokenSeed{CreatedAt: now.Add(-time.Hour)})
	saved := h.path("rotate-plan.json")
	before := h.tenant.Stats().Count(emulator.KindSCIMTokensCreate)
	r := h.expect(h.run("tokens", "rotate", "--dry-run", "--connection", acme, "--save-plan", saved, "--format", "json"), ExitOK)
	var doc struct {
		DryRun    bool            `json:"dry_run"`
		TokenPlan *tokenplan.Plan `json:"token_plan"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || doc.TokenPlan == nil {
		t.Fatalf("--dry-run --format json: %v\n%s", err, r)
	}
	c := doc.TokenPlan.Changes
	if len(c) != 1 || c[0].Action != scimtoken.ActionRotate || c[0].TokenID != older || c[0].Endpoint == "" || doc.TokenPlan.Kind != runlog.KindTokenRotate {
		t.Errorf("token plan %+v", doc.TokenPlan)
	}
	md := h.expect(h.run("tokens", "rotate", "--dry-run", "--connection", acme, "--format", "markdown"), ExitOK)
	if !strings.Contains(md.stdout, "# scim-migrate token plan") || !strings.Contains(md.stdout, strings.ReplaceAll(older, "_", `\_`)) {
		t.Errorf("markdown plan:\n%s", md.stdout)
	}
	if h.tenant.Stats().Count(emulator.KindSCIMTokensCreate) != before || len(h.tokenIDs(acme)) != 2 {
		t.Fatal("a dry run wrote")
	}
	out := h.path("handoff.json")
	h.expect(h.run("tokens", "rotate", "--yes", "--plan", saved, "--out", out), ExitOK)
	if got := h.tokenIDs(acme); slices.Contains(got, older) || len(got) != 2 {
		t.Errorf("acme holds %v after running the plan", got)
	}
	// Stale, or given with a selection: refused before anything is sent.
	r = h.expect(h.run("tokens", "rotate", "--yes", "--plan", saved, "--out", h.path("h2.json"), "--max-plan-age", "1ns"), ExitError)
	if !strings.Contains(r.stderr, "refused") {
		t.Errorf("a stale plan: %s", r)
	}
	h.expect(h.run("tokens", "rotate", "--yes", "--plan", saved, "--all", "--out", h.path("h3.json")), ExitError)
	h.expect(h.run("tokens", "rotate", "--yes", "--plan", saved, "--scopes", "get:users", "--out", h.path("h5.json")), ExitError)
	h.expect(h.run("tokens", "rotate", "--yes", "--connection", acme, "--save-plan", saved, "--out", h.path("h4.json")), ExitError)
}

// TestRunKind_recordedInTheHeader: every run's report says what it writes,
// which is how rollback knows what to undo.
func TestRunKind_recordedInTheHeader(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	apply, issue, rb := h.path("apply.jsonl"), h.path("issue.jsonl"), h.path("rb.jsonl")
	h.expect(h.run("apply", "--report", apply, "-f", "../../examples/manifest.json"), ExitOK)
	h.expect(h.run("tokens", "issue", "--yes", "--connection", acme, "--out", h.path("h.json"), "--report", issue), ExitOK)
	h.expect(h.run("rollback", "--from", issue, "--report", rb), ExitOK)
	for path, want := range map[string]runlog.Kind{apply: runlog.KindConfig, issue: runlog.KindTokenIssue, rb: runlog.KindTokenRevoke} {
		run, err := runlog.ReadRunFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if run.Header.Kind != want {
			t.Errorf("%s: kind %q, want %q", path, run.Header.Kind, want)
		}
	}
}
