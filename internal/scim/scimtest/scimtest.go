// Package scimtest owns the shorthands tests of every package use to write
// SCIM configurations and connections in one line.
package scimtest

import "github.com/scim-migrate/scim-migrate/internal/scim"

// Pairs builds a mapping from alternating scim and auth0 attribute names.
func Pairs(kv ...string) []scim.Pair {
	out := make([]scim.Pair, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, scim.Pair{SCIM: kv[i], Auth0: kv[i+1]})
	}
	return out
}

// Config builds a configuration from its user_id_attribute and mapping pairs.
func Config(uid string, kv ...string) *scim.Config {
	return &scim.Config{UserIDAttribute: uid, Mapping: Pairs(kv...)}
}

// Conn builds a live connection.
func Conn(id, name, strategy string, cfg *scim.Config) *scim.LiveConnection {
	return &scim.LiveConnection{Connection: scim.Connection{ID: id, Name: name, Strategy: strategy}, Config: cfg}
}
