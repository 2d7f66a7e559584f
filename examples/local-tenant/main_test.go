package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
)

const demoSeed = "../../testdata/tenant.json"

var start = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestSeedTokens_demoTenant(t *testing.T) {
	c, err := parseFlags([]string{"--seed", demoSeed, "--seed-tokens"})
	if err != nil || !c.seedTokens {
		t.Fatalf("flags: %+v %v", c, err)
	}
	c.opts.Clock = func() time.Time { return start.Add(123 * time.Millisecond) }
	tenant, lines, err := buildTenant(c)
	if err != nil {
		t.Fatal(err)
	}
	d := func(n int) time.Time { return start.Add(time.Duration(n) * day) }
	type want struct {
		scopes                       []string
		created, validUntil, lastUse time.Time
	}
	healthy := &want{nil, d(-30), d(335), start.Add(-time.Hour)}
	expected := map[string]*want{
		"con_Ac8mEoKta1x2Y3z4": {nil, d(-400), d(-35), d(-40)},                                         // acme-okta: expired
		"con_GLbx5SamL7q8R9s0": {nil, d(-353), d(12), d(-1)},                                           // globex-saml: expiring
		"con_In1tEchOidc2T3uV": {[]string{"get:users", "post:users"}, d(-3), time.Time{}, time.Time{}}, // initech-oidc: never used
		"con_UmbR3llaAzure4Vw": {nil, d(-45), d(320), start.Add(-2 * time.Hour)},                       // umbrella-azure: healthy
		"con_Ho0liOkta5W6x7Yz": nil,                                                                    // hooli-okta: none
		"con_St4rkSaml8Z9a0Bc": healthy, "con_Wayn3Azure1C2d3E": healthy, "con_W0nkaOidc4E5f6Gh": healthy, "con_Ma5siveSaml7H8iJ": healthy,
	}
	all := tenant.AllSCIMTokens()
	if len(all) != 8 {
		t.Errorf("%d connections with tokens, want 8: %v", len(all), all)
	}
	for id, w := range expected {
		got := all[id]
		if w == nil {
			if got != nil {
				t.Errorf("%s: %+v, want no token", id, got)
			}
			continue
		}
		scopes := w.scopes
		if scopes == nil {
			scopes = []string{"get:users", "post:users", "put:users", "patch:users"}
		}
		if len(got) != 1 || !slices.Equal(got[0].Scopes, scopes) || !got[0].CreatedAt.Equal(w.created) ||
			!got[0].ValidUntil.Equal(w.validUntil) || !got[0].LastUsedAt.Equal(w.lastUse) {
			t.Errorf("%s: %+v, want %+v", id, got, *w)
		}
	}
	// the states the audit tells apart, at start-up
	now := start
	expired := all["con_Ac8mEoKta1x2Y3z4"][0]
	if err := tenant.UseSCIMToken("con_Ac8mEoKta1x2Y3z4", expired.Secret); !errors.Is(err, emulator.ErrSCIMTokenExpired) {
		t.Errorf("expired token: %v", err)
	}
	if until := all["con_GLbx5SamL7q8R9s0"][0].ValidUntil; !until.After(now) || until.Sub(now) > 30*day {
		t.Errorf("expiring token valid until %v", until)
	}
	if _, ok := tenant.SCIMConfig("con_Ho0liOkta5W6x7Yz"); !ok {
		t.Error("the connection without a token has no SCIM configuration")
	}
	if len(lines) != 9 || !strings.HasPrefix(lines[0], "SCIM tokens of acme-okta (con_Ac8mEoKta1x2Y3z4): tok_") ||
		!strings.Contains(lines[0], "expired") || lines[4] != "SCIM tokens of hooli-okta (con_Ho0liOkta5W6x7Yz): none" {
		t.Errorf("lines:\n%s", strings.Join(lines, "\n"))
	}
	for _, line := range lines {
		for _, toks := range all {
			if strings.Contains(line, toks[0].Secret) {
				t.Errorf("a line shows a secret: %s", line)
			}
		}
	}
}

func TestSeedTokens_needsFiveConfigurations(t *testing.T) {
	seed := emulator.Seed{Connections: []emulator.Connection{
		{Name: "a", Strategy: "okta", SCIM: &emulator.SCIMConfig{}},
		{Name: "b", Strategy: "samlp", SCIM: &emulator.SCIMConfig{}},
		{Name: "c", Strategy: "samlp"},
	}}
	c := config{seed: writeSeed(t, seed), seedTokens: true}
	if _, _, err := buildTenant(c); err == nil || !strings.Contains(err.Error(), "--seed-tokens: the seed has 2 connections with a SCIM configuration, 5 are needed") {
		t.Errorf("err = %v", err)
	}
	c.seedTokens = false
	tenant, lines, err := buildTenant(c)
	if err != nil || lines != nil || len(tenant.AllSCIMTokens()) != 0 {
		t.Errorf("without --seed-tokens: %v %v %v", err, lines, tenant.AllSCIMTokens())
	}
}

func writeSeed(t *testing.T, s emulator.Seed) string {
	t.Helper()
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// syncBuffer is the stdout of run, written by its goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestRun_seedTokens serves a tenant with --seed-tokens and reads the
// tokens through the Management API, as scim-migrate would.
func TestRun_seedTokens(t *testing.T) {
	scopes := []string{"read:scim_config", "read:scim_token"}
	seed := emulator.Seed{TenantName: "tokens-demo", Clients: []emulator.Client{{ID: "cid", Secret: "csecret", Scopes: scopes}}}
	for _, name := range []string{"one", "two", "three", "four", "five", "six"} {
		seed.Connections = append(seed.Connections, emulator.Connection{ID: "con_" + name, Name: name, Strategy: "okta", SCIM: &emulator.SCIMConfig{}})
	}
	addrFile := filepath.Join(t.TempDir(), "addr")
	ctx, cancel := context.WithCancel(context.Background())
	var stdout syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--seed", writeSeed(t, seed), "--seed-tokens", "--addr-file", addrFile}, &stdout)
	}()
	var base []byte
	deadline := time.Now().Add(10 * time.Second)
	for len(base) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("not listening after 10s; stdout: %s", stdout.String())
		}
		base, _ = os.ReadFile(addrFile)
		time.Sleep(5 * time.Millisecond) // polling a file another goroutine writes, not a fixed wait
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"cid"}, "client_secret": {"csecret"},
		"audience": {string(base) + "/api/v2/"}}
	resp, err := http.PostForm(string(base)+"/oauth/token", form)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %d %v", resp.StatusCode, err)
	}
	listed := map[string][]map[string]any{}
	for _, name := range []string{"one", "two", "three", "four", "five", "six"} {
		req, _ := http.NewRequest("GET", string(base)+"/api/v2/connections/con_"+name+"/scim-configuration/tokens", nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var items []map[string]any
		err = json.NewDecoder(resp.Body).Decode(&items)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %d %v", name, resp.StatusCode, err)
		}
		listed[name] = items
	}
	has := func(name, field string) bool { return len(listed[name]) == 1 && listed[name][0][field] != nil }
	switch {
	case !has("one", "valid_until") || !has("one", "last_used_at"):
		t.Errorf("expired: %v", listed["one"])
	case !has("two", "valid_until"):
		t.Errorf("expiring: %v", listed["two"])
	case !has("three", "token_id") || has("three", "valid_until") || has("three", "last_used_at"):
		t.Errorf("never used: %v", listed["three"])
	case !has("four", "last_used_at") || !has("six", "last_used_at"):
		t.Errorf("healthy: %v %v", listed["four"], listed["six"])
	case len(listed["five"]) != 0:
		t.Errorf("none: %v", listed["five"])
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if out := stdout.String(); !strings.HasPrefix(out, `local tenant "tokens-demo" listening on `) || strings.Count(out, "\nSCIM tokens of ") != 6 {
		t.Errorf("stdout:\n%s", out)
	}
}

// Without --seed the demo tenant is served: the built-in seed is
// testdata/tenant.json, byte for byte.
func TestBuiltinSeed_isTheDemoTenant(t *testing.T) {
	want, err := os.ReadFile(demoSeed)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(builtinSeed, want) {
		t.Fatal("demo-seed.json differs from testdata/tenant.json: copy it again")
	}
	c, err := parseFlags(nil)
	if err != nil {
		t.Fatalf("no --seed: %v", err)
	}
	tenant, _, err := buildTenant(c)
	if err != nil || tenant.TenantName() != "demo" {
		t.Fatalf("the built-in seed: %v", err)
	}
}

// The environment to export names the tenant and its first client, quoted
// for a shell.
func TestExports(t *testing.T) {
	got := exports("http://127.0.0.1:1", []emulator.Client{{ID: "demo-client", Secret: "it's"}})
	want := "export AUTH0_DOMAIN=http://127.0.0.1:1\nexport AUTH0_CLIENT_ID='demo-client'\nexport AUTH0_CLIENT_SECRET='it'\\''s'\n"
	if got != want {
		t.Fatalf("exports:\n%s\nwant:\n%s", got, want)
	}
}

// TestParseFlags_profile: --profile makes the profile's choices, keeps the
// plan's rate limits, and a flag given on the command line wins.
func TestParseFlags_profile(t *testing.T) {
	c, err := parseFlags([]string{"--plan", "enterprise", "--profile", "shuffled", "--token-lifetime", "1h"})
	if err != nil {
		t.Fatal(err)
	}
	if !c.opts.Listing.OwnCursorsOnly || c.opts.Listing.Order != emulator.OrderShuffled {
		t.Errorf("listing %+v, want own cursors, shuffled", c.opts.Listing)
	}
	if c.opts.TokenLifetime != time.Hour || c.opts.Buckets[emulator.GroupGlobal].Rate != 16 {
		t.Errorf("token lifetime %v and bucket %+v: the command line and the plan must win", c.opts.TokenLifetime, c.opts.Buckets)
	}
	if _, err := parseFlags([]string{"--profile", "nosuch"}); err == nil || !strings.Contains(err.Error(), "bundled") {
		t.Errorf("an unknown profile: %v, want the list of profiles", err)
	}
}
