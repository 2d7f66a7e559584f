// Package app owns the command line: the urfave/cli application, its flags
// and environment, the wiring of each command (its options parsed, then the
// session and the packages called, its result document returned), and the
// mapping of outcomes to exit codes.
package app
