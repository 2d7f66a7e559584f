// Package execute owns the rules of a writing run: which connections are
// written and which are not, the intent recorded before every write, one
// result for every connection whatever happens, what a failed, lost or
// interrupted write means, and when the state a write is decided on was
// read: just before it, within ReadWindow of the moment it leaves. It works
// against the small Tenant interface, so its rules are tested with a fake
// tenant; internal/auth0api implements it over HTTP. Configuration runs
// (Execute, a plan.Plan made into Tasks) and token runs (ExecuteTokens, a
// tokenplan.Plan) share one core: RunOptions, the ledger of results and
// writes, and the decided-first loop; each token action (issue, revoke,
// rotate) is one method of the token run.
package execute
