// Package manifesttest owns the large generated manifests that benchmarks
// and tests of several packages read.
package manifesttest

import (
	"bytes"
	"fmt"
)

// GenerateCSVManifest returns a valid CSV manifest of conns connections with
// pairsPerConn mapping pairs each: one row per pair, as export writes it.
func GenerateCSVManifest(conns, pairsPerConn int) []byte {
	var b bytes.Buffer
	b.Grow(conns * pairsPerConn * 80)
	b.WriteString("connection_id,user_id_attribute,scim,auth0\n")
	for c := range conns {
		for p := range pairsPerConn {
			fmt.Fprintf(&b, "%s,externalId,%s,%s\n", ID(c), SCIM(p), Auth0(p))
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
		fmt.Fprintf(&b, "\n    {\n      \"connection_id\": %q,\n      \"user_id_attribute\": \"externalId\",\n      \"mapping\": [", ID(c))
		for p := range pairsPerConn {
			if p > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "\n        {\"scim\": %q, \"auth0\": %q}", SCIM(p), Auth0(p))
		}
		b.WriteString("\n      ]\n    }")
	}
	b.WriteString("\n  ]\n}\n")
	return b.Bytes()
}

// ID is the id of generated connection c.
func ID(c int) string { return fmt.Sprintf("con_%016x", c*7919+1) }

// SCIM is the scim attribute of generated pair p.
func SCIM(p int) string {
	return fmt.Sprintf("urn:ietf:params:scim:schemas:extension:acme:2.0:User:attribute%d", p)
}

// Auth0 is the auth0 attribute of generated pair p.
func Auth0(p int) string { return fmt.Sprintf("app_metadata.attribute%d", p) }
