// Package scim owns the vocabulary every other package shares: a
// connection, its SCIM configuration (user_id_attribute and mapping), the
// strategies that support SCIM, and the one rule for a connection id.
package scim
