package runlog

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/plan"
)

// A manifest entry naming a connection the tenant lacks is a failed result
// without an id; its report must still read back, or it could not be rolled
// back. Any other result without a valid id is still refused.
func TestReadRun_failedResultWithoutAnID(t *testing.T) {
	write := func(r Result) string {
		t.Helper()
		path := filepath.Join(t.TempDir(), "r.jsonl")
		w, err := Create(path, Header{Tenant: "acme.eu.auth0.com", Command: "apply", StartedAt: time.Unix(0, 0)})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Result(r); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return path
	}
	unresolved := Result{ConnectionName: "gone", Status: StatusFailed, Action: plan.ActionNone, Error: `no connection named "gone"`}
	run, err := ReadRunFile(write(unresolved))
	if err != nil || len(run.Results) != 1 || run.Results[0].ConnectionName != "gone" {
		t.Fatalf("run %+v, err %v", run, err)
	}
	for _, bad := range []Result{
		{Status: StatusApplied, Action: plan.ActionUpdate},
		{Status: StatusFailed, Action: plan.ActionUpdate},
		{ConnectionID: "con_../x", Status: StatusFailed, Action: plan.ActionNone},
	} {
		if _, err := ReadRunFile(write(bad)); err == nil || !strings.Contains(err.Error(), "invalid connection id") {
			t.Errorf("%+v: err %v, want an invalid id refused", bad, err)
		}
	}
}
