#!/usr/bin/env bash
# CI's vulnerability gate: `npm audit --omit=dev` over the production dependencies. Fails on a
# known high or critical vulnerability. When the audit cannot run at all (the registry's advisory
# endpoint is unreachable, as behind this project's npm proxy, which answers 405), it does not
# pass silently: it prints a banner saying the dependencies were NOT checked, and fails as well
# when CI_REQUIRE_AUDIT=1 (set it wherever the registry is fully reachable).
# Needs dist/ (npm run build) for the verdict script.
set -uo pipefail
cd "$(dirname "$0")/.."
report=$(npm audit --omit=dev --audit-level=high --json 2>/dev/null)
printf '%s' "$report" | node dist/scripts/audit-verdict.js
case $? in
  0) exit 0 ;;
  1) echo "npm audit: high or critical vulnerabilities in production dependencies; run 'npm audit --omit=dev' for details" >&2
     exit 1 ;;
  *) cat >&2 <<'BANNER'
################################################################################################
# npm audit DID NOT RUN: the production dependencies were NOT checked for known vulnerabilities.
# Run `npm audit --omit=dev --audit-level=high` where the registry's advisory endpoint is reachable.
################################################################################################
BANNER
     [ "${CI_REQUIRE_AUDIT:-0}" = 1 ] && { echo "CI_REQUIRE_AUDIT=1: failing" >&2; exit 1; }
     exit 0 ;;
esac
