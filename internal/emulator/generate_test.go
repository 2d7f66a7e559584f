package emulator

import (
	"reflect"
	"testing"
)

func TestGenerate(t *testing.T) {
	a, b := Generate(2000, 5), Generate(2000, 5)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("Generate is not deterministic for a seed")
	}
	if reflect.DeepEqual(a[:50], Generate(50, 6)) {
		t.Error("different seeds gave the same tenant")
	}
	ids, names := map[string]bool{}, map[string]bool{}
	nonSCIM, withConfig, scimWithout, distinctMappings := 0, 0, 0, map[string]bool{}
	for _, c := range a {
		if !connIDPattern.MatchString(c.ID) || len(c.ID) != 20 || ids[c.ID] || names[c.Name] || !connNamePattern.MatchString(c.Name) {
			t.Fatalf("bad or duplicate connection %+v", c)
		}
		ids[c.ID], names[c.Name] = true, true
		switch {
		case !scimStrategies[c.Strategy]:
			nonSCIM++
			if c.SCIM != nil {
				t.Fatalf("SCIM config on %s", c.Strategy)
			}
		case c.SCIM != nil:
			withConfig++
			distinctMappings[string(encodeJSON(c.SCIM))] = true
		default:
			scimWithout++
		}
	}
	if nonSCIM < 40 || nonSCIM > 180 || scimWithout < 100 || withConfig < 1400 || len(distinctMappings) < 200 {
		t.Errorf("distribution: %d non-SCIM, %d without config, %d with (%d distinct)", nonSCIM, scimWithout, withConfig, len(distinctMappings))
	}
}

// TestLargeTenant loads 10,000 connections in one seed plus 300 one by one, and
// pages through all of them (the sorted index is rebuilt once, not per insert).
func TestLargeTenant(t *testing.T) {
	f := newFixture(t, Options{}, Generate(10000, 1)...)
	for _, c := range Generate(300, 2) {
		if _, err := f.tenant.AddConnection(Connection{Name: "extra-" + c.Name, Strategy: c.Strategy}); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(walkConnections(t, f, "take=100&fields=id")); got != 10300 {
		t.Errorf("walked %d connections", got)
	}
}
