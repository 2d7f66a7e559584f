package app

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// TestTokensIssue_secretsEchoedByTheTenantAreRedacted: the tenant issues
// the token and answers a 500 or a 400 whose body echoes its secret and the
// access token. Neither secret reaches stdout, stderr or the report, and
// the token, whose secret only that answer held, is revoked like one whose
// answer was lost: none is left live.
func TestTokensIssue_secretsEchoedByTheTenantAreRedacted(t *testing.T) {
	t.Parallel()
	for _, status := range []int{500, 400} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			h := newHarness(t, emulator.Options{})
			h.tenant.SetTokenEchoFault(status)
			rep, out := h.path("issue.jsonl"), h.path("handoff.json")
			r := h.expect(h.run("tokens", "issue", "--yes", "--connection", umbrella, "--out", out, "--report", rep), ExitPartial)
			echoed := h.tenant.EchoedSecrets()
			if len(echoed) == 0 {
				t.Fatal("the fault echoed nothing")
			}
			for where, text := range map[string]string{"stdout": r.stdout, "stderr": r.stderr, "report": readText(t, rep)} {
				for _, s := range echoed {
					if strings.Contains(text, s) || strings.Contains(text, s[strings.IndexByte(s, '.')+1:]) {
						t.Errorf("an echoed secret (%.8s…) appears in %s:\n%s", s, where, text)
					}
				}
			}
			h.leakCheck("tokens issue with an echoing tenant", r)
			if left := h.tokenIDs(umbrella); len(left) != 0 {
				t.Errorf("the token whose secret was lost is still live: %v\n%s", left, r)
			}
			run := h.readReport(rep)
			if len(run.Results) != 1 || run.Results[0].Status != runlog.StatusFailed || !strings.Contains(run.Results[0].Error, "revoked") {
				t.Errorf("results %+v", run.Results)
			}
		})
	}
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
