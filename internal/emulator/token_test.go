package emulator

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func tokenRequest(t *testing.T, f *fixture, contentType, body, basicUser, basicPass string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/oauth/token", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if basicUser != "" {
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(basicUser+":"+basicPass)))
	}
	return f.send(req)
}

func TestTokenGrant(t *testing.T) {
	f := newFixture(t, Options{TokenLifetime: time.Hour})
	aud := f.srv.URL + "/api/v2/"
	form := func(v url.Values) string { return v.Encode() }
	base := url.Values{"grant_type": {"client_credentials"}, "audience": {aud}}
	with := func(extra ...string) url.Values {
		v := url.Values{}
		for k, vs := range base {
			v[k] = vs
		}
		for i := 0; i+1 < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		return v
	}
	const formCT, jsonCT = "application/x-www-form-urlencoded", "application/json"
	unauthorized := `{"error":"access_denied","error_description":"Unauthorized"}`
	cases := []struct {
		name, ct, body, user, pass string
		status                     int
		want                       string
	}{
		{"form body credentials", formCT, form(with("client_id", "cid", "client_secret", "csecret")), "", "", 200, ""},
		{"basic credentials", formCT, form(base), "cid", "csecret", 200, ""},
		{"json body", jsonCT, `{"grant_type":"client_credentials","client_id":"cid","client_secret":"csecret","audience":"` + aud + `"}`, "", "", 200, ""},
		{"json with basic", jsonCT, `{"grant_type":"client_credentials","audience":"` + aud + `"}`, "cid", "csecret", 200, ""},
		{"wrong secret", formCT, form(with("client_id", "cid", "client_secret", "nope")), "", "", 401, unauthorized},
		{"wrong secret basic", formCT, form(base), "cid", "nope", 401, unauthorized},
		{"unknown client", formCT, form(with("client_id", "who", "client_secret", "csecret")), "", "", 401, unauthorized},
		{"wrong audience", formCT, form(with("client_id", "cid", "client_secret", "csecret", "audience", "https://other/api/v2/")), "", "", 403,
			`{"error":"access_denied","error_description":"Service not enabled within domain: https://other/api/v2/"}`},
		{"https audience on http", formCT, form(with("client_id", "cid", "client_secret", "csecret", "audience", strings.Replace(aud, "http:", "https:", 1))), "", "", 403, ""},
		{"no audience", formCT, "grant_type=client_credentials&client_id=cid&client_secret=csecret", "", "", 403, ""},
		{"password grant", formCT, form(with("client_id", "cid", "client_secret", "csecret", "grant_type", "password")), "", "", 403, ""},
		{"no grant", formCT, "client_id=cid&client_secret=csecret", "", "", 400,
			`{"error":"invalid_request","error_description":"Missing required parameter: grant_type"}`},
		{"scope not granted", formCT, form(with("client_id", "cid", "client_secret", "csecret", "scope", "read:users")), "", "", 403, ""},
		{"text body", "text/plain", "hello", "", "", 400, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := tokenRequest(t, f, tc.ct, tc.body, tc.user, tc.pass)
			expect(t, got, tc.status, tc.want)
			if tc.status != 200 {
				m := got.json(t)
				if m["error"] == "" || m["error_description"] == nil {
					t.Errorf("error body %s lacks error/error_description", got.body)
				}
				return
			}
			var tok tokenResponse
			if err := json.Unmarshal(got.body, &tok); err != nil {
				t.Fatal(err)
			}
			if tok.TokenType != "Bearer" || tok.ExpiresIn != 3600 || tok.Scope != strings.Join(allScopes, " ") {
				t.Errorf("token response %s", got.body)
			}
			expect(t, f.call("GET", "/api/v2/connections", tok.AccessToken, ""), 200, "")
		})
	}
	if n := f.tenant.Stats().TokensIssued; n != 4 {
		t.Errorf("TokensIssued = %d, want 4", n)
	}
}

func TestTokenScopeSubsetAndAdvertisedLifetime(t *testing.T) {
	f := newFixture(t, Options{TokenLifetime: time.Minute, AdvertisedLifetime: time.Hour})
	body := url.Values{"grant_type": {"client_credentials"}, "audience": {f.srv.URL + "/api/v2/"},
		"client_id": {"cid"}, "client_secret": {"csecret"}, "scope": {"read:scim_config"}}.Encode()
	got := tokenRequest(t, f, "application/x-www-form-urlencoded", body, "", "")
	var tok tokenResponse
	if err := json.Unmarshal(got.body, &tok); err != nil {
		t.Fatal(err)
	}
	if tok.Scope != "read:scim_config" || tok.ExpiresIn != 3600 {
		t.Errorf("token response %s", got.body)
	}
	r := f.call("GET", "/api/v2/connections", tok.AccessToken, "")
	expect(t, r, 403, `{"statusCode":403,"error":"Forbidden","message":"Insufficient scope, expected any of: read:connections","errorCode":"insufficient_scope"}`)
}

func TestTokenEndpointIsNotRateLimited(t *testing.T) {
	clock := newFakeClock()
	f := newFixture(t, Options{Rate: 1, Burst: 1, Clock: clock.Now})
	body := url.Values{"grant_type": {"client_credentials"}, "audience": {f.srv.URL + "/api/v2/"},
		"client_id": {"cid"}, "client_secret": {"csecret"}}.Encode()
	for i := range 5 {
		if got := tokenRequest(t, f, "application/x-www-form-urlencoded", body, "", ""); got.status != 200 {
			t.Fatalf("token request %d: %d", i, got.status)
		}
	}
	expect(t, f.api("GET", "/api/v2/connections", ""), 200, "")
	if f.tenant.Stats().Total() != 1 {
		t.Errorf("token requests counted as API requests: %+v", f.tenant.Stats())
	}
}

func TestTokenEndpointWrongMethod(t *testing.T) {
	f := newFixture(t, Options{})
	expect(t, f.call("GET", "/oauth/token", "", ""), 404, "")
}
