package app

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

// The demo tenant's connections used by the token tests.
const (
	acme     = "con_Ac8mEoKta1x2Y3z4" // okta
	hooli    = "con_Ho0liOkta5W6x7Yz" // okta
	globex   = "con_GLbx5SamL7q8R9s0" // samlp
	initech  = "con_In1tEchOidc2T3uV" // oidc
	umbrella = "con_UmbR3llaAzure4Vw" // waad
)

// seedToken puts a token on a connection of the harness's tenant.
func (h *harness) seedToken(conn string, s emulator.TokenSeed) string {
	h.t.Helper()
	id, _, err := h.tenant.SeedSCIMToken(conn, s)
	if err != nil {
		h.t.Fatal(err)
	}
	return id
}

// tokenIDs are the ids of a connection's tokens in the emulator.
func (h *harness) tokenIDs(conn string) []string {
	var ids []string
	for _, t := range h.tenant.SCIMTokens(conn) {
		ids = append(ids, t.ID)
	}
	slices.Sort(ids)
	return ids
}

// auditDoc is tokens audit's JSON document.
type auditDoc struct {
	Connections []struct {
		ID     string   `json:"connection_id"`
		Name   string   `json:"connection_name"`
		Flags  []string `json:"flags"`
		Error  string   `json:"error"`
		Tokens []struct {
			ID         string   `json:"token_id"`
			Scopes     []string `json:"scopes"`
			CreatedAt  string   `json:"created_at"`
			ValidUntil string   `json:"valid_until"`
			LastUsedAt string   `json:"last_used_at"`
			Flags      []string `json:"flags"`
		} `json:"tokens"`
	} `json:"connections"`
}

func parseAudit(t *testing.T, out string) auditDoc {
	t.Helper()
	var d auditDoc
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("tokens audit --format json: %v\n%s", err, out)
	}
	return d
}

// flagsOf maps each token id, and each connection id, to its flags.
func (d auditDoc) flagsOf() map[string]string {
	out := map[string]string{}
	for _, c := range d.Connections {
		out[c.ID] = strings.Join(c.Flags, ",")
		for _, tok := range c.Tokens {
			out[tok.ID] = strings.Join(tok.Flags, ",")
		}
	}
	return out
}

func TestTokensAudit_flagsExactlyTheSeededStates(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	now := time.Now()
	expired := h.seedToken(acme, emulator.TokenSeed{CreatedAt: now.Add(-400 * 24 * time.Hour), ValidUntil: now.Add(-time.Hour), LastUsedAt: now.Add(-2 * time.Hour)})
	expiring := h.seedToken(hooli, emulator.TokenSeed{CreatedAt: now.Add(-300 * 24 * time.Hour), ValidUntil: now.Add(10 * 24 * time.Hour), LastUsedAt: now.Add(-time.Hour)})
	neverUsed := h.seedToken(hooli, emulator.TokenSeed{CreatedAt: now.Add(-time.Hour), ValidUntil: now.Add(300 * 24 * time.Hour)})
	healthy := h.seedToken(globex, emulator.TokenSeed{CreatedAt: now.Add(-24 * time.Hour), LastUsedAt: now.Add(-time.Minute)})
	h.tenant.ResetStats()

	r := h.expect(h.run("tokens", "audit", "--format", "json", "--detailed-exitcode"), ExitChanges)
	got := parseAudit(t, r.stdout).flagsOf()
	want := map[string]string{
		expired: "expired", expiring: "expiring", neverUsed: "never_used", healthy: "",
		acme: "no_valid_token", hooli: "", globex: "", initech: "no_valid_token", umbrella: "no_valid_token",
	}
	for id, flags := range want {
		if got[id] != flags {
			t.Errorf("%s: flags %q, want %q", id, got[id], flags)
		}
	}
	// Requests: the SCIM listing's pages, then one GET per connection.
	st := h.tenant.Stats()
	conns := len(parseAudit(t, r.stdout).Connections)
	if n := st.Count(emulator.KindSCIMTokensList); n != conns {
		t.Errorf("%d token listings for %d connections", n, conns)
	}
	if n, pages := st.Total(), st.Count(emulator.KindSCIMList); n != conns+pages || pages != 1 {
		t.Errorf("%d requests: want %d listing page(s) + %d GETs", n, pages, conns)
	}

	// Without --detailed-exitcode the audit is an answer, not a failure.
	h.expect(h.run("tokens", "audit", "--format", "json"), ExitOK)
	// A narrower window no longer flags the token expiring in 10 days.
	r = h.expect(h.run("tokens", "audit", "--format", "json", "--within", "24h", "--connection", "hooli-okta"), ExitOK)
	if got := parseAudit(t, r.stdout).flagsOf(); got[expiring] != "" || got[neverUsed] != "never_used" || len(got) != 3 {
		t.Errorf("--within 24h --connection hooli-okta: %v", got)
	}
}

func TestTokensAudit_selection(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--strategy", "okta"}, []string{acme, hooli}},
		{[]string{"--connection", globex, "--connection", "initech-oidc"}, []string{globex, initech}},
		{[]string{"-f", "../../examples/manifest.json"}, []string{acme, globex}},
	} {
		r := h.expect(h.run("tokens", append([]string{"audit", "--format", "json"}, tc.args...)...), ExitOK)
		var got []string
		for _, c := range parseAudit(t, r.stdout).Connections {
			if c.Error == "" {
				got = append(got, c.ID)
			}
		}
		slices.Sort(got)
		slices.Sort(tc.want)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%v: audited %v, want %v", tc.args, got, tc.want)
		}
	}
	// A connection that does not exist is reported, as a finding: exit 2
	// with --detailed-exitcode, as plan's drift check does.
	h.expect(h.run("tokens", "audit", "--connection", "con_DoesNotExist000"), ExitOK)
	r := h.expect(h.run("tokens", "audit", "--format", "json", "--detailed-exitcode", "--connection", "con_DoesNotExist000"), ExitChanges)
	if d := parseAudit(t, r.stdout); len(d.Connections) != 1 || !strings.Contains(d.Connections[0].Error, "does not exist") {
		t.Errorf("audit of a missing connection: %s", r.stdout)
	}
}

// handoffDoc is the JSON handoff file.
type handoffDoc struct {
	Tenant string `json:"tenant"`
	Tokens []struct {
		ConnectionID   string   `json:"connection_id"`
		ConnectionName string   `json:"connection_name"`
		Strategy       string   `json:"strategy"`
		TokenID        string   `json:"token_id"`
		Token          string   `json:"token"`
		Scopes         []string `json:"scopes"`
		ValidUntil     string   `json:"valid_until"`
		Endpoint       string   `json:"endpoint"`
	} `json:"tokens"`
}

func readHandoff(t *testing.T, path string) handoffDoc {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("the handoff file has mode %v, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	var d handoffDoc
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("handoff: %v", err)
	}
	return d
}

func TestTokensIssue_oneWorkingTokenPerConnectionInTheHandoffOnly(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	out, rep := h.path("handoff.json"), h.path("issue.jsonl")
	r := h.expect(h.run("tokens", "issue", "--yes", "--strategy", "okta", "--connection", "globex-saml",
		"--out", out, "--report", rep, "--lifetime", "720h"), ExitOK)
	d := readHandoff(t, out)
	if len(d.Tokens) != 3 {
		t.Fatalf("%d tokens in the handoff, want 3:\n%s", len(d.Tokens), r)
	}
	var secrets []string
	for _, tok := range d.Tokens {
		if err := h.tenant.UseSCIMToken(tok.ConnectionID, tok.Token); err != nil {
			t.Errorf("the token for %s does not work: %v", tok.ConnectionID, err)
		}
		if got := h.tokenIDs(tok.ConnectionID); !slices.Equal(got, []string{tok.TokenID}) {
			t.Errorf("%s holds %v, want exactly the issued %s", tok.ConnectionID, got, tok.TokenID)
		}
		if !slices.Equal(tok.Scopes, scimtoken.DefaultScopes) || tok.ValidUntil == "" || tok.ConnectionName == "" || tok.Strategy == "" {
			t.Errorf("handoff entry incomplete: %+v", tok)
		}
		secrets = append(secrets, tok.Token)
	}
	// The report has each token's id and never its secret.
	run, err := runlog.ReadRunFile(rep)
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range run.Results {
		if res.Action != plan.Action(scimtoken.ActionIssue) || res.Status != runlog.StatusApplied || res.TokenID == "" {
			t.Errorf("result %+v", res)
		}
	}
	h.noSCIMSecretOutside(r, secrets, out)

	// The handoff file is never overwritten unasked; nothing is sent then.
	before := h.tenant.Stats().Total()
	r = h.expect(h.run("tokens", "issue", "--yes", "--all", "--out", out), ExitError)
	if !strings.Contains(r.stderr, "exists") || h.tenant.Stats().Total() != before {
		t.Errorf("an existing handoff file must be refused before any request:\n%s", r)
	}
}

// noSCIMSecretOutside fails when a SCIM token's secret is anywhere but the
// handoff file: stdout, stderr, or another file.
func (h *harness) noSCIMSecretOutside(r result, secrets []string, handoff string) {
	h.t.Helper()
	texts := map[string]string{"stdout": r.stdout, "stderr": r.stderr}
	entries, _ := os.ReadDir(h.dir)
	for _, e := range entries {
		if p := h.path(e.Name()); p != handoff && !e.IsDir() {
			b, _ := os.ReadFile(p)
			texts[p] = string(b)
		}
	}
	for where, text := range texts {
		for _, s := range secrets {
			if strings.Contains(text, s) || strings.Contains(text, s[strings.IndexByte(s, '.')+1:]) {
				h.t.Fatalf("a SCIM token's secret appears in %s", where)
			}
		}
	}
}

func TestTokensIssue_csvHandoff(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	out := h.path("handoff.csv")
	h.expect(h.run("tokens", "issue", "--yes", "--connection", umbrella, "--out", out, "--lifetime", "0", "--scopes", "get:users,post:users"), ExitOK)
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("handoff CSV: %v %v", rows, err)
	}
	head, row := rows[0], rows[1]
	col := func(name string) string { return row[slices.Index(head, name)] }
	if col("connection_id") != umbrella || col("scopes") != "get:users post:users" || col("valid_until") != "" {
		t.Errorf("handoff row %v", row)
	}
	if err := h.tenant.UseSCIMToken(umbrella, col("token")); err != nil {
		t.Errorf("the CSV's token does not work: %v", err)
	}
}

func TestTokensIssue_connectionAtTheMaximumFails(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	now := time.Now()
	h.seedToken(acme, emulator.TokenSeed{CreatedAt: now.Add(-time.Hour)})
	h.seedToken(acme, emulator.TokenSeed{CreatedAt: now.Add(-time.Minute)})
	rep := h.path("issue.jsonl")
	r := h.expect(h.run("tokens", "issue", "--yes", "--strategy", "okta", "--out", h.path("h.json"), "--report", rep), ExitPartial)
	run, err := runlog.ReadRunFile(rep)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]runlog.Result{}
	for _, res := range run.Results {
		status[res.ConnectionID] = res
	}
	if s := status[acme]; s.Status != runlog.StatusFailed || !strings.Contains(s.Error, "already holds 2 tokens") || !strings.Contains(s.Error, "tokens revoke") {
		t.Errorf("acme: %+v", s)
	}
	if s := status[hooli]; s.Status != runlog.StatusApplied {
		t.Errorf("hooli: %+v\n%s", s, r)
	}
	if n := h.tenant.Stats().Count(emulator.KindSCIMTokensCreate); n != 1 {
		t.Errorf("%d token requests: the one at the maximum must not be sent", n)
	}
	if len(readHandoff(t, h.path("h.json")).Tokens) != 1 {
		t.Error("the handoff must hold the one token issued")
	}
}

func TestTokensRollback_revokesExactlyTheRunsTokens(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	theirs := h.seedToken(acme, emulator.TokenSeed{CreatedAt: time.Now().Add(-time.Hour)})
	rep := h.path("issue.jsonl")
	h.expect(h.run("tokens", "issue", "--yes", "--strategy", "okta", "--out", h.path("h.json"), "--report", rep), ExitOK)
	// Another administrator issues a token after the run.
	later := h.seedToken(hooli, emulator.TokenSeed{})

	rb := h.path("rollback.jsonl")
	r := h.expect(h.run("rollback", "--from", rep, "--report", rb), ExitOK)
	if got := h.tokenIDs(acme); !slices.Equal(got, []string{theirs}) {
		t.Errorf("acme holds %v, want only the token it had before, %s\n%s", got, theirs, r)
	}
	if got := h.tokenIDs(hooli); !slices.Equal(got, []string{later}) {
		t.Errorf("hooli holds %v, want only the token issued after the run, %s", got, later)
	}
	// Rolling back again revokes nothing; a revoke cannot be rolled back.
	h.expect(h.run("rollback", "--from", rep, "--report", h.path("rollback2.jsonl")), ExitOK)
	if n := h.tenant.Stats().Count(emulator.KindSCIMTokensDelete); n != 2 {
		t.Errorf("%d revokes, want the run's 2", n)
	}
	r = h.expect(h.run("rollback", "--from", rb, "--report", h.path("rollback3.jsonl")), ExitError)
	if !strings.Contains(r.stderr, "cannot be restored") {
		t.Errorf("rollback of a revoke: %s", r)
	}
}

func TestTokensRevoke_choosesByCriteria(t *testing.T) {
	t.Parallel()
	now := time.Now()
	for _, tc := range []struct {
		name string
		args []string
		keep func(old, expired, fresh string) []string
	}{
		{"expired", []string{"--expired"}, func(old, expired, fresh string) []string { return []string{old, fresh} }},
		{"older-than", []string{"--older-than", "720h"}, func(old, expired, fresh string) []string { return []string{fresh} }},
		// hooli's one token is its newest: kept.
		{"keep-newest", []string{"--keep-newest", "1"}, func(old, expired, fresh string) []string { return []string{fresh, expired} }},
		{"older-than and keep-newest", []string{"--older-than", "24h", "--keep-newest", "1"}, func(old, expired, fresh string) []string { return []string{fresh, expired} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, emulator.Options{})
			old := h.seedToken(acme, emulator.TokenSeed{CreatedAt: now.Add(-60 * 24 * time.Hour)})
			fresh := h.seedToken(acme, emulator.TokenSeed{CreatedAt: now.Add(-time.Hour)})
			expired := h.seedToken(hooli, emulator.TokenSeed{CreatedAt: now.Add(-90 * 24 * time.Hour), ValidUntil: now.Add(-time.Hour)})
			// A dry run shows and sends nothing.
			r := h.expect(h.run("tokens", append([]string{"revoke", "--dry-run", "--strategy", "okta"}, tc.args...)...), ExitOK)
			if n := h.tenant.Stats().Count(emulator.KindSCIMTokensDelete); n != 0 {
				t.Fatalf("a dry run sent %d revokes", n)
			}
			h.expect(h.run("tokens", append([]string{"revoke", "--yes", "--strategy", "okta"}, tc.args...)...), ExitOK)
			var kept []string
			for _, c := range []string{acme, hooli} {
				kept = append(kept, h.tokenIDs(c)...)
			}
			want := tc.keep(old, expired, fresh)
			slices.Sort(kept)
			slices.Sort(want)
			if !slices.Equal(kept, want) {
				t.Errorf("kept %v, want %v\ndry run:\n%s", kept, want, r.stdout)
			}
		})
	}
}

func TestTokensRevoke_fromHandoffOrReport(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	theirs := h.seedToken(globex, emulator.TokenSeed{CreatedAt: time.Now().Add(-time.Hour)})
	out, rep := h.path("h.json"), h.path("issue.jsonl")
	h.expect(h.run("tokens", "issue", "--yes", "--strategy", "okta", "--connection", globex, "--out", out, "--report", rep), ExitOK)
	handoff := readHandoff(t, out)
	r := h.expect(h.run("tokens", "revoke", "--yes", "--from", out, "--report", h.path("revoke.jsonl")), ExitOK)
	for _, c := range []string{acme, hooli} {
		if got := h.tokenIDs(c); len(got) != 0 {
			t.Errorf("%s still holds %v", c, got)
		}
	}
	if got := h.tokenIDs(globex); !slices.Equal(got, []string{theirs}) {
		t.Errorf("globex holds %v, want only %s", got, theirs)
	}
	var secrets []string
	for _, tok := range handoff.Tokens {
		secrets = append(secrets, tok.Token)
	}
	h.noSCIMSecretOutside(r, secrets, out)
	// From the issue report: everything it issued is already gone.
	r = h.expect(h.run("tokens", "revoke", "--yes", "--from", rep, "--report", h.path("revoke2.jsonl")), ExitOK)
	if !strings.Contains(r.stdout, "Nothing to do") {
		t.Errorf("revoke --from an issue report whose tokens are gone:\n%s", r)
	}
}

func TestTokens_usageErrorsSendNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"issue", "--yes", "--all"}, "--out HANDOFF.json"},
		{[]string{"issue", "--yes", "--out", h.path("h.txt"), "--all"}, ".json or .csv"},
		{[]string{"issue", "--yes", "--out", h.path("h.json")}, "--all"},
		{[]string{"issue", "--yes", "--out", h.path("h.json"), "--all", "--lifetime", "15m"}, "longer than 15m"},
		{[]string{"issue", "--yes", "--out", h.path("h.json"), "--all", "--scopes", "get:users,read:everything"}, "unknown scope"},
		{[]string{"issue", "--yes", "--out", h.path("h.json"), "--all", "--strategy", "okta"}, "--all selects"},
		{[]string{"revoke", "--yes", "--all"}, "--expired"},
		{[]string{"revoke", "--yes", "--expired"}, "--all"},
		{[]string{"revoke", "--yes", "--all", "--keep-newest", "3"}, "--keep-newest 3"},
		{[]string{"audit", "--within", "30days"}, "duration"},
		{[]string{"issue", "--out", h.path("h.json"), "--all"}, "--yes"},
	} {
		r := h.expect(h.run("tokens", tc.args...), ExitError)
		if !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
			t.Errorf("%v: want %q in the error:\n%s", tc.args, tc.want, r)
		}
	}
	if n := h.tenant.Stats().Total(); n != 0 {
		t.Errorf("%d requests sent for refused command lines", n)
	}
}

// TestTokensIssue_lostAnswerIsRevoked makes a token request take effect and
// lose its answer (a 500, or the connection closed): the request is not
// sent again (that would issue a second token), and the token whose secret
// never arrived is found and revoked.
func TestTokensIssue_lostAnswerIsRevoked(t *testing.T) {
	t.Parallel()
	for name, drop := range map[string]bool{"500 after the effect": false, "connection closed": true} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, emulator.Options{})
			h.tenant.SetFaults(emulator.Faults{FailWrites: []string{acme}, FailKinds: []string{emulator.KindSCIMTokensCreate},
				FailAfterEffect: true, FailDrop: drop, FailTimes: 1})
			rep, out := h.path("issue.jsonl"), h.path("handoff.json")
			r := h.expect(h.run("tokens", "issue", "--yes", "--connection", acme, "--connection", hooli, "--out", out, "--report", rep), ExitPartial)
			if n := h.tenant.Stats().Count(emulator.KindSCIMTokensCreate); n != 2 {
				t.Errorf("%d token requests for 2 connections: a request that may have issued a token must not be repeated", n)
			}
			if got := h.tokenIDs(acme); len(got) != 0 {
				t.Errorf("acme holds %v: the token whose answer was lost must be revoked\n%s", got, r)
			}
			run, err := runlog.ReadRunFile(rep)
			if err != nil {
				t.Fatal(err)
			}
			for _, res := range run.Results {
				if res.ConnectionID == acme && (res.Status != runlog.StatusFailed || !strings.Contains(res.Error, "was revoked")) {
					t.Errorf("acme: %+v", res)
				}
			}
			if d := readHandoff(t, out); len(d.Tokens) != 1 || d.Tokens[0].ConnectionID != hooli {
				t.Errorf("the handoff must hold hooli's token only: %+v", d.Tokens)
			}
		})
	}
}

// TestTokensIssue_interruptedRunStillHandsOver interrupts tokens issue (a
// first SIGINT) while its third token is being issued: no new request
// starts, those in flight finish, and the handoff file holds every token
// the run issued, so none is lost.
func TestTokensIssue_interruptedRunStillHandsOver(t *testing.T) {
	t.Parallel()
	h, _, ids := bulkTenant(t, 20, emulator.Options{})
	var once sync.Once
	var issuing atomic.Int32
	h.tenant.SetWriteHook(func(string) {
		if issuing.Add(1) == 3 {
			once.Do(func() { close(h.stop) })
		}
	})
	out := h.path("handoff.json")
	r := h.expect(h.run("tokens", "issue", "--yes", "--all", "--concurrency", "2", "--format", "json", "--out", out), ExitInterrupted)
	var doc struct {
		Handoff string        `json:"handoff"`
		Summary runlog.Counts `json:"summary"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || doc.Handoff != out {
		t.Fatalf("--format json: %v\n%s", err, r)
	}
	issued := 0
	for _, id := range ids {
		issued += len(h.tenant.SCIMTokens(id))
	}
	d := readHandoff(t, out)
	if len(d.Tokens) != issued || issued != doc.Summary.Applied || issued == len(ids) || issued < 3 {
		t.Fatalf("%d tokens on the tenant, %d in the handoff, %d applied, of %d connections", issued, len(d.Tokens), doc.Summary.Applied, len(ids))
	}
	for _, tok := range d.Tokens {
		if err := h.tenant.UseSCIMToken(tok.ConnectionID, tok.Token); err != nil {
			t.Errorf("%s: %v", tok.ConnectionID, err)
		}
	}
}

// TestTokensAudit_costsListingPagesPlusOneGETPerConnection audits 250
// connections: the SCIM listing's pages (100 per page) and one token GET
// per connection, nothing more.
func TestTokensAudit_costsListingPagesPlusOneGETPerConnection(t *testing.T) {
	t.Parallel()
	h, _, ids := bulkTenant(t, 250, emulator.Options{})
	h.tenant.ResetStats()
	r := h.expect(h.run("tokens", "audit", "--format", "json"), ExitOK)
	if n := len(parseAudit(t, r.stdout).Connections); n != len(ids) {
		t.Fatalf("%d connections audited, want %d", n, len(ids))
	}
	st := h.tenant.Stats()
	pages, gets := st.Count(emulator.KindSCIMList), st.Count(emulator.KindSCIMTokensList)
	t.Logf("audit of %d connections: %d requests = %d listing pages + %d token GETs", len(ids), st.Total(), pages, gets)
	if pages != 3 || gets != len(ids) || st.Total() != pages+gets {
		t.Errorf("%d requests: %d listing pages, %d token GETs", st.Total(), pages, gets)
	}
}

// TestTokensAudit_withoutTheSCIMListingScope audits with a client that may
// read tokens and connections but not SCIM configurations: the tenant-wide
// listing is refused, the connections of the SCIM strategies are listed
// instead, and those without a configuration are left out.
func TestTokensAudit_withoutTheSCIMListingScope(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	h.tenant.AddClient(emulator.Client{ID: "token-auditor", Secret: "auditor-secret", Scopes: []string{"read:connections", "read:scim_token"}})
	h.env["AUTH0_CLIENT_ID"], h.env["AUTH0_CLIENT_SECRET"] = "token-auditor", "auditor-secret"
	r := h.expect(h.run("tokens", "audit", "--format", "json"), ExitOK)
	var got []string
	for _, c := range parseAudit(t, r.stdout).Connections {
		got = append(got, c.ID)
	}
	if len(got) != 9 || !strings.Contains(r.stderr, "refused the tenant-wide SCIM listing") {
		t.Errorf("audited %v\n%s", got, r)
	}
}
