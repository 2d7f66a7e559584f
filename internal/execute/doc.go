// Package execute owns the rules of a writing run: which connections are
// written and which are not, the intent recorded before every write, one
// result for every connection whatever happens, and what a failed, lost or
// interrupted write means. It works against the small Tenant interface, so
// its rules are tested with a fake tenant; internal/auth0api implements it
// over HTTP.
package execute
