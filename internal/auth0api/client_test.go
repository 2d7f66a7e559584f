package auth0api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/pacer"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scim/scimtest"
)

const (
	testClientID     = "client-1"
	testClientSecret = "secret-CLIENT-0123456789abcdef"
)

var allScopes = []string{"read:connections", "read:scim_config", "update:scim_config", "create:scim_config", "delete:scim_config"}

func emuConn(id, name, strategy string, cfg *emulator.SCIMConfig) emulator.Connection {
	return emulator.Connection{ID: id, Name: name, Strategy: strategy, SCIM: cfg}
}

func emuCfg(uid string, kv ...string) *emulator.SCIMConfig {
	c := &emulator.SCIMConfig{UserIDAttribute: uid, Mapping: []emulator.Mapping{}}
	for i := 0; i+1 < len(kv); i += 2 {
		c.Mapping = append(c.Mapping, emulator.Mapping{SCIM: kv[i], Auth0: kv[i+1]})
	}
	return c
}

// testTenant is an emulated tenant on a real socket with a few connections,
// and a client of it holding client credentials with the given scopes.
func testTenant(t *testing.T, opts emulator.Options, scopes []string) (*emulator.Tenant, *Client) {
	t.Helper()
	return testTenantOn(t, opts, scopes, nil)
}

// testTenantOn is testTenant with the client's transport on clock (nil: the
// real one).
func testTenantOn(t *testing.T, opts emulator.Options, scopes []string, clock pacer.Clock) (*emulator.Tenant, *Client) {
	t.Helper()
	tenant := emulator.New(opts)
	err := tenant.LoadSeed(emulator.Seed{Connections: []emulator.Connection{
		emuConn("con_A1", "alpha", "okta", emuCfg("userName", "userName", "email")),
		emuConn("con_B2", "beta", "samlp", emuCfg("externalId", "title", "app_metadata.title")),
		emuConn("con_C3", "gamma", "oidc", nil),
		emuConn("con_D4", "delta-db", "auth0", nil),
	}})
	if err != nil {
		t.Fatal(err)
	}
	tenant.AddClient(emulator.Client{ID: testClientID, Secret: testClientSecret, Scopes: scopes})
	srv := httptest.NewServer(tenant.Handler())
	t.Cleanup(srv.Close)
	domain, err := ParseDomain(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	client, err := NewClient(Settings{Tenant: domain, Credentials: Credentials{ClientID: testClientID, ClientSecret: testClientSecret},
		Transport: TransportOptions{MaxRetries: 3, BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Clock: clock}})
	if err != nil {
		t.Fatal(err)
	}
	return tenant, client
}

func TestClient_readLive(t *testing.T) {
	t.Parallel()
	_, c := testTenant(t, emulator.Options{}, allScopes)
	ctx := context.Background()
	sel := &manifest.Selector{Strategies: []string{"samlp"}}
	live, err := c.ReadLive(ctx, manifest.Refs{IDs: []string{"con_A1", "con_C3", "con_Z9"}, Names: []string{"gamma"}, Selectors: []*manifest.Selector{sel}}, 2)
	if err != nil {
		t.Fatal(err)
	}
	a, b, cc := live.Connections["con_A1"], live.Connections["con_B2"], live.Connections["con_C3"]
	if a == nil || !a.Config.Equal(scimtest.Config("userName", "userName", "email")) || a.Name != "alpha" {
		t.Errorf("con_A1 %+v", a)
	}
	if b == nil || b.Config == nil || cc == nil || cc.Config != nil || cc.Name != "gamma" {
		t.Errorf("selected and named connections: %+v %+v", b, cc)
	}
	if _, ok := live.Connections["con_Z9"]; ok || !live.Complete {
		t.Errorf("a connection that does not exist must be absent: %+v", live)
	}
}

func TestClient_readLiveWithoutTheListing(t *testing.T) {
	t.Parallel()
	_, c := testTenant(t, emulator.Options{DisableSCIMListing: true}, allScopes)
	live, err := c.ReadLive(context.Background(), manifest.Refs{IDs: []string{"con_A1", "con_C3", "con_D4", "con_Z9"}}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if live.Connections["con_A1"].Config == nil || live.Connections["con_C3"].Config != nil || !live.Connections["con_D4"].NoSCIM {
		t.Errorf("read one by one: %+v", live.Connections)
	}
	if _, ok := live.Connections["con_Z9"]; ok {
		t.Error("con_Z9 does not exist")
	}
}

func TestClient_readAndWrite(t *testing.T) {
	t.Parallel()
	tenant, c := testTenant(t, emulator.Options{}, allScopes)
	ctx := context.Background()
	want := scimtest.Config("externalId", "userName", "email", "title", "app_metadata.title")
	for _, w := range []execute.Write{
		{ConnectionID: "con_C3", Action: plan.ActionCreate, After: want},
		{ConnectionID: "con_A1", Action: plan.ActionUpdate, After: want},
		{ConnectionID: "con_B2", Action: plan.ActionDelete},
	} {
		if err := c.Write(ctx, w); err != nil {
			t.Fatalf("%s %s: %v", w.Action, w.ConnectionID, err)
		}
		f, err := c.ReadConnection(ctx, w.ConnectionID)
		if err != nil || !f.Found || !f.Config.Equal(w.After) {
			t.Errorf("%s: read back %+v %v", w.ConnectionID, f, err)
		}
	}
	if _, ok := tenant.SCIMConfig("con_B2"); ok {
		t.Error("the delete did not take effect")
	}
	if got, err := c.ReadConnection(ctx, "con_Z9"); got.Found || err != nil {
		t.Errorf("a connection that does not exist: %+v, %v", got, err)
	}
	if err := c.Write(ctx, execute.Write{ConnectionID: "con_../x", Action: plan.ActionUpdate, After: want}); err == nil {
		t.Error("a malformed id reached a request")
	}
	err := c.Write(ctx, execute.Write{ConnectionID: "con_A1", Action: plan.ActionUpdate, After: &scim.Config{UserIDAttribute: "u", Mapping: []scim.Pair{{SCIM: "", Auth0: "x"}}}})
	if err == nil || execute.IsFatal(err) || isUncertainErr(err) {
		t.Errorf("a rejected write fails that connection only: %v", err)
	}
}

func isUncertainErr(err error) bool {
	var u *execute.UncertainError
	return errors.As(err, &u)
}

func TestClient_faultsAreUncertainOrFatal(t *testing.T) {
	t.Parallel()
	_, c := testTenant(t, emulator.Options{}, []string{"read:scim_config"})
	err := c.Write(context.Background(), execute.Write{ConnectionID: "con_A1", Action: plan.ActionUpdate, After: scimtest.Config("u", "a", "b")})
	if !execute.IsFatal(err) || !strings.Contains(err.Error(), "update:scim_config") {
		t.Errorf("a missing scope is fatal and names the scope: %v", err)
	}
	// The 5xx's retries wait their pauses on a fake clock, in no real time.
	clock := newStepClock()
	_, c2 := testTenantOn(t, emulator.Options{Clock: clock.Now, Faults: emulator.Faults{FailWrites: []string{"con_B2"}, FailStatus: http.StatusServiceUnavailable}}, allScopes, clock)
	err = c2.Write(context.Background(), execute.Write{ConnectionID: "con_B2", Action: plan.ActionUpdate, After: scimtest.Config("u", "a", "b")})
	if !isUncertainErr(err) {
		t.Errorf("a 5xx may have taken effect: %v", err)
	}
}

func TestClient_renewsAnExpiredToken(t *testing.T) {
	t.Parallel()
	tenant, c := testTenant(t, emulator.Options{}, allScopes)
	ctx := context.Background()
	if _, err := c.ReadConnection(ctx, "con_A1"); err != nil {
		t.Fatal(err)
	}
	tenant.ExpireTokens()
	if _, err := c.ReadConnection(ctx, "con_A1"); err != nil {
		t.Fatalf("the token was not renewed: %v", err)
	}
	if n := len(tenant.IssuedTokens()); n != 2 {
		t.Errorf("%d tokens issued, want 2", n)
	}
}

func TestClient_refusedCredentialsAreFatal(t *testing.T) {
	t.Parallel()
	tenant := emulator.New(emulator.Options{})
	srv := httptest.NewServer(tenant.Handler())
	defer srv.Close()
	domain, _ := ParseDomain(srv.URL)
	c, err := NewClient(Settings{Tenant: domain, Credentials: Credentials{ClientID: "nobody", ClientSecret: "wrong-secret-0123456789"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ReadConnection(context.Background(), "con_A1")
	if !execute.IsFatal(err) || strings.Contains(err.Error(), "wrong-secret") {
		t.Errorf("refused credentials: %v", err)
	}
}

func TestClient_export(t *testing.T) {
	t.Parallel()
	_, c := testTenant(t, emulator.Options{}, allScopes)
	got, err := c.Export(context.Background(), ExportOptions{Strategies: []string{"okta"}, NeedNames: true})
	if err != nil || len(got) != 1 || got[0].ID != "con_A1" || got[0].Name != "alpha" {
		t.Fatalf("%+v %v", got, err)
	}
	_, c2 := testTenant(t, emulator.Options{DisableSCIMListing: true}, allScopes)
	all, err := c2.Export(context.Background(), ExportOptions{Concurrency: 2})
	var ids []string
	for _, lc := range all {
		ids = append(ids, lc.ID)
	}
	if err != nil || !slices.Equal(ids, []string{"con_A1", "con_B2"}) {
		t.Fatalf("export without the listing: %v %v", ids, err)
	}
}

func TestClassifyAnswer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status  int
		message string
		want    meaning
	}{
		{200, "", meaningOK},
		{429, "Global limit has been reached", meaningRetry},
		{408, "", meaningRetry},
		{503, "", meaningRetry},
		{524, "", meaningRetry},
		{501, "", meaningRejected},
		{401, "Invalid token", meaningUnauthorized},
		{403, "Insufficient scope, expected any of: read:scim_config", meaningFatal},
		{404, "Not Found", meaningNoConfig},
		{404, "The connection does not exist", meaningNoConnection},
		{404, "This connection type does not support SCIM. Please see our documentation", meaningUnsupported},
		{404, "Something else", meaningRejected},
		{400, "SCIM configuration already exists for this connection", meaningExists},
		{400, "Invalid mapping provided", meaningRejected},
	} {
		if got := classifyAnswer(tc.status, tc.message); got != tc.want {
			t.Errorf("%d %q: meaning %d, want %d", tc.status, tc.message, got, tc.want)
		}
	}
}

func TestClassify_errors(t *testing.T) {
	t.Parallel()
	if classify(context.Canceled) != meaningCanceled || classify(errors.New("connection reset")) != meaningRetry ||
		classify(&RefusedAnswerError{Status: 302}) != meaningRefused || classify(nil) != meaningOK {
		t.Error("network errors")
	}
	if !uncertain(errors.New("EOF"), plan.ActionUpdate) || uncertain(context.DeadlineExceeded, plan.ActionDelete) != true {
		t.Error("a lost answer may have taken effect")
	}
	if Classify(errors.New("EOF")).Error() != "EOF" {
		t.Error("a per-connection error is returned as is")
	}
}

func TestClient_plainHTTPPortIsFatalAtOnce(t *testing.T) {
	t.Parallel()
	tenant := emulator.New(emulator.Options{})
	srv := httptest.NewServer(tenant.Handler())
	defer srv.Close()
	domain, err := ParseDomain(strings.TrimPrefix(srv.URL, "http://")) // no scheme: https
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(Settings{Tenant: domain, Credentials: Credentials{Token: "static-token-0123456789"},
		Transport: TransportOptions{MaxRetries: 5, BaseBackoff: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ReadConnection(context.Background(), "con_A1")
	if !execute.IsFatal(err) || !strings.Contains(err.Error(), "http://127.0.0.1:PORT") {
		t.Fatalf("want a fatal error with the hint, got %v", err)
	}
	if n := c.Stats().Attempts.Load(); n != 1 {
		t.Errorf("%d attempts: a TLS handshake with a plain-HTTP server is not retried", n)
	}
}

func TestClient_unknownDomainIsFatalAtOnce(t *testing.T) {
	t.Parallel()
	for name, creds := range map[string]Credentials{
		"static token":       {Token: "static-token-0123456789"},
		"client credentials": {ClientID: "id", ClientSecret: "secret-0123456789"},
	} {
		t.Run(name, func(t *testing.T) {
			domain, err := ParseDomain("tenant.invalid")
			if err != nil {
				t.Fatal(err)
			}
			c, err := NewClient(Settings{Tenant: domain, Credentials: creds,
				Transport: TransportOptions{MaxRetries: 6, BaseBackoff: time.Millisecond}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.ReadConnection(context.Background(), "con_A1")
			if !execute.IsFatal(err) || !strings.Contains(err.Error(), "tenant.invalid does not resolve") {
				t.Fatalf("want a fatal error naming the domain, got %v", err)
			}
			if n := c.Stats().Retries.Load(); n != 0 {
				t.Errorf("%d retries of a domain that does not resolve", n)
			}
		})
	}
}
