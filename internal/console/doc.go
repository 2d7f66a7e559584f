// Package console owns what a run shows and asks of people: progress bars on
// a terminal and status lines in logs, the confirmation before writing, the
// two-stage interrupt, and streams that never carry a secret.
package console
