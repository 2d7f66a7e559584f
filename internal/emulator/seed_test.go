package emulator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDemoSeed(t *testing.T) {
	s, err := LoadSeedFile(filepath.Join("..", "..", "testdata", "tenant.json"))
	if err != nil {
		t.Fatal(err)
	}
	tn := New(Options{})
	if err := tn.LoadSeed(s); err != nil {
		t.Fatal(err)
	}
	if tn.TenantName() != "demo" || len(tn.Connections()) < 10 {
		t.Errorf("tenant %q with %d connections", tn.TenantName(), len(tn.Connections()))
	}
}

func TestSeedValidation(t *testing.T) {
	ok := Connection{ID: "con_A", Name: "a", Strategy: "okta"}
	cases := []struct {
		name  string
		seed  Seed
		error string
	}{
		{"bad id", Seed{Connections: []Connection{{ID: "con-1", Name: "a", Strategy: "okta"}}}, "does not match"},
		{"duplicate id", Seed{Connections: []Connection{ok, {ID: "con_A", Name: "b", Strategy: "okta"}}}, "duplicate connection id"},
		{"duplicate name", Seed{Connections: []Connection{ok, {ID: "con_B", Name: "a", Strategy: "okta"}}}, "duplicate connection name"},
		{"no name", Seed{Connections: []Connection{{ID: "con_B", Strategy: "okta"}}}, "name is required"},
		{"unknown strategy", Seed{Connections: []Connection{{ID: "con_B", Name: "b", Strategy: "nope"}}}, "unknown strategy"},
		{"scim on db", Seed{Connections: []Connection{{ID: "con_B", Name: "b", Strategy: "auth0", SCIM: &SCIMConfig{}}}}, "does not support SCIM"},
		{"empty mapping item", Seed{Connections: []Connection{{ID: "con_B", Name: "b", Strategy: "okta", SCIM: &SCIMConfig{Mapping: []Mapping{{SCIM: "a"}}}}}}, "mapping[0]"},
		{"client without secret", Seed{Clients: []Client{{ID: "x"}}}, "client_secret"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tn := New(Options{})
			err := tn.LoadSeed(tc.seed)
			if err == nil || !strings.Contains(err.Error(), tc.error) {
				t.Fatalf("err = %v, want %q", err, tc.error)
			}
			if len(tn.Connections()) != 0 {
				t.Error("a failed seed added connections")
			}
		})
	}
}

func TestLoadSeedFileRefusesUnknownFields(t *testing.T) {
	path := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(path, []byte(`{"tenant_name":"x","conections":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSeedFile(path); err == nil || !strings.Contains(err.Error(), "conections") {
		t.Errorf("err = %v", err)
	}
	if _, err := LoadSeedFile(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("missing file accepted")
	}
}

func TestOutOfBandChanges(t *testing.T) {
	f := newFixture(t, Options{}, testConns...)
	f.tenant.SetSCIMConfig(samlConn.ID, &SCIMConfig{UserIDAttribute: "userName", Mapping: []Mapping{{SCIM: "a", Auth0: "b"}}})
	expect(t, f.api("GET", samlPath, ""), 200, "")
	cfg, _ := f.tenant.SCIMConfig(samlConn.ID)
	cfg.Mapping[0].SCIM = "mutated"
	if again, _ := f.tenant.SCIMConfig(samlConn.ID); again.Mapping[0].SCIM != "a" {
		t.Error("SCIMConfig does not return a copy")
	}
	f.tenant.SetSCIMConfig(oktaConn.ID, nil)
	expect(t, f.api("GET", oktaPath, ""), 404, notFoundJS)
	snap := f.tenant.Snapshot()
	if len(snap) != 4 || snap[oktaConn.ID] != nil || snap[dbConn.ID] != nil || snap[samlConn.ID] == nil {
		t.Errorf("snapshot %v", snap)
	}
	if f.tenant.Stats().Writes[samlConn.ID] != 0 || f.tenant.Stats().Total() != 2 {
		t.Error("out-of-band changes were counted as requests")
	}
	id, err := f.tenant.AddConnection(Connection{Name: "fresh", Strategy: "oidc"})
	if err != nil || !connIDPattern.MatchString(id) || len(id) != 20 {
		t.Errorf("AddConnection = %q, %v", id, err)
	}
}
