// Package app owns the command line: the urfave/cli application, its flags
// and environment, the wiring of manifest, tenant, plan and report for each
// command, and the mapping of outcomes to exit codes.
package app
