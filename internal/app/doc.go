// Package app owns the command line: the urfave/cli application and its
// environment, the wiring of each command (its options parsed by
// internal/options, then the session and the packages called, its result
// document returned), and the mapping of outcomes to exit codes.
package app
