package plan

import (
	"bytes"
	"fmt"
	"testing"
)

// GenerateCSVManifest returns a valid CSV manifest of conns connections with
// pairsPerConn mapping pairs each: one row per pair, as export writes it.
func GenerateCSVManifest(conns, pairsPerConn int) []byte {
	var b bytes.Buffer
	b.Grow(conns * pairsPerConn * 80)
	b.WriteString("connection_id,user_id_attribute,scim,auth0\n")
	for c := range conns {
		for p := range pairsPerConn {
			fmt.Fprintf(&b, "%s,externalId,%s,%s\n", generatedID(c), generatedSCIM(p), generatedAuth0(p))
		}
	}
	return b.Bytes()
}

// GenerateJSONManifest returns the JSON form of GenerateCSVManifest's
// manifest, one mapping pair per line.
func GenerateJSONManifest(conns, pairsPerConn int) []byte {
	var b bytes.Buffer
	b.Grow(conns * pairsPerConn * 90)
	b.WriteString("{\n  \"connections\": [")
	for c := range conns {
		if c > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "\n    {\n      \"connection_id\": %q,\n      \"user_id_attribute\": \"externalId\",\n      \"mapping\": [", generatedID(c))
		for p := range pairsPerConn {
			if p > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "\n        {\"scim\": %q, \"auth0\": %q}", generatedSCIM(p), generatedAuth0(p))
		}
		b.WriteString("\n      ]\n    }")
	}
	b.WriteString("\n  ]\n}\n")
	return b.Bytes()
}

func generatedID(c int) string { return fmt.Sprintf("con_%016x", c*7919+1) }
func generatedSCIM(p int) string {
	return fmt.Sprintf("urn:ietf:params:scim:schemas:extension:acme:2.0:User:attribute%d", p)
}
func generatedAuth0(p int) string { return fmt.Sprintf("app_metadata.attribute%d", p) }

func BenchmarkParseCSVManifest100k(b *testing.B) {
	benchmarkParse(b, "bench.csv", GenerateCSVManifest(10_000, 10))
}

func BenchmarkParseJSONManifest100k(b *testing.B) {
	benchmarkParse(b, "bench.json", GenerateJSONManifest(10_000, 10))
}

func benchmarkParse(b *testing.B, name string, data []byte) {
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		m, err := ParseManifest(name, data)
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
		"gen.csv":  GenerateCSVManifest(3, 4),
		"gen.json": GenerateJSONManifest(3, 4),
	} {
		m, err := ParseManifest(name, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(m.Entries) != 3 || len(m.Entries[2].Mapping) != 4 {
			t.Errorf("%s: got %d entries", name, len(m.Entries))
		}
	}
}
