// Package runlog owns the run record of apply and rollback: what each
// connection's write was meant to do (the intent, durable before the write),
// how it ended (the result), the counts, and the JSON Lines report that holds
// them, written and read back.
package runlog
