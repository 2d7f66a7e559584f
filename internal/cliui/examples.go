package cliui

// examples are the EXAMPLES section of each command's help, by the command's
// name under scim-migrate. Each line is at most 96 characters: help fits 100
// columns (TestExamples_fit).
var examples = map[string]string{
	"validate": `
# Check a manifest before any request is sent:
scim-migrate validate -f manifest.csv
# From a pipe, as JSON for a script:
generate-manifest | scim-migrate validate -f - --format json`,
	"plan": `
# Show what apply would change:
scim-migrate plan -f manifest.json
# Save the plan for review, then apply exactly that plan:
scim-migrate plan -f manifest.json --out tfplan
scim-migrate apply --plan tfplan
# Drift check for cron: exit 2 when the tenant differs from the manifest:
scim-migrate plan -f manifest.json --detailed-exitcode --quiet`,
	"apply": `
# Plan, confirm, and write:
scim-migrate apply -f manifest.json
# Apply a plan saved by plan --out (refused when older than --max-plan-age):
scim-migrate apply --plan tfplan
# From cron: no question, one report per run, the 30 newest kept:
scim-migrate apply -f manifest.json --yes --report-dir /var/lib/scim-migrate --keep 30`,
	"rollback": `
# Undo a run, restoring each connection's state before it:
scim-migrate rollback --from apply-acme.eu.auth0.com-20260101T120000Z.jsonl
# See first what it would restore:
scim-migrate rollback --from REPORT.jsonl --dry-run`,
	"export": `
# The tenant's SCIM configurations as a manifest, by name (portable to another tenant):
scim-migrate export --key name --out manifest.json
# Only Okta and Entra ID connections, as CSV:
scim-migrate export --strategy okta,waad --out manifest.csv`,
	"report": `
# The audit page of a run, for a browser:
scim-migrate report --from REPORT.jsonl --out run.html
# A saved plan as markdown, for a ticket:
scim-migrate report --from tfplan --format markdown`,
	"tokens": `
scim-migrate tokens audit --within 30d
scim-migrate tokens issue --strategy okta --out handoff.json
scim-migrate tokens revoke --expired --all`,
	"tokens audit": `
# Tokens that expire within 30 days, never used, or missing:
scim-migrate tokens audit --within 30d
# From cron: exit 2 when a token is flagged:
scim-migrate tokens audit --detailed-exitcode --quiet --out audit.json`,
	"tokens issue": `
# One new token per Okta connection, for the IdP administrators:
scim-migrate tokens issue --strategy okta --lifetime 52w --out handoff.json
# What it would issue:
scim-migrate tokens issue --all --dry-run`,
	"tokens revoke": `
# Revoke the expired tokens of every connection:
scim-migrate tokens revoke --expired --all
# Revoke what a tokens issue run created:
scim-migrate tokens revoke --from handoff.json`,
	"tokens rotate": `
# Review a rotation of every Okta connection's token, then run exactly it:
scim-migrate tokens rotate --strategy okta --dry-run --save-plan rotate.json
scim-migrate tokens rotate --plan rotate.json --out handoff.json`,
	"completion": `
# bash: add to ~/.bashrc
source <(scim-migrate completion bash)
# zsh:
scim-migrate completion zsh > "${fpath[1]}/_scim-migrate"`,
	"man": `
scim-migrate man > /usr/local/share/man/man1/scim-migrate.1
man scim-migrate`,
	"version": `
scim-migrate version
scim-migrate version --format json`,
}
