package app

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/plan"
)

// selectorTenant seeds names that patterns get wrong easily: unicode, spaces,
// and the pattern characters themselves. Seeds skip the name rule of POST
// /connections, as connections created in the dashboard long ago can.
func selectorTenant(t *testing.T) *harness {
	cfg := func() *emulator.SCIMConfig {
		return &emulator.SCIMConfig{UserIDAttribute: "externalId", Mapping: []emulator.Mapping{{SCIM: "userName", Auth0: "email"}}}
	}
	seeds := []emulator.Connection{
		{ID: "con_AcmeOkta1", Name: "acme-okta", Strategy: "okta", SCIM: cfg()},
		{ID: "con_AcmeSaml1", Name: "acme-saml", Strategy: "samlp", SCIM: cfg()},
		{ID: "con_AcmeCorp1", Name: "Acme Corp SSO", Strategy: "samlp", SCIM: cfg()},
		{ID: "con_Cafe1", Name: "Café Ünïcode", Strategy: "okta", SCIM: cfg()},
		{ID: "con_Nihon1", Name: "日本-okta", Strategy: "okta", SCIM: cfg()},
		{ID: "con_Star1", Name: "star*name", Strategy: "oidc", SCIM: cfg()},
		{ID: "con_Star2", Name: "starXname", Strategy: "oidc", SCIM: cfg()},
		{ID: "con_What1", Name: "what?", Strategy: "oidc", SCIM: cfg()},
		{ID: "con_What2", Name: "whats", Strategy: "oidc", SCIM: cfg()},
		{ID: "con_Back1", Name: `back\slash`, Strategy: "waad", SCIM: cfg()},
		{ID: "con_Azure1", Name: "contoso azure", Strategy: "waad"},
		{ID: "con_Db1", Name: "acme-db", Strategy: "auth0"},
	}
	return newHarness(t, emulator.Options{}, seeds...)
}

// selectManifest is a JSON manifest of one merge entry per selector.
func selectManifest(selectors ...map[string]any) string {
	var entries []string
	for _, s := range selectors {
		sel, _ := json.Marshal(s)
		entries = append(entries, fmt.Sprintf(`  {"select": %s, "mode": "merge", "mapping": [{"scim": "title", "auth0": "app_metadata.title"}]}`, sel))
	}
	return "{\"connections\": [\n" + strings.Join(entries, ",\n") + "\n]}\n"
}

// planJSON runs plan --format json and decodes the plan.
func (h *harness) planJSON(manifest string, code int) (*plan.Plan, result) {
	h.t.Helper()
	r := h.expect(h.run("plan", "--format", "json", "--detailed-exitcode", "-f", manifest), code)
	var p plan.Plan
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		h.t.Fatalf("plan --format json: %v\n%s", err, r)
	}
	return &p, r
}

func changedNames(p *plan.Plan) []string {
	var names []string
	for _, c := range p.Changes {
		names = append(names, c.Name)
	}
	slices.Sort(names)
	return names
}

func TestSelectors_patternEdgeCases(t *testing.T) {
	t.Parallel()
	h := selectorTenant(t)
	for _, tc := range []struct {
		pattern    string
		strategies []string
		want       []string
	}{
		{pattern: "acme-*", want: []string{"acme-okta", "acme-saml"}}, // acme-db has no SCIM
		{pattern: "Café*", want: []string{"Café Ünïcode"}},
		{pattern: "Caf? Ünïcode", want: []string{"Café Ünïcode"}}, // ? is one character, é included
		{pattern: "??-okta", want: []string{"日本-okta"}},
		{pattern: "Acme Corp SSO", want: []string{"Acme Corp SSO"}},
		{pattern: "* Corp *", want: []string{"Acme Corp SSO"}},
		{pattern: "*acme*", want: []string{"acme-okta", "acme-saml"}}, // case matters
		{pattern: "star*name", want: []string{"star*name", "starXname"}},
		{pattern: `star\*name`, want: []string{"star*name"}},
		{pattern: "what?", want: []string{"what?", "whats"}},
		{pattern: `what\?`, want: []string{"what?"}},
		{pattern: `back\\slash`, want: []string{`back\slash`}},
		{pattern: "*", strategies: []string{"waad"}, want: []string{`back\slash`, "contoso azure"}},
		{pattern: "*", strategies: []string{"okta", "oidc"}, want: []string{"Café Ünïcode", "acme-okta", "star*name", "starXname", "what?", "whats", "日本-okta"}},
	} {
		sel := map[string]any{"name_pattern": tc.pattern}
		if tc.strategies != nil {
			sel["strategy"] = tc.strategies
		}
		p, _ := h.planJSON(h.file("m.json", selectManifest(sel)), 2)
		if got := changedNames(p); !slices.Equal(got, tc.want) {
			t.Errorf("pattern %q %v selects %q, want %q", tc.pattern, tc.strategies, got, tc.want)
		}
	}
}

func TestSelectors_csvForm(t *testing.T) {
	t.Parallel()
	h := selectorTenant(t)
	m := h.file("m.csv", "select_strategy,select_name_pattern,mode,scim,auth0\n"+
		"okta|samlp,Acme Corp*,merge,title,app_metadata.title\n"+
		",日本-*,merge,title,app_metadata.title\n"+
		"\"samlp|okta\",Acme Corp*,merge,name.givenName,given_name\n")
	p, _ := h.planJSON(m, 2)
	if got := changedNames(p); !slices.Equal(got, []string{"Acme Corp SSO", "日本-okta"}) {
		t.Fatalf("selected %q", got)
	}
	for _, c := range p.Changes {
		if c.Name == "Acme Corp SSO" && len(c.After.Mapping) != 3 {
			t.Errorf("the rows of one selector (strategies in any order) are one entry: %+v", c.After)
		}
	}
}

func TestSelectors_explicitEntryOverridesAndThePlanSaysWhereEachChangeCameFrom(t *testing.T) {
	t.Parallel()
	h := selectorTenant(t)
	m := h.file("m.json", `{"connections": [
  {"select": {"strategy": ["okta", "samlp"], "name_pattern": "acme*"}, "mode": "merge", "mapping": [{"scim": "title", "auth0": "app_metadata.from_selector"}]},
  {"connection_name": "acme-okta", "mode": "merge", "mapping": [{"scim": "title", "auth0": "app_metadata.explicit"}]}
]}`)
	r := h.expect(h.run("plan", "-f", m), 0)
	for _, want := range []string{
		`con_AcmeOkta1 "acme-okta" (okta), update, merge, from ` + m + `:3`,
		`con_AcmeSaml1 "acme-saml" (samlp), update, merge, from ` + m + `:2`,
		`app_metadata.explicit`,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("plan text lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "app_metadata.from_selector\" (okta)") {
		t.Errorf("the selector's value reached the overridden connection:\n%s", r.stdout)
	}
	p, _ := h.planJSON(m, 2)
	from := map[string]int{}
	for _, c := range p.Changes {
		from[c.Name] = c.From.Line
	}
	if len(from) != 2 || from["acme-okta"] != 3 || from["acme-saml"] != 2 {
		t.Fatalf("changes come from %v", from)
	}
	h.expect(h.run("apply", "--yes", "--report", h.path("r.jsonl"), "-f", m), 0)
	okta, _ := h.tenant.SCIMConfig("con_AcmeOkta1")
	saml, _ := h.tenant.SCIMConfig("con_AcmeSaml1")
	if !slices.Contains(okta.Mapping, emulator.Mapping{SCIM: "title", Auth0: "app_metadata.explicit"}) ||
		!slices.Contains(saml.Mapping, emulator.Mapping{SCIM: "title", Auth0: "app_metadata.from_selector"}) {
		t.Fatalf("applied: okta %+v, saml %+v", okta, saml)
	}
}

func TestSelectors_disagreeingSelectorsNameBothLinesAndWriteNothing(t *testing.T) {
	t.Parallel()
	h := selectorTenant(t)
	m := h.file("m.json", `{"connections": [
  {"select": {"strategy": ["okta"]}, "mode": "merge", "mapping": [{"scim": "title", "auth0": "app_metadata.a"}]},
  {"select": {"name_pattern": "*okta"}, "mode": "merge", "mapping": [{"scim": "title", "auth0": "app_metadata.b"}]}
]}`)
	for _, args := range [][]string{{"plan", "-f", m}, {"apply", "--yes", "-f", m}} {
		r := h.expect(h.run(args[0], args[1:]...), 1)
		for _, name := range []string{"acme-okta", "日本-okta"} {
			want := fmt.Sprintf("%s:3: connection %s (%q) is selected by both the entry at %s:2 and this one", m, connID(h, name), name, m)
			if !strings.Contains(r.stderr, want) {
				t.Errorf("%s: stderr lacks %q:\n%s", args[0], want, r)
			}
		}
	}
	if st := h.tenant.Stats(); len(st.Writes) != 0 {
		t.Fatalf("writes were made: %v", st.Writes)
	}
}

func connID(h *harness, name string) string {
	for _, c := range h.tenant.Connections() {
		if c.Name == name {
			return c.ID
		}
	}
	h.t.Fatalf("no connection %q", name)
	return ""
}

// The warning is said once: with the plan's text on stdout, or, when stdout
// carries no text, in the log on stderr.
func TestSelectors_noMatchIsReportedOnStderrAndInThePlan(t *testing.T) {
	t.Parallel()
	h := selectorTenant(t)
	m := h.file("m.json", `{"connections": [
  {"select": {"strategy": ["samlp"], "name_pattern": "globex-*"}, "mode": "merge", "mapping": [{"scim": "title", "auth0": "app_metadata.title"}]},
  {"connection_name": "acme-okta", "mode": "merge", "mapping": [{"scim": "title", "auth0": "app_metadata.title"}]}
]}`)
	want := `select strategy=samlp name_pattern=\"globex-*\" matches no connection`
	r := h.expect(h.run("plan", "-f", m, "--format", "json"), 0)
	if !strings.Contains(r.stderr, m+":2: "+want) {
		t.Errorf("stderr lacks the warning:\n%s", r)
	}
	r = h.expect(h.run("plan", "-f", m), 0)
	if strings.Contains(r.stderr, "matches no connection") {
		t.Errorf("the warning is said on both streams:\n%s", r)
	}
	if !strings.Contains(r.stdout, "Warning: ") || !strings.Contains(r.stdout, `matches no connection`) {
		t.Errorf("plan text lacks the warning:\n%s", r.stdout)
	}
	p, _ := h.planJSON(m, 2)
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], m+`:2: select strategy=samlp name_pattern="globex-*" matches no connection`) {
		t.Fatalf("plan JSON warnings = %q", p.Warnings)
	}
	if len(p.Changes) != 1 {
		t.Fatalf("the other entry must still be planned: %+v", p.Changes)
	}
}
