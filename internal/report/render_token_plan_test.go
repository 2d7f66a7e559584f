package report

import (
	"bytes"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
	"github.com/scim-migrate/scim-migrate/internal/tokenplan"
)

// tokenPlanFixture is a rotation of three connections: one at the maximum,
// one below it, one asked for and absent.
func tokenPlanFixture() *tokenplan.Plan {
	return &tokenplan.Plan{
		Version: tokenplan.FormatVersion, Kind: runlog.KindTokenRotate, Tenant: "acme.eu.auth0.com", ToolVersion: "1.2.3",
		CreatedAt: time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC),
		Request:   &tokenplan.Request{Scopes: scimtoken.DefaultScopes, Lifetime: 365 * 24 * time.Hour},
		Changes: []tokenplan.Change{
			{Identity: scim.Identity{ID: "con_Ac8mEoKta1x2Y3z4", Name: "acme-okta", Strategy: "okta"}, Action: scimtoken.ActionRotate,
				TokenID: "tok_old1", Endpoint: "https://acme.eu.auth0.com/scim/v2/connections/con_Ac8mEoKta1x2Y3z4"},
			{Identity: scim.Identity{ID: "con_Ho0liOkta5W6x7Yz", Name: "hooli-okta", Strategy: "okta"}, Action: scimtoken.ActionRotate,
				Endpoint: "https://acme.eu.auth0.com/scim/v2/connections/con_Ho0liOkta5W6x7Yz"},
			{Identity: scim.Identity{Name: "gone|okta"}, Action: scimtoken.ActionNone, Decided: runlog.StatusFailed,
				Problem: `no connection named "gone|okta" with a SCIM configuration on tenant acme.eu.auth0.com`},
		},
	}
}

func TestRenderTokenPlan_golden(t *testing.T) {
	for _, tt := range []struct {
		golden string
		format Format
	}{
		{"tokenplan.txt", FormatText},
		{"tokenplan.json", FormatJSON},
		{"tokenplan.md", FormatMarkdown},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			var b bytes.Buffer
			if err := RenderTokenPlan(&b, tokenPlanFixture(), tt.format, "handoff.json"); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.golden, b.String())
		})
	}
	if err := RenderTokenPlan(&bytes.Buffer{}, tokenPlanFixture(), FormatHTML, ""); err == nil {
		t.Error("a token plan has no HTML rendering")
	}
}
