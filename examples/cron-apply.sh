#!/usr/bin/env bash
# Keep an Auth0 tenant in line with a manifest, from cron: applies the
# manifest, keeps one report per run, and turns the exit code into a message
# a person can act on. Example crontab line (secrets in a 0600 file, never in
# the crontab):
#
#   30 2 * * * . /etc/scim-migrate/env && MANIFEST=/srv/scim/manifest.json /opt/scim-migrate/examples/cron-apply.sh >>/var/log/scim-migrate.log 2>&1
#
# Environment (settings and secrets come from here only):
#
#   AUTH0_DOMAIN, and AUTH0_CLIENT_ID + AUTH0_CLIENT_SECRET or AUTH0_API_TOKEN
#   MANIFEST       the manifest to enforce (required)
#   MODE           apply (default) writes; plan only reports drift (exit 2)
#   REPORT_DIR     where each run's report goes (default: /var/lib/scim-migrate)
#   KEEP           how many reports of the tenant to keep there (default: 60)
#   LOCK_FILE      keeps two runs from overlapping (default: REPORT_DIR/.lock)
#   SCIM_MIGRATE   the scim-migrate binary (default: scim-migrate on the PATH)
#   SCIM_MIGRATE_RPS, SCIM_MIGRATE_CONCURRENCY, ...  as for scim-migrate itself
#
# The exit code is scim-migrate's own, so the caller can alert on it:
# 0 done, 1 could not run (nothing was sent), 2 drift (MODE=plan), 3 some
# connections failed, conflicted or are unknown, 4 stopped part-way after
# writes were sent, 130 interrupted.
set -euo pipefail

: "${AUTH0_DOMAIN:?set AUTH0_DOMAIN}"
: "${MANIFEST:?set MANIFEST to the manifest to enforce}"
if [ -z "${AUTH0_API_TOKEN:-}" ] && { [ -z "${AUTH0_CLIENT_ID:-}" ] || [ -z "${AUTH0_CLIENT_SECRET:-}" ]; }; then
  echo "set AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET, or AUTH0_API_TOKEN" >&2
  exit 1
fi
scim_migrate=${SCIM_MIGRATE:-scim-migrate}
mode=${MODE:-apply}
report_dir=${REPORT_DIR:-/var/lib/scim-migrate}
umask 077 # reports hold the tenant's configuration
mkdir -p "$report_dir"

# One run at a time. scim-migrate itself refuses a second writing run on a
# tenant (exit 1, naming the run that holds it); this lock makes a cron start
# that overlaps a slow run skip quietly instead of raising that alert.
if command -v flock >/dev/null; then
  exec 9>"${LOCK_FILE:-$report_dir/.lock}"
  if ! flock -n 9; then
    echo "$(date -u +%FT%TZ) scim-migrate: the previous run is still going; skipping this one" >&2
    exit 0
  fi
fi

status=0
case $mode in
  apply)
    # The result, one JSON document, goes to a file; the report's path is in it.
    result="$report_dir/last-result.json"
    "$scim_migrate" apply --yes --format json --log-format json --report-dir "$report_dir" --keep "${KEEP:-60}" \
      -f "$MANIFEST" >"$result" || status=$?
    report=$(sed -n 's/^  "report": "\(.*\)",$/\1/p' "$result")
    ;;
  plan)
    report=""
    "$scim_migrate" plan --detailed-exitcode --log-format json -f "$MANIFEST" || status=$?
    ;;
  *)
    echo "MODE must be apply or plan, not $mode" >&2
    exit 1
    ;;
esac

say() { echo "$(date -u +%FT%TZ) scim-migrate $mode on $AUTH0_DOMAIN: $*" >&2; }
case $status in
  0)   if [ "$mode" = plan ]; then say "the tenant matches $MANIFEST"; fi ;;
  1)   say "could not run (invalid manifest, flags, credentials or scopes); nothing was sent to the tenant" ;;
  2)   say "the tenant differs from $MANIFEST: run apply, or find who changed it" ;;
  3)   say "finished, but some connections failed, conflicted or are unknown: see $report" ;;
  4)   say "stopped part-way after writes were sent (report unwritable, credentials revoked, a scope missing): see $report; scim-migrate rollback --from $report undoes them" ;;
  130) say "interrupted; the writes in flight were recorded in $report; the next run carries on" ;;
  *)   say "unexpected exit code $status" ;;
esac
exit "$status"
