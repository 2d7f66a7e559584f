#!/usr/bin/env bash
# Migrate the SCIM configuration of every connection from one Auth0 tenant to
# another, matching connections by name:
#
#   1. export the source tenant (--key name),
#   2. plan the target (--create-missing) and save the plan: this is what is
#      reviewed, and exactly what is applied,
#   3. apply the saved plan to the target (it asks on the terminal, or
#      YES=1), keeping a report,
#   4. plan the target again: it must now match.
#
# The two tenants are best named in the tenants file (see the README's
# "Named tenants"): each command then runs with --tenant, and no secret
# passes through this script at all:
#
#   SOURCE_TENANT, TARGET_TENANT  tenants named in the tenants file
#   SCIM_MIGRATE_CONFIG           that file (default: the user's one)
#
# Otherwise settings and secrets come from the environment, never from
# arguments:
#
#   SOURCE_DOMAIN  and SOURCE_CLIENT_ID + SOURCE_CLIENT_SECRET, or SOURCE_API_TOKEN
#   TARGET_DOMAIN  and TARGET_CLIENT_ID + TARGET_CLIENT_SECRET, or TARGET_API_TOKEN
#   WORK_DIR       where the manifest and the reports go (default: a new directory)
#   FORMAT         json (default) or csv
#   SCIM_MIGRATE   the scim-migrate binary (default: scim-migrate on the PATH)
#   SCIM_MIGRATE_RPS, SCIM_MIGRATE_LOG_LEVEL, ...  as for scim-migrate itself
#   YES=1          do not ask before applying (apply --yes: cron, CI)
#
# Exit code: 0 when the target matches the source; 3 when some connections
# could not be migrated (see the report); 1 on any other failure.
set -euo pipefail

scim_migrate=${SCIM_MIGRATE:-scim-migrate}
format=${FORMAT:-json}
umask 077 # the manifest and the reports describe the tenants' configuration
work=${WORK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/scim-migrate-migration.XXXXXX")}
mkdir -p "$work"

: "${SOURCE_TENANT:=}" "${TARGET_TENANT:=}"
if [ -z "$SOURCE_TENANT" ]; then : "${SOURCE_DOMAIN:?set SOURCE_TENANT (a named tenant) or SOURCE_DOMAIN to the tenant to migrate from}"; fi
if [ -z "$TARGET_TENANT" ]; then : "${TARGET_DOMAIN:?set TARGET_TENANT (a named tenant) or TARGET_DOMAIN to the tenant to migrate to}"; fi
SOURCE_DOMAIN=${SOURCE_DOMAIN:-$SOURCE_TENANT}
TARGET_DOMAIN=${TARGET_DOMAIN:-$TARGET_TENANT}

# on_tenant PREFIX COMMAND...: runs scim-migrate against the tenant PREFIX
# names: with --tenant when PREFIX_TENANT is set, else from the PREFIX_*
# variables. The secrets are exported inside a subshell, so they never appear
# on a command line (visible in ps) and never leak from one tenant's commands
# to the other's.
on_tenant() {
  local prefix=$1
  shift
  (
    unset AUTH0_DOMAIN AUTH0_CLIENT_ID AUTH0_CLIENT_SECRET AUTH0_API_TOKEN AUTH0_AUDIENCE SCIM_MIGRATE_TENANT
    named_var=${prefix}_TENANT
    if [ -n "${!named_var}" ]; then
      local cmd=$1
      shift
      config=()
      [ -z "${SCIM_MIGRATE_CONFIG:-}" ] || config=(--config "$SCIM_MIGRATE_CONFIG")
      exec "$scim_migrate" "$cmd" --tenant "${!named_var}" "${config[@]}" "$@"
    fi
    domain_var=${prefix}_DOMAIN id_var=${prefix}_CLIENT_ID secret_var=${prefix}_CLIENT_SECRET token_var=${prefix}_API_TOKEN
    export AUTH0_DOMAIN=${!domain_var}
    if [ -n "${!token_var:-}" ]; then
      export AUTH0_API_TOKEN=${!token_var}
    else
      export AUTH0_CLIENT_ID=${!id_var:?set ${prefix}_CLIENT_ID and ${prefix}_CLIENT_SECRET, or ${prefix}_API_TOKEN}
      export AUTH0_CLIENT_SECRET=${!secret_var:?set ${prefix}_CLIENT_SECRET}
    fi
    exec "$scim_migrate" "$@"
  )
}

manifest="$work/source.$format"
saved="$work/target-plan.json"
report="$work/migrate.jsonl"

echo "== Exporting $SOURCE_DOMAIN to $manifest"
on_tenant SOURCE export --key name --format "$format" --out "$manifest"

echo "== Planning $TARGET_DOMAIN (nothing is written yet): $saved"
on_tenant TARGET plan --create-missing --out "$saved" -f "$manifest"

echo "== Applying the reviewed plan to $TARGET_DOMAIN (report: $report)"
yes=()
if [ "${YES:-}" = 1 ]; then
  yes=(--yes)
fi
status=0
on_tenant TARGET apply "${yes[@]}" --plan "$saved" --report "$report" || status=$?
case $status in
  0) ;;
  3) echo "Some connections could not be migrated (the others were): see the failed results in $report." >&2
     echo "A connection absent from $TARGET_DOMAIN must be created there first; then run this script again." >&2 ;;
  1) echo "Nothing was written (see above: declined, no terminal without YES=1, or a plan older than --max-plan-age)." >&2
     exit 1 ;;
  *) echo "apply exited $status; see above. Undo what was written with:" >&2
     echo "  scim-migrate rollback --from $report" >&2
     exit "$status" ;;
esac

echo "== Checking $TARGET_DOMAIN against the source"
# exit 2: a connection of the source is not on the target (the plan names it), or drift
check=0
on_tenant TARGET plan --detailed-exitcode -f "$manifest" || check=$?
if [ "$check" -eq 0 ]; then
  echo "The target matches the source."
elif [ "$check" -eq 2 ] && [ "$status" -ne 0 ]; then
  echo "Every connection the target has matches the source; the others are the failed results in $report."
else
  echo "The target does not match the source (plan exited $check): see the plan above." >&2
  [ "$status" -ne 0 ] || status=$check
fi
echo "To undo the migration: scim-migrate rollback --from $report"
exit "$status"
