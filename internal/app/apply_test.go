package app

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// readReport reads a run report and checks the contract's invariants: a
// header, one result per connection, and every intent written before its
// connection's result.
func (h *harness) readReport(path string) *runlog.Run {
	h.t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		h.t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		h.t.Fatalf("report mode %v, want 0600", fi.Mode().Perm())
	}
	run, err := runlog.ReadRunFile(path)
	if err != nil {
		h.t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range run.Results {
		if seen[r.ConnectionID] {
			h.t.Fatalf("two results for %s", r.ConnectionID)
		}
		seen[r.ConnectionID] = true
	}
	h.intentsBeforeResults(path)
	return run
}

// intentsBeforeResults fails if a connection's result line comes before its
// intent line.
func (h *harness) intentsBeforeResults(path string) {
	h.t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		h.t.Fatal(err)
	}
	resulted := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		var l struct {
			Type         string `json:"type"`
			ConnectionID string `json:"connection_id"`
		}
		if json.Unmarshal([]byte(line), &l) != nil {
			continue
		}
		switch l.Type {
		case "result":
			resulted[l.ConnectionID] = true
		case "intent":
			if resulted[l.ConnectionID] {
				h.t.Fatalf("the result of %s comes before its intent", l.ConnectionID)
			}
		}
	}
}

// statuses counts a report's results by status.
func statuses(run *runlog.Run) map[runlog.Status]int {
	out := map[runlog.Status]int{}
	for _, r := range run.Results {
		out[r.Status]++
	}
	return out
}

// sameState fails unless the tenant's configurations equal want.
func (h *harness) sameState(want map[string]*emulator.SCIMConfig, what string) {
	h.t.Helper()
	got := h.tenant.Snapshot()
	if reflect.DeepEqual(got, want) {
		return
	}
	for id := range want {
		if !reflect.DeepEqual(got[id], want[id]) {
			h.t.Errorf("%s: %s is %+v, want %+v", what, id, got[id], want[id])
		}
	}
	h.t.FailNow()
}

// rollbackRestores rolls back the run of report rep and fails unless the
// tenant is back in the original state.
func (h *harness) rollbackRestores(rep string, original map[string]*emulator.SCIMConfig, what string) {
	h.t.Helper()
	h.expect(h.run("rollback", "--report", h.path("b.jsonl"), "--from", rep), 0)
	h.sameState(original, what)
}

func TestApply_planAgainShowsNothingAndRollbackRestores(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	original := h.tenant.Snapshot()
	rep := h.path("apply.jsonl")
	r := h.expect(h.run("apply", "--report", rep, "-f", "../../examples/manifest.json"), 0)
	if !strings.Contains(r.stdout, "apply finished: 3 applied") || !strings.Contains(r.stderr, "Report: "+rep) {
		t.Fatalf("output:\n%s", r)
	}
	run := h.readReport(rep)
	if got := statuses(run); got[runlog.StatusApplied] != 3 || got[runlog.StatusSkipped] != 1 || len(run.Intents) != 3 || run.Summary == nil {
		t.Fatalf("statuses %v, %d intents", got, len(run.Intents))
	}
	if run.Header.Command != "apply" || run.Header.Manifest == nil || run.Header.Manifest.SHA256 == "" {
		t.Fatalf("header %+v", run.Header)
	}
	h.expect(h.run("plan", "--detailed-exitcode", "-f", "../../examples/manifest.json"), 0)

	back := h.path("rollback.jsonl")
	r = h.expect(h.run("rollback", "--report", back, "--from", rep), 0)
	if !strings.Contains(r.stdout, "rollback finished: 3 applied") {
		t.Fatal(r)
	}
	h.sameState(original, "after rollback")
	if _, ok := h.tenant.SCIMConfig("con_Tyr3llOkta9J0k1L"); ok {
		t.Fatal("the configuration the apply created was not deleted")
	}
	// A rollback is a run like any other: rolling it back re-applies.
	h.expect(h.run("rollback", "--report", h.path("again.jsonl"), "--from", back), 0)
	h.expect(h.run("plan", "--detailed-exitcode", "-f", "../../examples/manifest.json"), 0)
}

func TestApply_dryRunWritesNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	r := h.expect(h.run("apply", "--dry-run", "-f", "../../examples/manifest.json"), 0)
	if !strings.Contains(r.stdout, "Plan: 1 to create, 2 to update") {
		t.Fatal(r)
	}
	if st := h.tenant.Stats(); len(st.Writes) != 0 {
		t.Fatalf("writes: %v", st.Writes)
	}
	r = h.expect(h.run("rollback", "--dry-run", "--from", h.applyOnce()), 0)
	if !strings.Contains(r.stdout, "to delete") {
		t.Fatalf("rollback dry run:\n%s", r)
	}
}

// applyOnce applies the demo manifest and returns the report's path.
func (h *harness) applyOnce() string {
	h.t.Helper()
	rep := h.path(fmt.Sprintf("apply-%d.jsonl", len(h.tenant.Requests())))
	h.expect(h.run("apply", "--report", rep, "-f", "../../examples/manifest.json"), 0)
	return rep
}

func TestApply_createMissingThenRollbackDeletes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	m := h.file("m.json", `{"connections": [{"connection_name": "cyberdyne-saml", "user_id_attribute": "userName", "mapping": [{"scim": "userName", "auth0": "email"}]}]}`)
	rep := h.path("r.jsonl")
	h.expect(h.run("apply", "--create-missing", "--report", rep, "-f", m), 0)
	cfg, ok := h.tenant.SCIMConfig("con_Cyb3rdyneSaml2Lm")
	if !ok || cfg.UserIDAttribute != "userName" || len(cfg.Mapping) != 1 {
		t.Fatalf("created %+v %v", cfg, ok)
	}
	h.expect(h.run("rollback", "--report", h.path("b.jsonl"), "--from", rep), 0)
	if _, ok := h.tenant.SCIMConfig("con_Cyb3rdyneSaml2Lm"); ok {
		t.Fatal("rollback did not delete the created configuration")
	}
}

func TestApply_savedPlanWithDrift(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	planFile := h.path("plan.json")
	h.expect(h.run("plan", "--out", planFile, "-f", "../../examples/manifest.json"), 0)
	drifted := &emulator.SCIMConfig{UserIDAttribute: "userName", Mapping: []emulator.Mapping{{SCIM: "userName", Auth0: "nickname"}}}
	h.tenant.SetSCIMConfig("con_GLbx5SamL7q8R9s0", drifted)

	rep := h.path("r.jsonl")
	h.expect(h.run("apply", "--report", rep, "--plan", planFile), 3)
	run := h.readReport(rep)
	for _, r := range run.Results {
		want := runlog.StatusApplied
		switch r.ConnectionID {
		case "con_GLbx5SamL7q8R9s0":
			want = runlog.StatusConflict
		case "con_Cyb3rdyneSaml2Lm":
			want = runlog.StatusSkipped
		}
		if r.Status != want {
			t.Errorf("%s: %s, want %s", r.ConnectionID, r.Status, want)
		}
	}
	if got, _ := h.tenant.SCIMConfig("con_GLbx5SamL7q8R9s0"); !reflect.DeepEqual(got, drifted) {
		t.Fatal("the drifted connection was written")
	}
	h.expect(h.run("apply", "--force", "--report", h.path("f.jsonl"), "--plan", planFile), 0)
	if got, _ := h.tenant.SCIMConfig("con_GLbx5SamL7q8R9s0"); reflect.DeepEqual(got, drifted) {
		t.Fatal("--force did not write the drifted connection")
	}
	forced := h.readReport(h.path("f.jsonl"))
	for _, in := range forced.Intents {
		if in.ConnectionID == "con_GLbx5SamL7q8R9s0" && in.Before.UserIDAttribute != "userName" {
			t.Fatalf("the intent must record the live state it overwrote, got %+v", in.Before)
		}
	}
}

func TestApply_refusesAPlanOrReportOfAnotherTenant(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	planFile := h.path("plan.json")
	h.expect(h.run("plan", "--out", planFile, "-f", "../../examples/manifest.json"), 0)
	rep := h.applyOnce()
	other := newHarness(t, emulator.Options{})
	r := other.expect(other.run("apply", "--plan", planFile), 1)
	if !strings.Contains(r.stderr, "is for tenant") {
		t.Fatal(r)
	}
	r = other.expect(other.run("rollback", "--from", rep), 1)
	if !strings.Contains(r.stderr, "is from tenant") {
		t.Fatal(r)
	}
	if st := other.tenant.Stats(); len(st.Writes) != 0 {
		t.Fatalf("writes on the other tenant: %v", st.Writes)
	}
}

func TestApply_missingScopeStopsTheRun(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	h.env["AUTH0_CLIENT_ID"], h.env["AUTH0_CLIENT_SECRET"] = "readonly-client", "readonly-secret"
	r := h.expect(h.run("apply", "--report", h.path("r.jsonl"), "-f", "../../examples/manifest.json"), 1)
	if !strings.Contains(r.stderr, "update:scim_config") && !strings.Contains(r.stderr, "create:scim_config") {
		t.Fatalf("the message does not name the missing scope:\n%s", r)
	}
	if st := h.tenant.Stats(); len(st.Writes) != 0 {
		t.Fatalf("writes: %v", st.Writes)
	}
	run := h.readReport(h.path("r.jsonl"))
	if len(run.Results) != 4 {
		t.Fatalf("%d results, want one per connection", len(run.Results))
	}
}

func TestApply_expiredStaticTokenIsFatal(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	h.env["AUTH0_API_TOKEN"] = testToken
	h.tenant.ExpireTokens()
	r := h.expect(h.run("plan", "-f", "../../examples/manifest.json"), 1)
	if !strings.Contains(r.stderr, "Expired token") || !strings.Contains(r.stderr, "get a new one") {
		t.Fatal(r)
	}
}

func TestApply_wrongSecretIsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	h.env["AUTH0_CLIENT_SECRET"] = "wrong-" + testClientSecret
	r := h.expect(h.run("plan", "-f", "../../examples/manifest.json"), 1)
	if !strings.Contains(r.stderr, "refused the client credentials") {
		t.Fatal(r)
	}
}
