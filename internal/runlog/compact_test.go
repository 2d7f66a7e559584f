package runlog

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// A nightly report of a tenant that mostly matches its manifest is mostly
// unchanged results: they carry a digest, not two copies of the state; a
// result with a write keeps its states, and the report still reads.
func TestWriter_unchangedResultsAreCompact(t *testing.T) {
	cfg := &scim.Config{UserIDAttribute: "externalId"}
	for i := range 20 {
		cfg.Mapping = append(cfg.Mapping, scim.Pair{SCIM: fmt.Sprintf("urn:ietf:params:scim:schemas:extension:attr%d", i), Auth0: fmt.Sprintf("app_metadata.attribute_%d", i)})
	}
	path := filepath.Join(t.TempDir(), "r.jsonl")
	w, err := Create(path, Header{Tenant: "t", Command: "apply"})
	if err != nil {
		t.Fatal(err)
	}
	unchanged := Result{ConnectionID: "con_a", Status: StatusUnchanged, Action: plan.ActionNone, Before: cfg, After: cfg}
	applied := Result{ConnectionID: "con_b", Status: StatusApplied, Action: plan.ActionUpdate, Before: cfg, After: cfg}
	for _, r := range []Result{unchanged, applied} {
		if err := w.Result(r); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	run, err := ReadRunFile(path)
	if err != nil {
		t.Fatal(err)
	}
	u, a := run.Results[0], run.Results[1]
	if u.Before != nil || u.After != nil || u.StateSHA256 != ConfigSHA256(cfg) || len(u.StateSHA256) != 64 {
		t.Errorf("unchanged result: %+v", u)
	}
	if !a.Before.Equal(cfg) || !a.After.Equal(cfg) || a.StateSHA256 != "" {
		t.Errorf("applied result lost its states: %+v", a)
	}
	fi, _ := os.Stat(path)
	full, _ := jsonSize(applied)
	short, _ := jsonSize(compact(unchanged))
	t.Logf("report %d bytes; a result with states %d bytes, a compact unchanged one %d", fi.Size(), full, short)
	if short*4 > full {
		t.Errorf("compact unchanged result %d bytes, full %d: want it 4 times smaller at least", short, full)
	}
	reordered := cfg.Clone()
	reordered.Mapping[0], reordered.Mapping[1] = reordered.Mapping[1], reordered.Mapping[0]
	if ConfigSHA256(reordered) != ConfigSHA256(cfg) {
		t.Error("the digest depends on the mapping's order")
	}
}

func jsonSize(v any) (int, error) {
	b, err := json.Marshal(v)
	return len(b), err
}
