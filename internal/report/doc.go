// Package report owns report writing and reading and every rendering of plans
// and runs for people and machines.
package report
