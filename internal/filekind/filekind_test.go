package filekind

import (
	"strings"
	"testing"
)

func TestOfData_andMismatch(t *testing.T) {
	t.Parallel()
	if k := ofData([]byte("\xef\xbb\xbf{\"connections\": []}")); k != Manifest {
		t.Errorf("a JSON manifest with a byte order mark: %q", k)
	}
	if k := ofData([]byte("connection_id,scim,auth0\n")); k != Unknown {
		t.Errorf("a CSV file: %q", k)
	}
	if msg := Mismatch("p.json", "-f", Manifest, Unknown); msg != "" {
		t.Errorf("a file of no known kind keeps its reader's error: %q", msg)
	}
	if msg := Mismatch("m.json", "-f", Manifest, Manifest); msg != "" {
		t.Errorf("the expected kind: %q", msg)
	}
	msg := Mismatch("p.json", "-f", Manifest, Plan)
	if !strings.Contains(msg, "-f p.json is a plan saved by plan --out, not a manifest") || !strings.Contains(msg, "apply --plan p.json") {
		t.Errorf("a plan given as a manifest: %q", msg)
	}
	msg = Mismatch("r.jsonl", "--plan", Plan, Report)
	if !strings.Contains(msg, "is the report of a run, not a plan saved by plan --out") || !strings.Contains(msg, "rollback --from r.jsonl") {
		t.Errorf("a report given as a plan: %q", msg)
	}
}
