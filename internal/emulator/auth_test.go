package emulator

import (
	"net/http"
	"testing"
	"time"
)

const (
	invalidTokenBody = `{"statusCode":401,"error":"Unauthorized","message":"Invalid token","attributes":{"error":"Invalid token"}}`
	expiredTokenBody = `{"statusCode":401,"error":"Unauthorized","message":"Expired token received for JSON Web Token validation","attributes":{"error":"Expired token received for JSON Web Token validation"}}`
)

func TestAuthentication(t *testing.T) {
	f := newFixture(t, Options{}, testConns...)
	cases := []struct {
		name, header string
		status       int
		body         string
	}{
		{"missing", "", 401, `{"statusCode":401,"error":"Unauthorized","message":"Missing authentication"}`},
		{"not bearer", "Basic abc", 401, `{"statusCode":401,"error":"Unauthorized","message":"Bad HTTP authentication header format","attributes":{"error":"Bad HTTP authentication header format"}}`},
		{"empty bearer", "Bearer ", 401, ""},
		{"unknown", "Bearer nope", 401, invalidTokenBody},
		{"valid", "Bearer " + testToken, 200, ""},
		{"lowercase scheme", "bearer " + testToken, 200, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", f.srv.URL+"/api/v2/connections/con_okta000000000001/scim-configuration", nil)
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			got := f.send(req)
			expect(t, got, tc.status, tc.body)
			if ct := got.header.Get("Content-Type"); ct != jsonContentType {
				t.Errorf("Content-Type = %q", ct)
			}
		})
	}
}

func TestTokenLifetime(t *testing.T) {
	clock := newFakeClock()
	f := newFixture(t, Options{TokenLifetime: time.Hour, Clock: clock.Now})
	tok := f.tenant.issue("cid", allScopes).AccessToken
	expect(t, f.call("GET", "/api/v2/connections", tok, ""), 200, "")
	clock.Advance(time.Hour - time.Millisecond)
	expect(t, f.call("GET", "/api/v2/connections", tok, ""), 200, "")
	clock.Advance(time.Millisecond)
	expect(t, f.call("GET", "/api/v2/connections", tok, ""), 401, expiredTokenBody)
	// static tokens never expire by time
	expect(t, f.api("GET", "/api/v2/connections", ""), 200, "")
}

func TestExpireTokens(t *testing.T) {
	f := newFixture(t, Options{})
	issued := f.tenant.issue("cid", allScopes).AccessToken
	f.tenant.ExpireTokens()
	expect(t, f.call("GET", "/api/v2/connections", issued, ""), 401, expiredTokenBody)
	expect(t, f.api("GET", "/api/v2/connections", ""), 401, expiredTokenBody)
	fresh := f.tenant.issue("cid", allScopes).AccessToken
	expect(t, f.call("GET", "/api/v2/connections", fresh, ""), 200, "")
	f.tenant.AddStaticToken(StaticToken{Token: "later", Scopes: allScopes})
	expect(t, f.call("GET", "/api/v2/connections", "later", ""), 200, "")
}

func TestScopes(t *testing.T) {
	f := newFixture(t, Options{}, testConns...)
	const c = "/api/v2/connections/con_okta000000000001"
	cases := []struct{ method, path, scope string }{
		{"GET", "/api/v2/connections", "read:connections"},
		{"GET", c, "read:connections"},
		{"POST", "/api/v2/connections", "create:connections"},
		{"DELETE", c, "delete:connections"},
		{"GET", "/api/v2/connections-scim-configurations", "read:scim_config"},
		{"GET", c + "/scim-configuration", "read:scim_config"},
		{"GET", c + "/scim-configuration/default-mapping", "read:scim_config"},
		{"POST", c + "/scim-configuration", "create:scim_config"},
		{"PATCH", c + "/scim-configuration", "update:scim_config"},
		{"DELETE", c + "/scim-configuration", "delete:scim_config"},
		{"GET", c + "/scim-configuration/tokens", "read:scim_token"},
		{"POST", c + "/scim-configuration/tokens", "create:scim_token"},
		{"DELETE", c + "/scim-configuration/tokens/tok_abc", "delete:scim_token"},
	}
	for _, tc := range cases {
		var others []string
		for _, s := range allScopes {
			if s != tc.scope {
				others = append(others, s)
			}
		}
		f.tenant.AddStaticToken(StaticToken{Token: "without", Scopes: others})
		expect(t, f.call(tc.method, tc.path, "without", ""), 403,
			`{"statusCode":403,"error":"Forbidden","message":"Insufficient scope, expected any of: `+tc.scope+`","errorCode":"insufficient_scope"}`)
	}
	if f.tenant.Snapshot()["con_okta000000000001"] == nil || len(f.tenant.Connections()) != len(testConns) {
		t.Fatal("a 403 write had an effect")
	}
	for _, tc := range cases {
		f.tenant.AddStaticToken(StaticToken{Token: "only", Scopes: []string{tc.scope}})
		if got := f.call(tc.method, tc.path, "only", ""); got.status == 403 || got.status == 401 {
			t.Errorf("%s %s with %s: %d %s", tc.method, tc.path, tc.scope, got.status, got.body)
		}
	}
}

func TestRevokeAccessTokens(t *testing.T) {
	f := newFixture(t, Options{})
	issued := f.tenant.issue("cid", allScopes).AccessToken
	f.tenant.AddStaticToken(StaticToken{Token: "static-before", Scopes: allScopes})
	f.tenant.RevokeAccessTokens()
	expect(t, f.call("GET", "/api/v2/connections", issued, ""), 401, invalidTokenBody)
	expect(t, f.call("GET", "/api/v2/connections", "static-before", ""), 200, "")
	fresh := f.tenant.issue("cid", allScopes).AccessToken
	expect(t, f.call("GET", "/api/v2/connections", fresh, ""), 200, "")
	f.tenant.ExpireTokens()
	expect(t, f.call("GET", "/api/v2/connections", issued, ""), 401, invalidTokenBody)
	expect(t, f.call("GET", "/api/v2/connections", fresh, ""), 401, expiredTokenBody)
}
