package manifest

import (
	"strings"
	"testing"
)

func TestMatchName(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"acme-*", "acme-okta", true},
		{"acme-*", "acme-", true},
		{"acme-*", "acme", false},
		{"*-okta", "acme-okta", true},
		{"*-okta", "acme-okta-2", false},
		{"*", "", true},
		{"*", "anything at all", true},
		{"**", "x", true},
		{"", "", true},
		{"", "x", false},
		{"a*b*c", "a-b-b-c", true},
		{"a*b*c", "a-b-b-", false},
		{"*a*", "bbb", false},
		{"acme okta", "acme okta", true},
		{"* okta *", "my okta tenant", true},
		{"*\t*", "a\tb", true},
		{"?", "é", true},
		{"??", "é", false},
		{"caf?", "café", true},
		{"caf?", "cafe\u0301", false}, // e + combining accent is two runes
		{"caf??", "cafe\u0301", true},
		{"?-*", "日-本", true},
		{"日本*", "日本語", true},
		{"*語", "日本語", true},
		{"👩‍💻*", "👩‍💻-dev", true},
		{"m?ller", "müller", true},
		{`\*`, "*", true},
		{`\*`, "x", false},
		{`a\?c`, "a?c", true},
		{`a\?c`, "abc", false},
		{`a\\b`, `a\b`, true},
		{`\a\b`, "ab", true},
		{`\é`, "é", true},
		{`*\*`, "star*", true},
		{`*\*`, "star", false},
		{`a\`, `a\`, false}, // malformed: matches nothing
		{"ACME-*", "acme-okta", false},
		{"a*a*a*a*a*a*a*a*b", strings.Repeat("a", 200), false},
	}
	for _, tt := range tests {
		if got := MatchName(tt.pattern, tt.name); got != tt.want {
			t.Errorf("MatchName(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}

func TestValidPattern(t *testing.T) {
	for _, p := range []string{"", "*", `\\`, `a\*`, `\é`, "日本?"} {
		if err := ValidPattern(p); err != nil {
			t.Errorf("ValidPattern(%q) = %v, want nil", p, err)
		}
	}
	for _, p := range []string{`\`, `a\`, `a\\\`} {
		if err := ValidPattern(p); err == nil {
			t.Errorf("ValidPattern(%q) = nil, want an error", p)
		}
	}
}

func TestBadText(t *testing.T) {
	for value, bad := range map[string]bool{
		"externalId":                     false,
		"emails[type eq \"work\"].value": false,
		"müller gmbh":                    false,
		"":                               false,
		" x":                             true,
		"x\u00a0":                        true,
		"a\nb":                           true,
		"a\u0085b":                       true,
		"\u200bx":                        true,
		"x\ufeff":                        true,
	} {
		if got := badText(value) != ""; got != bad {
			t.Errorf("badText(%q) reported %v, want %v", value, got, bad)
		}
	}
}

// TestParseManifest_sameRulesBothFormats checks that one mistake gives the
// same message from either format, since validation is shared.
func TestParseManifest_sameRulesBothFormats(t *testing.T) {
	csv := "connection_id,user_id_attribute,scim,auth0\ncon_x-1,externalId,userName,email\n"
	json := `{"connections": [{"connection_id": "con_x-1", "user_id_attribute": "externalId", "mapping": [{"scim": "userName", "auth0": "email"}]}]}`
	_, errCSV := Parse("m.csv", []byte(csv))
	_, errJSON := Parse("m.json", []byte(json))
	if errCSV == nil || errJSON == nil {
		t.Fatalf("want both refused, got %v and %v", errCSV, errJSON)
	}
	msgCSV := strings.SplitN(errCSV.Error(), ": ", 2)[1]
	msgJSON := strings.SplitN(errJSON.Error(), ": ", 2)[1]
	if msgCSV != msgJSON {
		t.Errorf("messages differ:\n csv: %s\njson: %s", msgCSV, msgJSON)
	}
}

func TestParseManifest_allProblemsReported(t *testing.T) {
	var b strings.Builder
	b.WriteString("connection_id,user_id_attribute,scim,auth0\n")
	for range 500 {
		b.WriteString("bad,externalId,userName,email\n")
	}
	_, err := Parse("m.csv", []byte(b.String()))
	ps, ok := err.(Problems)
	if !ok {
		t.Fatalf("got %T %v", err, err)
	}
	// The 500 rows are one connection: one malformed id, then 499
	// duplicates of its scim attribute.
	if len(ps) != 500 || ps[0].Pos.Line != 2 || ps[499].Pos.Line != 501 {
		t.Errorf("got %d problems, first %v, last %v", len(ps), ps[0], ps[len(ps)-1])
	}
}
