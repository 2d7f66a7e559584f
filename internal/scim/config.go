package scim

import (
	"slices"
	"strings"
)

// SCIMStrategies lists the connection strategies that Auth0 supports SCIM for.
// Every other strategy answers 404 "This connection type does not support SCIM".
var SCIMStrategies = []string{"samlp", "oidc", "okta", "waad"}

// SupportsSCIM reports whether connections of the strategy can have a SCIM
// configuration.
func SupportsSCIM(strategy string) bool {
	return slices.Contains(SCIMStrategies, strategy)
}

// Pair maps one SCIM attribute to one Auth0 user attribute. The JSON names are
// those of the Management API and of the manifest.
type Pair struct {
	SCIM  string `json:"scim"`
	Auth0 string `json:"auth0"`
}

// Config is the writable part of a connection's SCIM configuration: exactly
// the body a PATCH carries. The API's read-only fields (timestamps, tenant)
// are deliberately absent so that two Configs compare by what a write changes.
type Config struct {
	UserIDAttribute string `json:"user_id_attribute"`
	Mapping         []Pair `json:"mapping"`
}

// Clone returns a deep copy, so that a snapshot kept for rollback can never be
// changed through a value handed to the SDK.
func (c *Config) Clone() *Config {
	if c == nil {
		return nil
	}
	return &Config{UserIDAttribute: c.UserIDAttribute, Mapping: slices.Clone(c.Mapping)}
}

// Equal reports whether two configurations are the same. The order of mapping
// entries does not matter: two mappings that differ only in order are equal,
// so no write is planned for a reorder. Two nil configs are equal.
func (c *Config) Equal(o *Config) bool {
	if c == nil || o == nil {
		return c == nil && o == nil
	}
	if c.UserIDAttribute != o.UserIDAttribute || len(c.Mapping) != len(o.Mapping) {
		return false
	}
	return slices.Equal(sortedPairs(c.Mapping), sortedPairs(o.Mapping))
}

// sortedPairs returns a sorted copy of the pairs, for order-insensitive
// comparison and stable output.
func sortedPairs(pairs []Pair) []Pair {
	out := slices.Clone(pairs)
	slices.SortFunc(out, comparePairs)
	return out
}

func comparePairs(a, b Pair) int {
	if c := strings.Compare(a.SCIM, b.SCIM); c != 0 {
		return c
	}
	return strings.Compare(a.Auth0, b.Auth0)
}
