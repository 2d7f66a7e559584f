package emulator

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

const (
	oktaPath = "/api/v2/connections/con_okta000000000001/scim-configuration"
	samlPath = "/api/v2/connections/con_saml000000000002/scim-configuration"
	dbPath   = "/api/v2/connections/con_db00000000000003/scim-configuration"
	waadPath = "/api/v2/connections/con_waad000000000004/scim-configuration"
	nonePath = "/api/v2/connections/con_missing000000001/scim-configuration"

	inexistentBody  = `{"statusCode":404,"error":"Not Found","message":"The connection does not exist","errorCode":"inexistent_connection"}`
	unsupportedBody = `{"statusCode":404,"error":"Not Found","message":"This connection type does not support SCIM. Please see our documentation for the currently supported connection types: https://auth0.com/docs/authenticate/protocols/scim/configure-inbound-scim."}`
)

func badBody(msg string) string {
	return `{"statusCode":400,"error":"Bad Request","message":"` + msg + `","errorCode":"invalid_body"}`
}

func TestPatchValidation(t *testing.T) {
	f := newFixture(t, Options{}, testConns...)
	const valid = `"user_id_attribute":"userName","mapping":[{"scim":"userName","auth0":"email"}]`
	cases := []struct{ name, body, want string }{
		{"missing mapping", `{"user_id_attribute":"userName"}`, badBody("Payload validation error: 'Missing required property: mapping'.")},
		{"missing user_id_attribute", `{"mapping":[]}`, badBody("Payload validation error: 'Missing required property: user_id_attribute'.")},
		{"unknown property", `{` + valid + `,"foo":1}`, badBody("Payload validation error: 'Additional properties not allowed: foo'.")},
		{"read-only property", `{` + valid + `,"connection_id":"con_x","tenant_name":"t"}`, badBody("Payload validation error: 'Additional properties not allowed: connection_id,tenant_name'.")},
		{"user_id_attribute type", `{"user_id_attribute":1,"mapping":[]}`, badBody("Payload validation error: 'Expected type string but found type integer' on property user_id_attribute.")},
		{"mapping type", `{"user_id_attribute":"a","mapping":{}}`, badBody("Payload validation error: 'Expected type array but found type object' on property mapping.")},
		{"mapping item type", `{"user_id_attribute":"a","mapping":["x"]}`, badBody("Payload validation error: 'Expected type object but found type string' on property mapping[0].")},
		{"mapping value type", `{"user_id_attribute":"a","mapping":[{"scim":"a","auth0":true}]}`, badBody("Payload validation error: 'Expected type string but found type boolean' on property mapping[0].auth0.")},
		{"empty scim", `{"user_id_attribute":"a","mapping":[{"scim":"","auth0":"b"}]}`, badBody("Invalid mapping provided")},
		{"missing auth0", `{"user_id_attribute":"a","mapping":[{"scim":"a"}]}`, badBody("Invalid mapping provided")},
		{"array body", `[]`, badBody("Payload validation error: 'Expected type object but found type array'.")},
		{"null body", `null`, badBody("Payload validation error: 'Expected type object but found type null'.")},
		{"malformed", `{"user_id_attribute":`, `{"statusCode":400,"error":"Bad Request","message":"Invalid request payload JSON format"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			expect(t, f.api("PATCH", oktaPath, tc.body), 400, tc.want)
		})
	}
	if got, _ := f.tenant.SCIMConfig(oktaConn.ID); !reflect.DeepEqual(got, oktaConn.SCIM) {
		t.Errorf("invalid PATCHes changed the config: %+v", got)
	}
	expect(t, f.api("PATCH", oktaPath, ""), 400, badBody("Payload validation error: 'Expected type object but found type null'."))
	expect(t, f.api("PATCH", oktaPath, `{`+valid+`}`), 200, "")
	if n := f.tenant.Stats().Writes[oktaConn.ID]; n != 1 {
		t.Errorf("Writes = %d, want 1", n)
	}
}

func TestPatchKeepsCreatedAtMovesUpdatedOn(t *testing.T) {
	clock := newFakeClock()
	f := newFixture(t, Options{TenantName: "acme", Clock: clock.Now}, testConns...)
	before := f.api("GET", oktaPath, "").json(t)
	clock.Advance(90 * time.Second)
	body := `{"user_id_attribute":"userName","mapping":[{"auth0":"email","scim":"emails[primary eq true].value"},{"auth0":"username","scim":"userName"}]}`
	got := f.api("PATCH", oktaPath, body)
	want := `{"tenant_name":"acme","connection_id":"con_okta000000000001","connection_name":"acme-okta","strategy":"okta",` +
		`"mapping":[{"scim":"emails[primary eq true].value","auth0":"email"},{"scim":"userName","auth0":"username"}],` +
		`"updated_on":"2026-01-02T03:05:35.000Z","created_at":"2026-01-02T03:04:05.000Z","user_id_attribute":"userName"}`
	expect(t, got, 200, want)
	if before["created_at"] != "2026-01-02T03:04:05.000Z" || before["updated_on"] != before["created_at"] {
		t.Errorf("seeded timestamps: %v", before)
	}
	// a PATCH within the same millisecond still moves updated_on
	got2 := f.api("PATCH", oktaPath, body).json(t)
	if got2["updated_on"] != "2026-01-02T03:05:35.001Z" {
		t.Errorf("updated_on after a same-instant PATCH: %v", got2["updated_on"])
	}
	expect(t, f.api("GET", oktaPath, ""), 200, strings.Replace(want, "03:05:35.000Z", "03:05:35.001Z", 1))
}

func TestThreeNotFounds(t *testing.T) {
	f := newFixture(t, Options{}, testConns...)
	const patch = `{"user_id_attribute":"a","mapping":[]}`
	cases := []struct{ method, path, body, want string }{
		{"GET", samlPath, "", notFoundJS},
		{"PATCH", samlPath, patch, notFoundJS},
		{"GET", nonePath, "", inexistentBody},
		{"POST", nonePath, "", inexistentBody},
		{"PATCH", nonePath, patch, inexistentBody},
		{"DELETE", nonePath, "", inexistentBody},
		{"GET", nonePath + "/default-mapping", "", inexistentBody},
		{"GET", dbPath, "", unsupportedBody},
		{"POST", dbPath, "{}", unsupportedBody},
		{"PATCH", dbPath, patch, unsupportedBody},
		{"DELETE", dbPath, "", unsupportedBody},
		{"GET", dbPath + "/default-mapping", "", unsupportedBody},
		{"GET", samlPath + "/tokens", "", notFoundJS},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			expect(t, f.api(tc.method, tc.path, tc.body), 404, tc.want)
		})
	}
}

func TestCreate(t *testing.T) {
	cases := []struct {
		name, path, body string
		wantUserID       string
		wantMapping      []Mapping
	}{
		{"okta empty object", "/api/v2/connections/con_o/scim-configuration", "{}", "externalId", oktaDefaultMapping},
		{"okta no body", "/api/v2/connections/con_o/scim-configuration", "", "externalId", oktaDefaultMapping},
		{"okta null", "/api/v2/connections/con_o/scim-configuration", "null", "externalId", oktaDefaultMapping},
		{"waad", "/api/v2/connections/con_w/scim-configuration", "{}", "externalId", waadDefaultMapping},
		{"samlp", "/api/v2/connections/con_s/scim-configuration", "{}", "userName", oktaDefaultMapping},
		{"oidc", "/api/v2/connections/con_i/scim-configuration", "{}", "externalId", oktaDefaultMapping},
		{"only user id", "/api/v2/connections/con_o/scim-configuration", `{"user_id_attribute":"userName"}`, "userName", oktaDefaultMapping},
		{"only mapping", "/api/v2/connections/con_w/scim-configuration", `{"mapping":[{"scim":"a","auth0":"b"}]}`, "externalId", []Mapping{{"a", "b"}}},
		{"empty mapping", "/api/v2/connections/con_o/scim-configuration", `{"mapping":[]}`, "externalId", []Mapping{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, Options{}, Connection{ID: "con_o", Name: "o", Strategy: "okta"},
				Connection{ID: "con_w", Name: "w", Strategy: "waad"}, Connection{ID: "con_s", Name: "s", Strategy: "samlp"},
				Connection{ID: "con_i", Name: "i", Strategy: "oidc"})
			got := f.api("POST", tc.path, tc.body)
			if got.status != 201 {
				t.Fatalf("status %d %s", got.status, got.body)
			}
			var cfg SCIMConfig
			if err := json.Unmarshal(got.body, &cfg); err != nil {
				t.Fatal(err)
			}
			if cfg.UserIDAttribute != tc.wantUserID || !reflect.DeepEqual(cfg.Mapping, tc.wantMapping) {
				t.Errorf("got %+v", cfg)
			}
			expect(t, f.api("POST", tc.path, "{}"), 400, `{"statusCode":400,"error":"Bad Request","message":"A SCIM configuration already exists for this connection"}`)
		})
	}
}

func TestDeleteIsIdempotent(t *testing.T) {
	f := newFixture(t, Options{}, testConns...)
	expect(t, f.api("DELETE", oktaPath, ""), 204, "")
	expect(t, f.api("DELETE", oktaPath, ""), 204, "")
	expect(t, f.api("GET", oktaPath, ""), 404, notFoundJS)
	expect(t, f.api("PATCH", oktaPath, `{"user_id_attribute":"a","mapping":[]}`), 404, notFoundJS)
	if n := f.tenant.Stats().Writes[oktaConn.ID]; n != 1 {
		t.Errorf("Writes = %d, want 1 (the second DELETE changes nothing)", n)
	}
}

func TestDefaultMappingShape(t *testing.T) {
	f := newFixture(t, Options{}, testConns...)
	got := f.api("GET", waadPath+"/default-mapping", "")
	if got.status != 200 || !strings.HasPrefix(string(got.body), `{"mapping":[{"auth0":"upn","scim":"userName"},`) {
		t.Errorf("default mapping: %d %.80s", got.status, got.body)
	}
}

func TestMediaTypeAndSize(t *testing.T) {
	f := newFixture(t, Options{}, testConns...)
	req := func(ct, body string) response {
		rq, err := http.NewRequest("PATCH", f.srv.URL+oktaPath, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		rq.Header.Set("Content-Type", ct)
		rq.Header.Set("Authorization", "Bearer "+testToken)
		return f.send(rq)
	}
	expect(t, req("text/plain", `{"user_id_attribute":"a","mapping":[]}`), 415, "")
	big := `{"user_id_attribute":"` + strings.Repeat("a", maxPayload) + `","mapping":[]}`
	expect(t, req("application/json", big), 413, "")
	expect(t, req("application/json; charset=utf-8", `{"user_id_attribute":"a","mapping":[]}`), 200, "")
}

func TestSCIMTokens(t *testing.T) {
	f := newFixture(t, Options{}, testConns...)
	tokens := oktaPath + "/tokens"
	first := f.api("POST", tokens, `{"scopes":["get:users"],"token_lifetime":3600}`).json(t)
	if !strings.HasPrefix(first["token"].(string), first["token_id"].(string)+".") || first["valid_until"] == nil {
		t.Errorf("token: %v", first)
	}
	expect(t, f.api("POST", tokens, ""), 201, "")
	expect(t, f.api("POST", tokens, "{}"), 409, `{"statusCode":409,"error":"Conflict","message":"Maximum of 2 tokens already issued for this connection"}`)
	expect(t, f.api("POST", tokens, `{"scopes":[]}`), 400, badBody("Payload validation error: 'Array is too short (0), minimum 1' on property scopes."))
	expect(t, f.api("POST", tokens, `{"token_lifetime":60}`), 400, badBody("Payload validation error: 'Value 60 is less than minimum 900' on property token_lifetime."))
	expect(t, f.api("DELETE", tokens+"/"+first["token_id"].(string), ""), 204, "")
	expect(t, f.api("DELETE", tokens+"/"+first["token_id"].(string), ""), 404, notFoundJS)
	list := f.api("GET", tokens, "")
	var items []map[string]any
	if err := json.Unmarshal(list.body, &items); err != nil || len(items) != 1 || items[0]["token"] != nil {
		t.Errorf("list: %s", list.body)
	}
	expect(t, f.api("DELETE", oktaPath, ""), 204, "")
	expect(t, f.api("POST", oktaPath, "{}"), 201, "")
	expect(t, f.api("GET", tokens, ""), 200, "[]")
}
