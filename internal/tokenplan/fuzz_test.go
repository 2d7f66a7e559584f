package tokenplan

import (
	"bytes"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

// FuzzDecodeTokenPlan feeds arbitrary bytes to the saved token plan reader
// (tokens --plan). Whatever it accepts is run as it is, so it must hold
// together: valid ids (they end up in request paths), only the action of
// its kind, a request wherever a token is issued, and a stable re-encoding.
func FuzzDecodeTokenPlan(f *testing.F) {
	meta := Meta{Tenant: "acme.eu.auth0.com", ToolVersion: "test", Now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), TenantURL: "https://acme.eu.auth0.com"}
	issue := meta.plan(runlog.KindTokenIssue, []Change{{Identity: scim.Identity{ID: "con_a1", Name: "a"}, Action: scimtoken.ActionIssue}})
	issue.Request = &Request{Scopes: []string{"get:users"}}
	good, err := issue.Encode()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(bytes.Replace(good, []byte(`"tokens_issue"`), []byte(`"tokens_revoke"`), 1))
	f.Add(bytes.Replace(good, []byte(`"con_a1"`), []byte(`"con_a1/../x"`), 1))
	f.Add([]byte(`{"version":1,"kind":"tokens_revoke","tenant":"t","changes":[{"connection_id":"con_a","action":"revoke_token"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Decode(data)
		if err != nil {
			return
		}
		for _, c := range p.Changes {
			if c.ID != "" && !scim.ValidConnectionID(c.ID) {
				t.Fatalf("accepted id %q", c.ID)
			}
			if c.Action != scimtoken.ActionNone && c.Action != kindAction[p.Kind] {
				t.Fatalf("a %s plan accepted %s", p.Kind, c.Action)
			}
			if (c.Action == scimtoken.ActionIssue || c.Action == scimtoken.ActionRotate) && p.Request == nil {
				t.Fatalf("a plan that issues without a request: %+v", p)
			}
		}
		again, err := p.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Decode(again); err != nil {
			t.Fatalf("re-encoding an accepted plan gives one refused: %v", err)
		}
	})
}

// TestDecode_refusesAnActionOfAnotherKind: a revoke plan edited to issue
// tokens (with no request to issue them with) is refused.
func TestDecode_refusesAnActionOfAnotherKind(t *testing.T) {
	data := []byte(`{"version":1,"kind":"tokens_revoke","tenant":"t","changes":[{"connection_id":"con_a","action":"issue_token"}]}`)
	if _, err := Decode(data); err == nil {
		t.Fatal("a revoke plan that issues a token was accepted")
	}
}
