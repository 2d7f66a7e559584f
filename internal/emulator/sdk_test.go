package emulator

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/auth0/go-auth0"
	"github.com/auth0/go-auth0/management"
)

// newSDK connects the real go-auth0 client with client credentials. WithInsecure
// must come first: after WithClientCredentials it would replace the token source.
func newSDK(t *testing.T, f *fixture) *management.Management {
	t.Helper()
	m, err := management.New(f.srv.URL, management.WithInsecure(),
		management.WithClientCredentials(context.Background(), "cid", "csecret"), management.WithNoRetries())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func statusOf(err error) int {
	var me management.Error
	if errors.As(err, &me) {
		return me.Status()
	}
	return 0
}

func TestSDKSCIMLifecycle(t *testing.T) {
	f := newFixture(t, Options{TenantName: "sdk"}, testConns...)
	m, ctx := newSDK(t, f), context.Background()
	if err := m.Connection.CreateSCIMConfiguration(ctx, samlConn.ID, nil); err != nil {
		t.Fatalf("create without body: %v", err)
	}
	got, err := m.Connection.ReadSCIMConfiguration(ctx, samlConn.ID)
	if err != nil || got.GetUserIDAttribute() != "userName" || len(got.GetMapping()) != 32 ||
		got.GetTenantName() != "sdk" || got.GetConnectionName() != "globex-saml" || got.GetStrategy() != "samlp" {
		t.Fatalf("read: %v %+v", err, got)
	}
	update := &management.SCIMConfiguration{UserIDAttribute: auth0.String("externalId"),
		Mapping: &[]management.SCIMConfigurationMapping{{SCIM: auth0.String("userName"), Auth0: auth0.String("email")}}}
	if err := m.Connection.UpdateSCIMConfiguration(ctx, samlConn.ID, update); err != nil {
		t.Fatalf("update: %v", err)
	}
	got, err = m.Connection.ReadSCIMConfiguration(ctx, samlConn.ID)
	if err != nil || got.GetUserIDAttribute() != "externalId" || len(got.GetMapping()) != 1 || got.GetMapping()[0].GetAuth0() != "email" {
		t.Fatalf("read after update: %v %+v", err, got)
	}
	if err := m.Connection.DeleteSCIMConfiguration(ctx, samlConn.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = m.Connection.ReadSCIMConfiguration(ctx, samlConn.ID)
	if statusOf(err) != 404 || err.Error() != "404 Not Found: Not Found" {
		t.Errorf("read after delete: %v", err)
	}
	_, err = m.Connection.ReadSCIMConfiguration(ctx, dbConn.ID)
	if statusOf(err) != 404 || !strings.Contains(err.Error(), "does not support SCIM") {
		t.Errorf("unsupported strategy: %v", err)
	}
	err = m.Connection.UpdateSCIMConfiguration(ctx, oktaConn.ID, &management.SCIMConfiguration{UserIDAttribute: auth0.String("x")})
	if statusOf(err) != 400 || !strings.Contains(err.Error(), "Missing required property: mapping") {
		t.Errorf("update without mapping: %v", err)
	}
	if st := f.tenant.Stats(); st.TokensIssued != 1 || st.Writes[samlConn.ID] != 3 {
		t.Errorf("stats: %+v", st)
	}
}

func TestSDKListing(t *testing.T) {
	f := newFixture(t, Options{}, Generate(130, 9)...)
	m, ctx := newSDK(t, f), context.Background()
	seen := map[string]bool{}
	from := ""
	for {
		list, err := m.Connection.List(ctx, management.From(from), management.Take(50))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range list.Connections {
			seen[c.GetID()] = true
		}
		if list.Next == "" {
			break
		}
		from = list.Next
	}
	if len(seen) != 130 {
		t.Errorf("checkpoint walk saw %d connections", len(seen))
	}
	page, err := m.Connection.List(ctx, management.Page(1), management.PerPage(100))
	if err != nil || page.Total != 130 || len(page.Connections) != 30 || page.HasNext() {
		t.Errorf("offset page: %v total=%d n=%d", err, page.Total, len(page.Connections))
	}
	name := Generate(130, 9)[7].Name
	c, err := m.Connection.ReadByName(ctx, name)
	if err != nil || c.GetName() != name {
		t.Errorf("ReadByName: %v %v", err, c)
	}
	var out struct {
		Configs []map[string]any `json:"scim_configurations"`
	}
	if err := m.Request(ctx, "GET", m.URI("connections-scim-configurations")+"?take=5", &out); err != nil || len(out.Configs) != 5 {
		t.Errorf("tenant-wide listing: %v %d", err, len(out.Configs))
	}
}

func TestSDKBadSecret(t *testing.T) {
	f := newFixture(t, Options{}, testConns...)
	m, err := management.New(f.srv.URL, management.WithInsecure(),
		management.WithClientCredentials(context.Background(), "cid", "wrong"), management.WithNoRetries())
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Connection.ReadSCIMConfiguration(context.Background(), oktaConn.ID)
	if err == nil || !strings.Contains(err.Error(), "Unauthorized") {
		t.Errorf("err = %v", err)
	}
	// golang.org/x/oauth2 tries HTTP Basic, then the body
	if n := f.tenant.Stats().CountStatus(KindToken, 401); n != 2 {
		t.Errorf("token attempts = %d, want 2", n)
	}
}
