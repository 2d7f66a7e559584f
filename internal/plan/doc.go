// Package plan owns what scim-migrate wants and what it will do: the manifest
// (parsing and validation), the SCIM configuration model, the diff of desired
// against live state, and the Plan value that every rendering and every apply
// is made from. It does no network I/O.
package plan
