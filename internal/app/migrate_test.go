package app

import (
	"reflect"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

func mapping(kv ...string) []emulator.Mapping {
	var out []emulator.Mapping
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, emulator.Mapping{SCIM: kv[i], Auth0: kv[i+1]})
	}
	return out
}

// sourceTenant is the tenant a migration starts from.
func sourceTenant(t *testing.T) *harness {
	return newHarness(t, emulator.Options{},
		emulator.Connection{ID: "con_SrcOkta1", Name: "acme-okta", Strategy: "okta", SCIM: &emulator.SCIMConfig{
			UserIDAttribute: "externalId", Mapping: mapping("userName", "preferred_username", "title", "app_metadata.title", "emails[primary eq true].value", "email")}},
		emulator.Connection{ID: "con_SrcSaml1", Name: "Globex SAML", Strategy: "samlp", SCIM: &emulator.SCIMConfig{
			UserIDAttribute: "userName", Mapping: mapping("userName", "email", "name.givenName", "given_name")}},
		emulator.Connection{ID: "con_SrcAzure1", Name: "initech-azure", Strategy: "waad", SCIM: &emulator.SCIMConfig{
			UserIDAttribute: "externalId", Mapping: mapping("userName", "upn")}},
		emulator.Connection{ID: "con_SrcOidc1", Name: "wonka-oidc", Strategy: "oidc", SCIM: &emulator.SCIMConfig{
			UserIDAttribute: "externalId", Mapping: mapping("userName", "email")}},
		emulator.Connection{ID: "con_SrcOkta2", Name: "hooli-okta", Strategy: "okta"},
		emulator.Connection{ID: "con_SrcDb1", Name: "users-db", Strategy: "auth0"},
	)
}

// targetTenant has the same connection names under other ids, one lacking
// a configuration, one already in line, one with no counterpart in the
// source, and none named wonka-oidc.
func targetTenant(t *testing.T) *harness {
	return newHarness(t, emulator.Options{},
		emulator.Connection{ID: "con_TgtOkta9", Name: "acme-okta", Strategy: "okta", SCIM: &emulator.SCIMConfig{
			UserIDAttribute: "userName", Mapping: mapping("userName", "email")}},
		emulator.Connection{ID: "con_TgtSaml9", Name: "Globex SAML", Strategy: "samlp"},
		emulator.Connection{ID: "con_TgtAzure9", Name: "initech-azure", Strategy: "waad", SCIM: &emulator.SCIMConfig{
			UserIDAttribute: "externalId", Mapping: mapping("userName", "upn")}},
		emulator.Connection{ID: "con_TgtExtra9", Name: "extra-okta", Strategy: "okta", SCIM: &emulator.SCIMConfig{
			UserIDAttribute: "externalId", Mapping: mapping("userName", "nickname")}},
	)
}

// configsByName maps each connection name of a tenant to its configuration.
func configsByName(h *harness) map[string]*emulator.SCIMConfig {
	out := map[string]*emulator.SCIMConfig{}
	for _, c := range h.tenant.Connections() {
		if cfg, ok := h.tenant.SCIMConfig(c.ID); ok {
			out[c.Name] = cfg
		}
	}
	return out
}

func TestMigrate_tenantToTenant(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"json", "csv"} {
		t.Run(format, func(t *testing.T) {
			src, dst := sourceTenant(t), targetTenant(t)
			original := dst.tenant.Snapshot()
			manifest := src.path("source." + format)
			src.expect(src.run("export", "--key", "name", "--format", format, "--out", manifest), 0)

			rep := dst.path("migrate.jsonl")
			r := dst.expect(dst.run("apply", "--create-missing", "--yes", "--report", rep, "-f", manifest), ExitPartial)
			if !strings.Contains(r.stdout, "apply finished: 2 applied, 1 unchanged, 1 failed, 0 conflicts, 0 skipped") {
				t.Fatalf("summary:\n%s", r)
			}
			for _, out := range []string{r.stdout, r.stderr} {
				if !strings.Contains(out, `no connection named \"wonka-oidc\"`) && !strings.Contains(out, `no connection named "wonka-oidc"`) {
					t.Errorf("the absent connection is not reported:\n%s", out)
				}
			}
			checkMigrationReport(t, dst.readReport(rep))

			want, got := configsByName(src), configsByName(dst)
			for _, name := range []string{"acme-okta", "Globex SAML", "initech-azure"} {
				if !reflect.DeepEqual(got[name], want[name]) {
					t.Errorf("%s on the target is %+v, want the source's %+v", name, got[name], want[name])
				}
			}
			if !reflect.DeepEqual(got["extra-okta"], original["con_TgtExtra9"]) {
				t.Errorf("a connection absent from the manifest was changed: %+v", got["extra-okta"])
			}

			// wonka-oidc is still not on the target: a drift check says so.
			r = dst.expect(dst.run("plan", "--detailed-exitcode", "-f", manifest), ExitChanges)
			if !strings.Contains(r.stdout, "Plan: 0 to create, 0 to update, 3 unchanged, 0 missing, 1 not found.") || !strings.Contains(r.stdout, `"wonka-oidc"`) {
				t.Fatalf("plan after the migration:\n%s", r)
			}

			dst.expect(dst.run("rollback", "--report", dst.path("rollback.jsonl"), "--from", rep), 0)
			dst.sameState(original, "after rolling the migration back")
		})
	}
}

// checkMigrationReport checks the report of the migration: the absent
// connection is a failed result with its name, no id and the reason, and
// nothing was sent for it.
func checkMigrationReport(t *testing.T, run *runlog.Run) {
	t.Helper()
	got := map[string]runlog.Result{}
	for _, r := range run.Results {
		got[r.ConnectionName] = r
	}
	absent := got["wonka-oidc"]
	if absent.Status != runlog.StatusFailed || absent.ConnectionID != "" || absent.Action != plan.ActionNone ||
		!strings.Contains(absent.Error, `no connection named "wonka-oidc"`) || absent.From == nil || absent.Attempts != 0 {
		t.Errorf("absent connection's result = %+v", absent)
	}
	if got["Globex SAML"].Action != plan.ActionCreate || got["acme-okta"].Action != plan.ActionUpdate || got["initech-azure"].Status != runlog.StatusUnchanged {
		t.Errorf("results = %+v", run.Results)
	}
	if run.Summary == nil || run.Summary.Counts != (runlog.Counts{Applied: 2, Unchanged: 1, Failed: 1}) {
		t.Errorf("summary = %+v", run.Summary)
	}
}

func TestMigrate_manifestByIDOnAnotherTenantFailsEachConnectionAndGoesOn(t *testing.T) {
	t.Parallel()
	src, dst := sourceTenant(t), targetTenant(t)
	manifest := src.path("by-id.json")
	src.expect(src.run("export", "--out", manifest), 0)
	m := dst.file("mixed.json", `{"connections": [
  {"connection_id": "con_SrcOkta1", "mode": "merge", "mapping": [{"scim": "title", "auth0": "app_metadata.title"}]},
  {"connection_id": "con_TgtExtra9", "mode": "merge", "mapping": [{"scim": "title", "auth0": "app_metadata.title"}]}
]}`)
	rep := dst.path("r.jsonl")
	r := dst.expect(dst.run("apply", "--yes", "--report", rep, "-f", m), ExitPartial)
	if !strings.Contains(r.stdout, "1 applied, 0 unchanged, 1 failed") {
		t.Fatalf("output:\n%s", r)
	}
	run := dst.readReport(rep)
	if s := statuses(run); s[runlog.StatusFailed] != 1 || s[runlog.StatusApplied] != 1 {
		t.Fatalf("statuses %v", s)
	}
	for _, res := range run.Results {
		if res.Status == runlog.StatusFailed && (res.ConnectionID != "con_SrcOkta1" || !strings.Contains(res.Error, "does not exist")) {
			t.Errorf("failed result = %+v", res)
		}
	}
	r = dst.expect(dst.run("apply", "--yes", "--report", dst.path("all.jsonl"), "-f", manifest), ExitPartial)
	if !strings.Contains(r.stdout, "0 applied, 0 unchanged, 4 failed") {
		t.Fatalf("a by-id manifest of another tenant:\n%s", r)
	}
	if writes := dst.tenant.Stats().Writes; len(writes) != 1 {
		t.Fatalf("writes %v, want only the first run's one", writes)
	}
}

func TestMigrate_savedPlanKeepsTheUnresolvedEntries(t *testing.T) {
	t.Parallel()
	src, dst := sourceTenant(t), targetTenant(t)
	manifest := src.path("source.json")
	src.expect(src.run("export", "--key", "name", "--out", manifest), 0)
	saved := dst.path("plan.json")
	r := dst.expect(dst.run("plan", "--out", saved, "--detailed-exitcode", "-f", manifest), ExitChanges)
	if !strings.Contains(r.stdout, "Warning: ") {
		t.Fatalf("plan:\n%s", r)
	}
	r = dst.expect(dst.run("apply", "--yes", "--report", dst.path("r.jsonl"), "--plan", saved), ExitPartial)
	if !strings.Contains(r.stdout, "1 applied, 1 unchanged, 1 failed") {
		t.Fatalf("apply --plan:\n%s", r)
	}
}
