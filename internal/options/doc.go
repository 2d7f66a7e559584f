// Package options owns each command's flags, their defaults and the options
// value they are parsed into, checked as a whole before anything is read or
// sent.
//
// Each command's flags are read once, by its parse function (ParseApply,
// ParseTokensIssue, ...), into its options value (Apply, TokensIssue, ...),
// and checked there: the code that runs a command never reads a flag, and a
// mistake on the command line is a cliui.UsageError before anything is read
// or sent. The parse functions are tested on their own (options_test.go).
package options
