package plan

import (
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/manifest/manifesttest"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// BenchmarkPlanCSV100k parses, validates and diffs a 100,000-row CSV
// manifest (10,000 connections of 10 pairs) against a live state of the
// same 10,000 connections, a third of them already in line, a third with
// one entry changed, a third with a shorter mapping. The goal on a 2-core
// machine: under 2 s and under 200 MB.
//
//	go test -run '^$' -bench PlanCSV100k -benchmem ./internal/plan/
func BenchmarkPlanCSV100k(b *testing.B) {
	const conns, pairs = 10000, 10
	data := manifesttest.GenerateCSVManifest(conns, pairs)
	live := benchLive(conns, pairs)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		m, err := manifest.Parse("bench.csv", data)
		if err != nil {
			b.Fatal(err)
		}
		p, err := Build(m, live, BuildOptions{Tenant: live.Tenant, Now: time.Unix(0, 0)})
		if err != nil {
			b.Fatal(err)
		}
		if p.Summary.Update == 0 || p.Summary.Unchanged == 0 {
			b.Fatalf("summary %+v", p.Summary)
		}
	}
}

// benchLive is the live state the generated manifest is diffed against.
func benchLive(conns, pairs int) *Live {
	live := NewLive("bench.eu.auth0.com")
	for c := range conns {
		cfg := &scim.Config{UserIDAttribute: "externalId"}
		for p := range pairs {
			cfg.Mapping = append(cfg.Mapping, scim.Pair{SCIM: manifesttest.SCIM(p), Auth0: manifesttest.Auth0(p)})
		}
		switch c % 3 {
		case 1:
			cfg.Mapping[0].Auth0 = "app_metadata.old"
		case 2:
			cfg.Mapping = cfg.Mapping[:pairs/2]
		}
		live.Put(&scim.LiveConnection{Connection: scim.Connection{ID: manifesttest.ID(c), Name: manifesttest.ID(c), Strategy: "okta"}, Config: cfg})
	}
	return live
}
