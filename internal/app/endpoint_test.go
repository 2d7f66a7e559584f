package app

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
)

// The SCIM endpoint URL stands next to each connection in the handoff file,
// the audit and the token plan.
func TestTokens_endpointURL(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	want := h.srv.URL + "/scim/v2/connections/" + umbrella

	r := h.expect(h.run("tokens", "issue", "--dry-run", "--connection", umbrella, "--out", h.path("dry.json")), ExitOK)
	if !strings.Contains(r.stdout, want) {
		t.Errorf("the token plan lacks the endpoint %s:\n%s", want, r)
	}

	out := h.path("handoff.json")
	h.expect(h.run("tokens", "issue", "--yes", "--connection", umbrella, "--out", out), ExitOK)
	readHandoff(t, out) // mode and shape
	var d struct {
		Tokens []struct {
			Endpoint string `json:"endpoint"`
		} `json:"tokens"`
	}
	b, _ := os.ReadFile(out)
	if err := json.Unmarshal(b, &d); err != nil || len(d.Tokens) != 1 || d.Tokens[0].Endpoint != want {
		t.Fatalf("handoff %v: tokens %+v, want endpoint %s", err, d.Tokens, want)
	}

	r = h.expect(h.run("tokens", "audit", "--connection", umbrella, "--format", "json"), ExitOK)
	var audit struct {
		Connections []struct {
			ConnectionID string `json:"connection_id"`
			Endpoint     string `json:"endpoint"`
		} `json:"connections"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &audit); err != nil || len(audit.Connections) != 1 || audit.Connections[0].Endpoint != want {
		t.Errorf("audit JSON: %v\n%s", err, r.stdout)
	}
	r = h.expect(h.run("tokens", "audit", "--connection", umbrella), ExitOK)
	if !strings.Contains(r.stdout, "SCIM endpoint "+want) {
		t.Errorf("audit text lacks the endpoint:\n%s", r.stdout)
	}
}
