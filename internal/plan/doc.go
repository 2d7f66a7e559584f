// Package plan owns what scim-migrate will do: the live-state model, the
// pure diff of a parsed manifest (internal/manifest parses and validates it)
// against the live state, the Plan value every rendering and every apply is
// made from, saved plans, and Recheck. It does no network I/O.
package plan
