package manifest

import (
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/manifest/manifesttest"
)

func BenchmarkParseCSVManifest100k(b *testing.B) {
	benchmarkParse(b, "bench.csv", manifesttest.GenerateCSVManifest(10_000, 10))
}

func BenchmarkParseJSONManifest100k(b *testing.B) {
	benchmarkParse(b, "bench.json", manifesttest.GenerateJSONManifest(10_000, 10))
}

func benchmarkParse(b *testing.B, name string, data []byte) {
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		m, err := Parse(name, data)
		if err != nil {
			b.Fatal(err)
		}
		if len(m.Entries) != 10_000 {
			b.Fatalf("got %d entries, want 10000", len(m.Entries))
		}
	}
}

func TestGeneratedManifestsAreValid(t *testing.T) {
	for name, data := range map[string][]byte{
		"gen.csv":  manifesttest.GenerateCSVManifest(3, 4),
		"gen.json": manifesttest.GenerateJSONManifest(3, 4),
	} {
		m, err := Parse(name, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(m.Entries) != 3 || len(m.Entries[2].Mapping) != 4 {
			t.Errorf("%s: got %d entries", name, len(m.Entries))
		}
	}
}
