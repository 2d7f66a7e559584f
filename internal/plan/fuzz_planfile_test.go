package plan

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// FuzzDecodePlan feeds arbitrary bytes to the saved-plan reader. Whatever it
// accepts must hold together, since apply acts on it: valid ids, actions that
// fit their states, a summary that matches, and a stable re-encoding.
func FuzzDecodePlan(f *testing.F) {
	good, err := samplePlan().Encode()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"version":1}`))
	f.Add([]byte(`{"version":1,"tenant":"t","changes":[{"connection_id":"con_a","action":"create","mode":"replace","before":null,"after":{"user_id_attribute":"u","mapping":[]}}],"summary":{"create":1}}`))
	f.Add(bytes.Replace(good, []byte(`"con_a1"`), []byte(`"con_a1/../x"`), 1))
	f.Add([]byte(`{"version":1e999}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := DecodePlan(data)
		if err != nil {
			return
		}
		if p.Tenant == "" || Summarize(p.Changes) != p.Summary {
			t.Fatalf("accepted an inconsistent plan: %+v", p)
		}
		for _, c := range p.Changes {
			if !scim.ValidConnectionID(c.ID) {
				t.Fatalf("accepted id %q", c.ID)
			}
			if (c.Action == ActionCreate || c.Action == ActionUpdate) && (c.After == nil || c.After.UserIDAttribute == "") {
				t.Fatalf("accepted a write without a target: %+v", c)
			}
		}
		again, err := p.Encode()
		if err != nil {
			t.Fatal(err)
		}
		p2, err := DecodePlan(again)
		if err != nil {
			t.Fatalf("a re-encoded accepted plan is refused: %v", err)
		}
		a, _ := json.Marshal(p)
		b, _ := json.Marshal(p2)
		if !bytes.Equal(a, b) {
			t.Fatalf("re-encoding changed the plan:\n%s\n%s", a, b)
		}
	})
}
