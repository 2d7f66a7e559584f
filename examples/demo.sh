#!/usr/bin/env bash
# make demo: scim-migrate against the bundled local tenant emulator.
# It starts the emulator seeded from testdata/tenant.json, runs validate,
# plan, apply, plan again (no changes) and rollback, writes the HTML audit
# view of the apply run, audits the SCIM tokens, issues one where a
# connection has none and revokes it again, then stops the emulator.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=bin/scim-migrate
work=${SCIM_MIGRATE_DEMO_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/scim-migrate-demo.XXXXXX")}
go build -o "$work/local-tenant" ./examples/local-tenant
"$work/local-tenant" --seed testdata/tenant.json --seed-tokens --addr-file "$work/addr" >"$work/emulator.log" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true; wait "$emulator" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$work/addr" ] && break; sleep 0.1; done
[ -s "$work/addr" ] || { echo "the emulator did not start:"; cat "$work/emulator.log"; exit 1; }

# The demo tenant's credentials (a local emulator, not a secret).
export AUTH0_DOMAIN="$(cat "$work/addr")" AUTH0_CLIENT_ID=demo-client AUTH0_CLIENT_SECRET=demo-secret
# The emulator has no rate limit; 10 requests/s keeps the demo short.
export SCIM_MIGRATE_RPS=10 SCIM_MIGRATE_LOG_LEVEL=warn

# step prints a command the way a user would type it, then runs it; an
# expected exit code other than 0 is given as the first argument.
step() {
  local want=0
  if [[ $1 =~ ^[0-9]+$ ]]; then want=$1; shift; fi
  printf '\n$ scim-migrate %s\n' "${*:2}"
  set +e
  "$@"
  local got=$?
  set -e
  if [ "$got" -ne "$want" ]; then echo "demo: exit code $got, expected $want" >&2; exit 1; fi
}

echo "Local tenant at $AUTH0_DOMAIN (files in $work)"
step "$bin" validate -f examples/manifest.json
step "$bin" validate -f examples/manifest.csv
step "$bin" plan -f examples/manifest.csv
step "$bin" apply --yes --report "$work/apply.jsonl" -f examples/manifest.json
step "$bin" plan --detailed-exitcode -f examples/manifest.json
step "$bin" rollback --yes --report "$work/rollback.jsonl" --from "$work/apply.jsonl"
# After the rollback the tenant is as it was: the manifest's changes show again (exit 2).
step 2 "$bin" plan --detailed-exitcode -f examples/manifest.json

# The audit view of the apply run: one self-contained HTML page (no network requests).
step "$bin" report --from "$work/apply.jsonl" --out "$work/apply.html"
echo
echo "Audit view of the apply run: $work/apply.html"

# SCIM tokens: the audit flags the seeded expired, expiring and never-used
# tokens, and the connection without one (exit 2 with --detailed-exitcode).
step 2 "$bin" tokens audit --detailed-exitcode
# Give the connection without a token one; the secret goes to the handoff file only.
step "$bin" tokens issue --yes --connection hooli-okta --out "$work/handoff.json" --report "$work/issue.jsonl"
# Undo it: the rollback revokes exactly the token the run issued.
step "$bin" rollback --yes --from "$work/issue.jsonl" --report "$work/rollback-tokens.jsonl"
echo
echo "Handoff file (mode 0600): $work/handoff.json"
