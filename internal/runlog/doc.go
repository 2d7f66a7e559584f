// Package runlog owns the run record of apply, rollback and the token runs:
// what each connection's write was meant to do (the intent, durable before
// the write), how it ended (the result), the counts, and the JSON Lines report
// that holds them, written and read back. A line is written whole or cut back
// (a failed write never leaves a torn line for the next to be glued to), and
// the reader tolerates a line cut off at the end and a torn one in the middle.
// A connection found as asked and never written is recorded by the digest of
// its state (state_sha256), not two copies of it: rollback has nothing to undo
// there, and a nightly report of thousands of such connections stays small.
// It also says which files of a directory are a tenant's reports, by their
// header rather than their name (ProveReport), for --keep.
package runlog
