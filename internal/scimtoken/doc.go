// Package scimtoken owns the bearer tokens Auth0 issues per connection for
// its inbound SCIM endpoint, as scim-migrate sees them: what a token is
// (never its secret, except in an Issued token on its way to the handoff
// file), the audit's flags, which tokens a revoke chooses, and the handoff
// file, the one place a token's secret is ever written.
package scimtoken
