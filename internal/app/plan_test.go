package app

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

func TestPlan_demoManifests(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	for _, m := range []string{"../../examples/manifest.json", "../../examples/manifest.csv"} {
		r := h.expect(h.run("plan", "-f", m), 0)
		if !strings.Contains(r.stdout, "Plan: ") || !strings.Contains(r.stdout, "to update") {
			t.Fatalf("%s: no summary line:\n%s", m, r)
		}
	}
	r := h.expect(h.run("plan", "--detailed-exitcode", "-f", "../../examples/manifest.json"), 2)
	if !strings.Contains(r.stdout, "Plan: 1 to create, 2 to update, 0 unchanged, 1 missing.") {
		t.Fatalf("summary:\n%s", r)
	}
	if h.tenant.Stats().Count(emulator.KindSCIMUpdate)+h.tenant.Stats().Count(emulator.KindSCIMCreate) != 0 {
		t.Fatal("plan wrote to the tenant")
	}
}

func TestPlan_detailedExitCodeWithoutChanges(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	cfg, _ := h.tenant.SCIMConfig("con_Ac8mEoKta1x2Y3z4")
	m := manifestFor("con_Ac8mEoKta1x2Y3z4", cfg, true)
	h.expect(h.run("plan", "--detailed-exitcode", "-f", h.file("m.json", m)), 0)
}

// manifestFor writes a replace manifest entry giving a connection exactly
// cfg, optionally with the mapping reversed (a reorder is no change).
func manifestFor(id string, cfg *emulator.SCIMConfig, reverse bool) string {
	var pairs []string
	for _, m := range cfg.Mapping {
		pairs = append(pairs, fmt.Sprintf(`{"scim": %q, "auth0": %q}`, m.SCIM, m.Auth0))
	}
	if reverse {
		for i, j := 0, len(pairs)-1; i < j; i, j = i+1, j-1 {
			pairs[i], pairs[j] = pairs[j], pairs[i]
		}
	}
	return fmt.Sprintf(`{"connections": [{"connection_id": %q, "user_id_attribute": %q, "mapping": [%s]}]}`,
		id, cfg.UserIDAttribute, strings.Join(pairs, ",\n"))
}

func TestPlan_invalidManifestSendsNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	m := h.file("bad.json", `{"connections": [
  {"connection_id": "con_x", "mapping": [{"scim": "a", "auth0": ""}]},
  {"connection_id": "nope", "user_id_attribute": "u", "mapping": [{"scim": "a", "auth0": "b"}]}
]}`)
	r := h.expect(h.run("plan", "-f", m), 1)
	for _, want := range []string{"bad.json:2: ", "bad.json:3: ", "nothing was written"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r)
		}
	}
	if st := h.tenant.Stats(); st.Total() != 0 || st.TokensIssued != 0 {
		t.Fatalf("requests were sent: %+v", st)
	}
}

func TestPlan_unknownConnectionNamesTheLine(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	m := h.file("m.json", `{"connections": [
  {"connection_id": "con_Ac8mEoKta1x2Y3z4", "mode": "merge", "mapping": [{"scim": "title", "auth0": "x"}]},
  {"connection_id": "con_DoesNotExist000", "mode": "merge", "mapping": [{"scim": "title", "auth0": "x"}]},
  {"connection_id": "con_Us3rsDatabase3Mn", "mode": "merge", "mapping": [{"scim": "title", "auth0": "x"}]},
  {"connection_name": "no-such-name", "mode": "merge", "mapping": [{"scim": "title", "auth0": "x"}]}
]}`)
	r := h.expect(h.run("plan", "-f", m), 1)
	for _, want := range []string{"m.json:3: connection con_DoesNotExist000 does not exist", "m.json:4: connection con_Us3rsDatabase3Mn does not support SCIM", `m.json:5: no connection named "no-such-name"`} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r)
		}
	}
}

func TestPlan_savedPlanAndFormats(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	out := h.path("plan.json")
	r := h.expect(h.run("plan", "--out", out, "--format", "json", "-f", "../../examples/manifest.json"), 0)
	fi, err := os.Stat(out)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("plan file: %v %v", err, fi)
	}
	saved, err := plan.ReadPlanFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.stdout, "Plan: 1 to create, 2 to update") {
		t.Fatalf("with --out, stdout shows the plan for review:\n%s", r.stdout)
	}
	j := h.expect(h.run("plan", "--format", "json", "-f", "../../examples/manifest.json"), 0)
	var printed plan.Plan
	if err := json.Unmarshal([]byte(j.stdout), &printed); err != nil {
		t.Fatalf("--format json is not the plan: %v\n%s", err, j.stdout)
	}
	if saved.Tenant != strings.TrimPrefix(h.srv.URL, "http://") || saved.Manifest.SHA256 == "" || saved.Version != plan.FormatVersion || len(saved.Changes) != 4 {
		t.Fatalf("saved plan: %+v", saved)
	}
	if printed.Summary != saved.Summary {
		t.Fatalf("printed %+v, saved %+v", printed.Summary, saved.Summary)
	}
	md := h.expect(h.run("plan", "--format", "markdown", "-f", "../../examples/manifest.json"), 0)
	if !strings.Contains(md.stdout, "| ") {
		t.Fatalf("markdown:\n%s", md.stdout)
	}
	h.expect(h.run("plan", "--format", "yaml", "-f", "../../examples/manifest.json"), 1)
	// --out names the format by its extension, and a contradicting --format
	// is refused before anything is read.
	page := h.path("plan.html")
	h.expect(h.run("plan", "--out", page, "-f", "../../examples/manifest.json"), 0)
	if b, _ := os.ReadFile(page); !strings.HasPrefix(string(b), "<!DOCTYPE html>") {
		t.Fatalf("plan --out x.html wrote %.40q", b)
	}
	h.tenant.ResetStats()
	bad := h.expect(h.run("plan", "--format", "html", "--out", h.path("x.json"), "-f", "../../examples/manifest.json"), 1)
	if !strings.Contains(bad.stderr, "does not match --out") || h.tenant.Stats().Total() != 0 {
		t.Fatalf("a format against its file: %s", bad)
	}
}

func TestPlan_fewRequestsOnALargeTenant(t *testing.T) {
	t.Parallel()
	virtual(t, func(t *testing.T) {
		conns := emulator.Generate(largeTenant, 7)
		h := newHarness(t, emulator.Options{}, conns...)
		var entries []string
		withConfig, named := 0, 0
		for _, c := range conns {
			if c.SCIM == nil || !scim.SupportsSCIM(c.Strategy) {
				continue
			}
			key := fmt.Sprintf(`"connection_id": %q`, c.ID)
			if withConfig%10 == 0 {
				key = fmt.Sprintf(`"connection_name": %q`, c.Name)
				named++
			}
			withConfig++
			entries = append(entries, fmt.Sprintf(`{%s, "mode": "merge", "mapping": [{"scim": "title", "auth0": "app_metadata.title"}]}`, key))
		}
		m := h.file("big.json", `{"connections": [`+strings.Join(entries, ",\n")+`]}`)
		h.expect(h.run("plan", "-f", m), 0)
		st := h.tenant.Stats()
		scimPages := (withConfig + 99) / 100
		if got := st.Count(emulator.KindSCIMList); got > scimPages {
			t.Errorf("%d SCIM listing pages for %d configurations, want at most %d", got, withConfig, scimPages)
		}
		if got := st.Count(emulator.KindConnectionsList); got > (len(conns)+99)/100 {
			t.Errorf("%d connection listing pages", got)
		}
		if got := st.Count(emulator.KindSCIMGet) + st.Count(emulator.KindConnectionsGet); got != 0 {
			t.Errorf("%d per-connection reads, want none", got)
		}
		t.Logf("%d entries (%d by name): %d requests in all (%d SCIM pages, %d connection pages)",
			len(entries), named, st.Total(), st.Count(emulator.KindSCIMList), st.Count(emulator.KindConnectionsList))
	})
}

func TestPlan_fallsBackWhenTheListingIsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{DisableSCIMListing: true})
	r := h.expect(h.run("plan", "-f", "../../examples/manifest.csv"), 0)
	if !strings.Contains(r.stdout, "Plan: ") {
		t.Fatal(r)
	}
	st := h.tenant.Stats()
	if st.Count(emulator.KindSCIMList) != 1 || st.Count(emulator.KindSCIMGet) != 3 {
		t.Fatalf("listing %d, per-connection GETs %d (want 1 refused listing, then 3 GETs)",
			st.Count(emulator.KindSCIMList), st.Count(emulator.KindSCIMGet))
	}
}

func TestPlan_refusesPlainHTTPToARealHost(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	r := h.expect(h.runRaw("scim-migrate", "plan", "--domain", "http://acme.eu.auth0.com", "-f", "../../examples/manifest.json"), 1)
	if !strings.Contains(r.stderr, "loopback") {
		t.Fatal(r)
	}
}

func TestPlan_positionalManifest(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	h.expect(h.run("plan", "../../examples/manifest.json"), 0)
	r := h.expect(h.run("plan", "../../examples/manifest.json", "--out", h.path("x.json")), 1)
	if !strings.Contains(r.stderr, `"--out" comes after the file`) {
		t.Fatal(r)
	}
	if _, err := os.Stat(h.path("x.json")); err == nil {
		t.Fatal("the ignored --out was acted on")
	}
	h.expect(h.run("plan", "-f", "../../examples/manifest.json", "../../examples/manifest.csv"), 1)
	h.expect(h.run("plan"), 1)
}

func TestValidate(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	r := h.expect(h.runRaw("scim-migrate", "validate", "-f", "../../examples/manifest.csv"), 0)
	if !strings.Contains(r.stdout, "valid, 3 connection entries") {
		t.Fatal(r)
	}
	bad := h.file("bad.csv", "connection_id,scim,auth0\ncon_a,x,y\ncon_a,x,z\n")
	r = h.expect(h.runRaw("scim-migrate", "validate", bad), 1)
	if !strings.Contains(r.stderr, "bad.csv:3: ") {
		t.Fatal(r)
	}
}

// Terraform's habit: plan --out tfplan saves the JSON plan whatever its
// name, says where and how to apply it even with --quiet, and apply --plan
// reads it; a plan handed to apply as a manifest, or to rollback as a
// report, is named for what it is with the command that takes it.
func TestPlan_terraformHabits(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	saved := h.path("tfplan")
	r := h.expect(h.run("plan", "--quiet", "--out", saved, "-f", "../../examples/manifest.json"), 0)
	if _, err := plan.ReadPlanFile(saved); err != nil {
		t.Fatalf("plan --out tfplan is not the JSON plan: %v", err)
	}
	if !strings.Contains(r.stderr, "Saved the plan to "+saved) || !strings.Contains(r.stderr, "scim-migrate apply --plan "+saved) {
		t.Fatalf("plan --out --quiet does not say where it saved the plan and how to apply it:\n%s", r)
	}
	h.tenant.ResetStats()
	bad := h.expect(h.run("apply", saved), 1)
	if !strings.Contains(bad.stderr, "is a plan saved by plan --out, not a manifest") || !strings.Contains(bad.stderr, "apply --plan "+saved) ||
		strings.Contains(bad.stderr, "unknown") {
		t.Fatalf("apply PLAN as a manifest:\n%s", bad)
	}
	bad = h.expect(h.run("rollback", "--from", saved), 1)
	if !strings.Contains(bad.stderr, "is a plan saved by plan --out, not the report of a run") || strings.Contains(bad.stderr, "not a JSON object") {
		t.Fatalf("rollback --from PLAN:\n%s", bad)
	}
	if h.tenant.Stats().Total() != 0 {
		t.Fatalf("a file of the wrong kind sent %d requests", h.tenant.Stats().Total())
	}
	bad = h.expect(h.run("apply", "--plan", "../../examples/manifest.json"), 1)
	if !strings.Contains(bad.stderr, "is a manifest, not a plan") || !strings.Contains(bad.stderr, "apply -f ../../examples/manifest.json") {
		t.Fatalf("apply --plan MANIFEST:\n%s", bad)
	}
	h.expect(h.run("apply", "--plan", saved), 0)
	j := h.expect(h.run("plan", "--log-format", "json", "--out", h.path("p2"), "-f", "../../examples/manifest.json"), 0)
	if !strings.Contains(j.stderr, `"apply_with":"scim-migrate apply --plan `) {
		t.Fatalf("plan --out with JSON logs:\n%s", j)
	}
}

// A manifest read from a pipe has no extension: its content says JSON or CSV.
func TestPlan_manifestWithoutExtension(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	data, err := os.ReadFile("../../examples/manifest.csv")
	if err != nil {
		t.Fatal(err)
	}
	m := h.file("manifest-from-pipe", string(data))
	h.expect(h.runRaw("scim-migrate", "validate", m), 0)
	h.expect(h.run("plan", "-f", m), 0)
}
