// Package report owns every rendering of plans, run reports and SCIM token
// audits for people and machines: the terminal diff, JSON, markdown, CSV and
// the self-contained HTML audit view. It reads plans and run logs and never
// writes them.
package report
