package plan

import (
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scim/scimtest"
)

func TestRecheck(t *testing.T) {
	old, cur, other := scimtest.Config("u", "a", "1"), scimtest.Config("u", "a", "2"), scimtest.Config("u", "b", "3")
	p := &Plan{Origin: OriginManifest, Changes: []Change{
		{Identity: scim.Identity{ID: "con_same"}, Action: ActionUpdate, Before: old, After: cur},
		{Identity: scim.Identity{ID: "con_drift"}, Action: ActionUpdate, Before: old, After: cur},
		{Identity: scim.Identity{ID: "con_done"}, Action: ActionUpdate, Before: old, After: cur},
		{Identity: scim.Identity{ID: "con_gone"}, Action: ActionUpdate, Before: old, After: cur},
		{Identity: scim.Identity{ID: "con_missing"}, Action: ActionMissing},
	}}
	live := NewLive("t")
	for id, cfg := range map[string]*scim.Config{"con_same": old, "con_drift": other, "con_done": cur, "con_missing": nil} {
		live.Put(scimtest.Conn(id, "live-"+id, "okta", cfg))
	}
	got := Recheck(p, live, false)
	want := map[string]string{"con_drift": ConflictDrifted, "con_gone": ConflictGone}
	for _, c := range got.Changes {
		if c.Conflict != want[c.ID] {
			t.Errorf("%s: conflict %q, want %q", c.ID, c.Conflict, want[c.ID])
		}
		if c.ID != "con_gone" && c.Name != "live-"+c.ID {
			t.Errorf("%s: the live name is not used: %q", c.ID, c.Name)
		}
	}
	if got.Summary != (Summary{Update: 1, Unchanged: 1, Missing: 1, Conflict: 2}) || p.Changes[1].Conflict != "" {
		t.Errorf("summary %+v (and the input plan must stay as it was)", got.Summary)
	}
	forced := Recheck(p, live, true)
	drift, done := forced.Changes[1], forced.Changes[2]
	if drift.Conflict != "" || !drift.Before.Equal(other) || drift.Action != ActionUpdate {
		t.Errorf("--force records the live state it overwrites: %+v", drift)
	}
	if done.Action != ActionNone || forced.Summary != (Summary{Update: 2, Unchanged: 1, Missing: 1, Conflict: 1}) {
		t.Errorf("already in its after state: %+v, summary %+v", done, forced.Summary)
	}
}

func TestWriteAction(t *testing.T) {
	a, b := scimtest.Config("u", "a", "1"), scimtest.Config("u", "a", "2")
	for _, tc := range []struct {
		cur, target *scim.Config
		want        Action
	}{{nil, a, ActionCreate}, {a, nil, ActionDelete}, {a, b, ActionUpdate}, {a, a.Clone(), ActionNone}, {nil, nil, ActionNone}} {
		if got := WriteAction(tc.cur, tc.target); got != tc.want {
			t.Errorf("WriteAction(%v, %v) = %s, want %s", tc.cur, tc.target, got, tc.want)
		}
	}
}
