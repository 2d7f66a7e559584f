// Package cliui owns the command line's conventions for people: help laid
// out to the terminal, usage errors in one line with did-you-mean, shell
// completion and the man page, durations on the command line, and the
// version text.
package cliui
