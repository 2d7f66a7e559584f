// Package tokenplan owns the plan of a token run: which connection gets
// what (a token issued, one revoked, a rotation), decided by pure functions
// from the connections selected and the tokens they hold, before anything
// is sent. A Plan is a value like a configuration plan: rendered (package
// report), saved with --save-plan, read back with --plan and run by
// execute.ExecuteTokens. It also owns the undoing of a run that issued
// tokens (Undo), and which token such a run issued when its answer never
// came (Attribute).
package tokenplan
