package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// allScopes are every scope the emulator checks.
var allScopes = []string{
	"read:connections", "create:connections", "delete:connections",
	"read:scim_config", "create:scim_config", "update:scim_config", "delete:scim_config",
	"read:scim_token", "create:scim_token", "delete:scim_token",
}

const testToken = "test-token"

// fixture is a tenant served over loopback HTTP with a static all-scopes token.
type fixture struct {
	t      *testing.T
	tenant *Tenant
	srv    *httptest.Server
}

func newFixture(t *testing.T, opts Options, conns ...Connection) *fixture {
	t.Helper()
	tn := New(opts)
	tn.AddStaticToken(StaticToken{Token: testToken, Scopes: allScopes})
	tn.AddClient(Client{ID: "cid", Secret: "csecret", Scopes: allScopes})
	if err := tn.LoadSeed(Seed{Connections: conns}); err != nil {
		t.Fatalf("seed: %v", err)
	}
	srv := httptest.NewServer(tn.Handler())
	t.Cleanup(srv.Close)
	return &fixture{t: t, tenant: tn, srv: srv}
}

// response is a decoded answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", r.body, err)
	}
	return m
}

// call sends a request with the given bearer token ("" for none).
func (f *fixture) call(method, path, token, body string) response {
	f.t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		f.t.Fatalf("request: %v", err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return f.send(req)
}

// rawCall sends a request whose path is written as is on the wire.
func (f *fixture) rawCall(method, rawPath, body string) response {
	f.t.Helper()
	u, err := url.Parse(f.srv.URL)
	if err != nil {
		f.t.Fatal(err)
	}
	req, err := http.NewRequest(method, f.srv.URL, strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	req.URL = &url.URL{Scheme: u.Scheme, Host: u.Host, Opaque: rawPath}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	return f.send(req)
}

func (f *fixture) send(req *http.Request) response {
	f.t.Helper()
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatalf("reading body: %v", err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

func (f *fixture) api(method, path, body string) response {
	f.t.Helper()
	return f.call(method, path, testToken, body)
}

// expect checks status and exact body.
func expect(t *testing.T, got response, status int, body string) {
	t.Helper()
	if got.status != status {
		t.Errorf("status = %d, want %d (body %s)", got.status, status, got.body)
	}
	if body != "" && string(got.body) != body {
		t.Errorf("body = %s\nwant   %s", got.body, body)
	}
}

// fakeClock is a settable clock for expiry and rate tests.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Fixed connections used across tests.
var (
	oktaConn   = Connection{ID: "con_okta000000000001", Name: "acme-okta", Strategy: "okta", SCIM: &SCIMConfig{UserIDAttribute: "externalId", Mapping: []Mapping{{SCIM: "userName", Auth0: "username"}}}}
	samlConn   = Connection{ID: "con_saml000000000002", Name: "globex-saml", Strategy: "samlp"}
	dbConn     = Connection{ID: "con_db00000000000003", Name: "users-db", Strategy: "auth0"}
	waadConn   = Connection{ID: "con_waad000000000004", Name: "initech-azure", Strategy: "waad", SCIM: &SCIMConfig{}}
	testConns  = []Connection{oktaConn, samlConn, dbConn, waadConn}
	notFoundJS = `{"statusCode":404,"error":"Not Found","message":"Not Found"}`
)
