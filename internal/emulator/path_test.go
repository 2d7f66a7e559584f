package emulator

import (
	"reflect"
	"strings"
	"testing"
)

func pathError(value string) string {
	return `{"statusCode":400,"error":"Bad Request","message":"Path validation error: 'String does not match pattern ^con_[A-Za-z0-9]+$: ` +
		value + `' on property id.","errorCode":"invalid_uri"}`
}

// TestPathInjection sends ids that try to reach another connection or route;
// none may be routed anywhere but a 400 or a 404, and nothing may change.
func TestPathInjection(t *testing.T) {
	f := newFixture(t, Options{}, testConns...)
	before := f.tenant.Snapshot()
	const target = "con_saml000000000002"
	cases := []struct {
		rawPath string
		status  int
		body    string
	}{
		{"/api/v2/connections/con_a%2F..%2F" + target + "/scim-configuration", 400, pathError("con_a/../" + target)},
		{"/api/v2/connections/con_a%2f..%2f" + target + "/scim-configuration", 400, ""},
		{"/api/v2/connections/" + oktaConn.ID + "%3F/scim-configuration", 400, pathError(oktaConn.ID + "?")},
		{"/api/v2/connections/" + oktaConn.ID + "%23x/scim-configuration", 400, pathError(oktaConn.ID + "#x")},
		{"/api/v2/connections/con_okta%20000000000001/scim-configuration", 400, pathError("con_okta 000000000001")},
		{"/api/v2/connections/%2e%2e/scim-configuration", 400, pathError("..")},
		{"/api/v2/connections/" + oktaConn.ID + "/../" + target + "/scim-configuration", 404, notFoundJS},
		{"/api/v2/connections/" + oktaConn.ID + "/scim-configuration%2F..%2F..%2F" + target, 404, notFoundJS},
		{"/api/v2/connections/" + oktaConn.ID + "/scim-configuration/tokens/tok_a%2Fb", 400, ""},
	}
	for _, tc := range cases {
		for _, method := range []string{"GET", "PATCH", "DELETE", "POST"} {
			t.Run(method+" "+tc.rawPath, func(t *testing.T) {
				got := f.rawCall(method, tc.rawPath, patchBody)
				if got.status != tc.status && got.status != 404 {
					t.Errorf("status %d %s", got.status, got.body)
				}
				if method == "GET" && tc.body != "" {
					expect(t, got, tc.status, tc.body)
				}
			})
		}
	}
	if after := f.tenant.Snapshot(); !reflect.DeepEqual(before, after) {
		t.Error("an injected path changed a configuration")
	}
	for _, rec := range f.tenant.Requests() {
		if rec.Status < 400 {
			t.Errorf("%s %s answered %d", rec.Method, rec.EscapedPath, rec.Status)
		}
		if strings.Contains(rec.EscapedPath, "%2F") && !strings.Contains(rec.ConnectionID, "%2F") && rec.ConnectionID != oktaConn.ID {
			t.Errorf("logged id %q for %s", rec.ConnectionID, rec.EscapedPath)
		}
	}
}

// TestEscapedValidID shows that escaping a plain character does not hide a valid id.
func TestEscapedValidID(t *testing.T) {
	f := newFixture(t, Options{}, testConns...)
	expect(t, f.rawCall("GET", "/api/v2/connections/con_okt%61000000000001/scim-configuration", ""), 200, "")
}
