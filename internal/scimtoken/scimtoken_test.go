package scimtoken

import (
	"slices"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

func TestFlagToken(t *testing.T) {
	day := 24 * time.Hour
	for _, tc := range []struct {
		name string
		tok  Token
		want []Flag
	}{
		{"healthy", Token{ValidUntil: now.Add(60 * day), LastUsedAt: now}, []Flag{}},
		{"no expiry", Token{LastUsedAt: now}, []Flag{}},
		{"expired", Token{ValidUntil: now.Add(-time.Second), LastUsedAt: now}, []Flag{FlagExpired}},
		{"expires now", Token{ValidUntil: now, LastUsedAt: now}, []Flag{FlagExpired}},
		{"expiring", Token{ValidUntil: now.Add(30 * day), LastUsedAt: now}, []Flag{FlagExpiring}},
		{"never used", Token{}, []Flag{FlagNeverUsed}},
		{"expired, never used", Token{ValidUntil: now.Add(-day)}, []Flag{FlagExpired, FlagNeverUsed}},
	} {
		if got := FlagToken(tc.tok, now, 30*day); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestAuditConnection(t *testing.T) {
	a := &Audit{}
	expired := Token{ID: "tok_1", CreatedAt: now.Add(-time.Hour), ValidUntil: now.Add(-time.Minute), LastUsedAt: now}
	valid := Token{ID: "tok_2", CreatedAt: now, LastUsedAt: now}
	a.Count(AuditConnection(AuditedConnection{ConnectionID: "con_a"}, []Token{expired}, now, time.Hour))
	a.Count(AuditConnection(AuditedConnection{ConnectionID: "con_b"}, []Token{expired, valid}, now, time.Hour))
	a.Count(AuditConnection(AuditedConnection{ConnectionID: "con_c"}, nil, now, time.Hour))
	a.Count(AuditedConnection{ConnectionID: "con_d", Error: "503"})
	if got := a.Connections[1].Tokens[0].ID; got != "tok_2" {
		t.Errorf("tokens must be newest first, got %s first", got)
	}
	want := AuditCounts{Connections: 4, Tokens: 3, Expired: 2, NoValidToken: 2, Unread: 1}
	if a.Counts != want || !a.Flagged() {
		t.Errorf("counts %+v, want %+v", a.Counts, want)
	}
}

func TestChoice(t *testing.T) {
	old := Token{ID: "tok_old", CreatedAt: now.Add(-100 * 24 * time.Hour), ValidUntil: now.Add(-time.Hour)}
	mid := Token{ID: "tok_mid", CreatedAt: now.Add(-10 * 24 * time.Hour)}
	tokens := []Token{old, mid}
	for _, tc := range []struct {
		name string
		c    Choice
		want []string
	}{
		{"nothing given", Choice{}, nil},
		{"expired", Choice{Expired: true}, []string{"tok_old"}},
		{"older than 30 days", Choice{OlderThan: 30 * 24 * time.Hour}, []string{"tok_old"}},
		{"older than a day", Choice{OlderThan: 24 * time.Hour}, []string{"tok_mid", "tok_old"}},
		{"keep newest 1", Choice{KeepNewest: 1}, []string{"tok_old"}},
		{"older than a day, keep newest 1", Choice{OlderThan: 24 * time.Hour, KeepNewest: 1}, []string{"tok_old"}},
		{"ids", Choice{IDs: map[string]bool{"tok_mid": true}}, []string{"tok_mid"}},
		{"ids and expired", Choice{IDs: map[string]bool{"tok_mid": true}, Expired: true}, nil},
	} {
		revoke, keep := tc.c.Choose(tokens, now)
		var got []string
		for _, r := range revoke {
			got = append(got, r.ID)
		}
		if !slices.Equal(got, tc.want) || len(revoke)+len(keep) != 2 {
			t.Errorf("%s: revoke %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestHandoff_roundTripWithoutSecretsInErrors(t *testing.T) {
	h := Handoff{Tenant: "acme.eu.auth0.com", IssuedAt: now, Tokens: []HandoffToken{
		NewHandoffToken("con_a", "a, \"quoted\"", "okta", Issued{Token: Token{ID: "tok_a", Scopes: DefaultScopes, ValidUntil: now}, Secret: "tok_a.s3cret"}),
		NewHandoffToken("con_b", "b", "samlp", Issued{Token: Token{ID: "tok_b", Scopes: []string{"get:users"}}, Secret: "tok_b.s3cret"}),
	}}
	for _, f := range []HandoffFormat{HandoffJSON, HandoffCSV} {
		data, err := h.Encode(f)
		if err != nil {
			t.Fatal(err)
		}
		refs, secrets, err := ParseHandoff(data)
		if err != nil || len(refs) != 2 || refs[1] != (TokenRef{ConnectionID: "con_b", TokenID: "tok_b"}) || secrets[0] != "tok_a.s3cret" {
			t.Errorf("%s: %v %v %v", f, refs, secrets, err)
		}
		broken := append([]byte("x"), data...)
		if _, _, err := ParseHandoff(broken); err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: a broken handoff must be refused without quoting it: %v", f, err)
		}
	}
	if h.Tokens[1].ValidUntil != "" || h.Tokens[0].ValidUntil != "2026-12-01T12:00:00Z" {
		t.Errorf("valid_until: %+v", h.Tokens)
	}
}

func TestValidTokenID(t *testing.T) {
	for id, want := range map[string]bool{"tok_MdZJxcMI804pRS5Y": true, "tok_": false, "tok_a/../b": false, "con_x": false, "tok_a.b": false} {
		if ValidTokenID(id) != want {
			t.Errorf("ValidTokenID(%q) = %v", id, !want)
		}
	}
}

func TestEndpointURLAndHandoffColumns(t *testing.T) {
	if got := EndpointURL("https://acme.eu.auth0.com", "con_ABC123"); got != "https://acme.eu.auth0.com/scim/v2/connections/con_ABC123" {
		t.Errorf("EndpointURL = %s", got)
	}
	h := Handoff{Tenant: "t", Tokens: []HandoffToken{{ConnectionID: "con_1", TokenID: "tok_1", Token: "s", Endpoint: "https://t/scim/v2/connections/con_1"}}}
	data, err := h.Encode(HandoffCSV)
	if err != nil || !strings.Contains(string(data), ",endpoint\n") || !strings.Contains(string(data), "https://t/scim/v2/connections/con_1") {
		t.Fatalf("CSV handoff: %v\n%s", err, data)
	}
	// A handoff written before the endpoint column is still read.
	legacy := "connection_id,connection_name,strategy,token_id,token,scopes,valid_until\ncon_1,n,okta,tok_1,s,get:users,\n"
	refs, _, err := ParseHandoff([]byte(legacy))
	if err != nil || len(refs) != 1 || refs[0].TokenID != "tok_1" {
		t.Errorf("legacy CSV: %v %v", refs, err)
	}
}
