// Package emulator owns a strict, in-process emulation of the Auth0 Management API
// endpoints scim-migrate talks to (client-credentials tokens, connections and their
// SCIM configurations), with Auth0's bodies, status codes, rate limiting and
// injectable faults, so the tool can be tested end to end without a real tenant.
//
// # Order of checks
//
// Every /api/v2 request goes through the same pipeline, in this order:
//
//  1. Throttle storm (Tenant.Throttle): 429 before anything else.
//  2. Authentication and the rate-limit bucket of the request's group (the
//     connection listing's own bucket when one is set, else the global one).
//     Every request that reaches this step takes a token from that bucket when
//     one is available, including requests that are then answered 401 or 403;
//     the answer precedence is 401 (missing, malformed, unknown or expired
//     bearer token) before 429 (bucket empty, no effect).
//  3. Injected 429 (Faults.RateLimitedRate), and the write storm
//     (Faults.RateLimitWrites: every SCIM write 429, reset within the second).
//  4. Routing (404 for unknown routes and wrong methods, as Auth0's router does),
//     scope (403 insufficient_scope), path validation (400 invalid_uri).
//  5. Latency (Options.Latency plus injected slowness), honouring the request
//     context: a client that gives up is logged with status 499 and nothing happens.
//  6. Injected 5xx or dropped connection, before the effect, or after it for writes
//     (Faults.AfterWriteShare); Faults.FailWrites on SCIM configuration and SCIM
//     token writes, before the effect or after it (Faults.FailAfterEffect).
//  7. Query and body validation (400), then the effect and its answer.
//
// Randomness of the faults is deterministic for Faults.Seed when requests arrive
// one at a time; with concurrent requests the draws follow arrival order.
//
// # What is extrapolated
//
// The recordings in testdata/auth0-recordings fix the shapes of the SCIM bodies
// and the three 404s. Behaviour not recorded is extrapolated and marked as such
// where it is implemented: the unsupported-strategy 404 on GET, PATCH, DELETE,
// default-mapping and token routes; "Invalid mapping provided" for empty mapping
// items; the "already exists" 400 on a second POST; path and query validation
// messages; the token routes' behaviour without a SCIM configuration; the
// scopes of a token created without "scopes"; the place of valid_until and
// last_used_at in a token listing; that deleting a SCIM configuration deletes
// its tokens.
//
// # SCIM tokens
//
// A connection with a SCIM configuration holds at most two tokens, made by
// POST …/tokens or put there by Tenant.SeedSCIMToken (in any state: expired,
// never used, …). The inbound SCIM endpoint an identity provider would call
// with a token is not served; Tenant.UseSCIMToken stands for such a call, and
// records last_used_at. Tenant.SCIMTokens and AllSCIMTokens show the tokens
// with their secrets.
//
// # Rate limits
//
// Buckets are tenant-wide, as on Auth0: every client and static token draws on
// the same ones, and the request log and Stats.Clients tell the clients apart.
// There are two groups: the global bucket (Options.Rate and Burst, SetRateLimit)
// and, when set, one for the connection listing (GET /api/v2/connections), as
// Auth0's Essentials and Professional plans have (Options.Buckets, SetBucket,
// ApplyPlan, and the presets PlanFree, PlanEssentials, PlanEnterprise,
// PlanEnterpriseNonProduction). A bucket refills continuously (Auth0's
// per-second limits) or by Rate tokens at every whole Unix second (its
// per-minute limits), and announces as x-ratelimit-reset either the second at
// which the next token arrives or the second at which the bucket will be full
// again, which Auth0 users have seen up to a minute ahead. How the answers
// look where the reference is silent or proxies differ is Options.Headers
// (HeaderBehaviour: no x-ratelimit-* headers at all, Retry-After on 429s)
// and, for headers that contradict the bucket, Options.OddHeaders (a reset
// shifted into the past, remaining: 0, limit: 0); both also by SetHeaders.
//
// # Access tokens
//
// /oauth/token issues opaque tokens that live Options.TokenLifetime of the
// tenant's clock (Options.Clock) and announce Options.AdvertisedLifetime.
// A refused token gets the 401 body Auth0 sends (auth0-api.md §2): "Expired
// token received for JSON Web Token validation" once it has expired or after
// Tenant.ExpireTokens, "Invalid token" when unknown or, for tokens issued
// before it, after Tenant.RevokeAccessTokens.
//
// # What is not reproduced
//
// Access tokens are opaque strings, not signed JWTs. Of Auth0's rate limits,
// only the two groups above exist: no other endpoint groups, Retry-After only
// when HeaderBehaviour asks for it, no
// limit on /oauth/token, and the phase of per-second refill steps is the whole
// Unix second, which Auth0 does not document. Only the connection routes the
// recordings use exist (no connection PATCH), and created connections echo their
// options without Auth0's enrichment; checkpoint cursors never expire; the
// inbound SCIM protocol (/scim/v2) is not served (see UseSCIMToken).
//
// # Where the reference is silent
//
// Auth0 documents the checkpoint listings' from as a cursor to continue from
// (400 "Invalid pagination cursor" to one it does not know), but not their
// order, nor whether a connection id is taken for a cursor. Options.Listing
// (ListingBehaviour) plays each choice: only the tenant's own next values
// accepted, order by id, by creation or a stable shuffle, pages capped at 50
// or 100. Its zero value accepts connection ids, lists by id, caps at 100.
// Cursors carry the listing key of the last connection a page returned, so
// a walk lists every connection that exists throughout it exactly once.
package emulator
