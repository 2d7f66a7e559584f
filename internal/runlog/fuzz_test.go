package runlog

import (
	"bytes"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// FuzzReadRun feeds arbitrary bytes to the report reader, which rollback
// trusts: whatever it accepts has a header with a tenant, and only ids that
// are safe in a request path.
func FuzzReadRun(f *testing.F) {
	header := `{"type":"run","version":1,"tenant":"t","command":"apply","started_at":"2026-01-01T00:00:00Z","tool_version":"x"}` + "\n"
	intent := `{"type":"intent","connection_id":"con_a1","action":"update","before":{"user_id_attribute":"u","mapping":[{"scim":"a","auth0":"b"}]},"after":null,"at":"2026-01-01T00:00:00Z"}` + "\n"
	result := `{"type":"result","connection_id":"con_a1","connection_name":"a","status":"applied","action":"update","before":null,"after":null,"attempts":1,"duration_ms":3,"at":"2026-01-01T00:00:00Z"}` + "\n"
	summary := `{"type":"summary","counts":{"applied":1,"unchanged":0,"failed":0,"conflict":0,"skipped":0},"finished_at":"2026-01-01T00:00:00Z","requests":2}` + "\n"
	f.Add([]byte(header + intent + result + summary))
	f.Add([]byte(header + intent[:40]))
	f.Add([]byte(header + strings.Replace(intent, "con_a1", "con_a1/..", 1)))
	f.Add([]byte("\xef\xbb\xbf" + header))
	f.Add([]byte(header + "\n\n" + summary))
	f.Fuzz(func(t *testing.T, data []byte) {
		run, err := ReadRun(bytes.NewReader(data))
		if err != nil {
			return
		}
		if run.Header.Type != TypeRun || run.Header.Tenant == "" || run.Header.Version < oldestRunFormatVersion || run.Header.Version > RunFormatVersion {
			t.Fatalf("accepted a report without a valid header: %+v", run.Header)
		}
		for _, in := range run.Intents {
			if !scim.ValidConnectionID(in.ConnectionID) {
				t.Fatalf("accepted intent id %q", in.ConnectionID)
			}
		}
		for _, r := range run.Results {
			unresolved := r.ConnectionID == "" && r.Status == StatusFailed && r.Action == plan.ActionNone
			if (!unresolved && !scim.ValidConnectionID(r.ConnectionID)) || r.Status == "" {
				t.Fatalf("accepted result %+v", r)
			}
		}
	})
}
