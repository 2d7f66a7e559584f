// Package report owns every rendering of plans, run reports and SCIM token
// audits for people and machines, the result documents commands print with
// --format json, and the one table of output formats (formats) every
// command's --format, --out extension and help come from. It reads plans and
// run logs and never writes them.
package report
