package app

import (
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
)

// The answers a scheduled job (a drift check in cron, a retried CI apply)
// relies on.

// typoManifest names acme-okta with one letter too many: a deleted or
// renamed connection, as the drift check sees it.
const typoManifest = `{"connections": [
  {"connection_name": "acme-oktaa", "mode": "merge", "mapping": [{"scim": "title", "auth0": "app_metadata.title"}]}
]}`

func TestCron_driftCheckFailsOnAConnectionTheTenantLacks(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	m := h.file("typo.json", typoManifest)
	r := h.expect(h.run("plan", "--detailed-exitcode", "-f", m), ExitChanges)
	if strings.Contains(r.stdout, "The tenant matches the manifest") {
		t.Errorf("a plan with an entry the tenant lacks says it matches:\n%s", r)
	}
	if !strings.Contains(r.stdout, "Plan: 0 to create, 0 to update, 0 unchanged, 0 missing, 1 not found.") {
		t.Errorf("the summary does not count the entry:\n%s", r)
	}
	if !strings.Contains(r.stdout, `did you mean "acme-okta"?`) {
		t.Errorf("the nearest connection is not named:\n%s", r)
	}
	if n := strings.Count(r.stdout+r.stderr, `"acme-oktaa"`); n != 1 {
		t.Errorf("the warning is said %d times, want once:\n%s", n, r)
	}
	h.expect(h.run("plan", "-f", m), ExitOK)

	r = h.expect(h.run("plan", "--detailed-exitcode", "--format", "json", "-f", m), ExitChanges)
	if !strings.Contains(r.stdout, `"not_found": 1`) || strings.Count(r.stderr, `acme-oktaa`) != 1 {
		t.Errorf("plan --format json:\n%s", r)
	}
}

func TestCron_tokenAuditFlagsAConnectionTheTenantLacks(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	r := h.expect(h.run("tokens", "audit", "--detailed-exitcode", "--connection", "acme-oktaa"), ExitChanges)
	if !strings.Contains(r.stdout, `did you mean "acme-okta"?`) || !strings.Contains(r.stdout, "1 not found") {
		t.Errorf("tokens audit:\n%s", r)
	}
	h.expect(h.run("tokens", "audit", "--connection", "nosuch"), ExitOK)
	r = h.expect(h.run("tokens", "audit", "--detailed-exitcode", "--format", "json", "-f", h.file("typo.json", typoManifest)), ExitChanges)
	if !strings.Contains(r.stdout, `"not_found": true`) || strings.Count(r.stderr, "acme-oktaa") != 0 {
		t.Errorf("tokens audit -f:\n%s", r)
	}
}

func TestCron_reapplyingAnAppliedSavedPlanIsUnchanged(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	saved := h.path("plan.json")
	h.expect(h.run("plan", "--out", saved, "-f", "../../examples/manifest.json"), ExitOK)
	r := h.expect(h.run("apply", "--plan", saved), ExitOK)
	if !strings.Contains(r.stdout, " 0 unchanged, 0 failed, 0 conflict") {
		t.Fatalf("first apply:\n%s", r)
	}
	// A CI retry: the same saved plan again.
	r = h.expect(h.run("apply", "--plan", saved, "--format", "json"), ExitOK)
	if !strings.Contains(r.stdout, `"applied": 0`) || !strings.Contains(r.stdout, `"conflict": 0`) ||
		strings.Contains(r.stdout, `"unchanged": 0`) {
		t.Fatalf("the retry:\n%s", r)
	}
	if len(h.tenant.Stats().Writes) == 0 {
		t.Fatal("the first apply wrote nothing: the test proves nothing")
	}
}
