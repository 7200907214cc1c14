#!/bin/sh
# azd preprovision: what must be in the azd environment before Bicep runs. The sealing key is made once
# (32 random bytes, base64) and kept in the environment: a new one would make sealed CSV passwords unreadable.
# DRY_RUN=1 prints the azd commands instead of running them.
set -eu
run() { if [ "${DRY_RUN:-}" = "1" ]; then echo "dry run: $*"; else "$@"; fi; }

missing=""
for name in AZURE_RESOURCE_GROUP GRAPH_TENANT_ID GRAPH_CLIENT_ID GRAPH_CLIENT_SECRET NOTIFICATION_SENDER ONPREM_DIRECTORY; do
  value=$(azd env get-value "$name" 2>/dev/null || true)
  [ -n "$value" ] || missing="$missing $name"
done
if [ -n "$missing" ]; then
  echo "Set these first, with 'azd env set <NAME> <value>':$missing (see the README's deploy section)." >&2
  exit 1
fi
directory=$(azd env get-value ONPREM_DIRECTORY)
if [ "$directory" != "ldap" ] && [ "$directory" != "none" ]; then
  echo "ONPREM_DIRECTORY must be ldap (then ONPREM_LDAP_URL, _BIND_DN, _BIND_PASSWORD, _BASE_DN) or none, not '$directory'." >&2
  exit 1
fi
if [ "$directory" = "ldap" ] && [ -z "$(azd env get-value ONPREM_LDAP_URL 2>/dev/null || true)" ]; then
  echo "ONPREM_DIRECTORY is ldap: set ONPREM_LDAP_URL, ONPREM_LDAP_BIND_DN, ONPREM_LDAP_BIND_PASSWORD and ONPREM_LDAP_BASE_DN." >&2
  exit 1
fi
if [ -z "$(azd env get-value MIGRATION_ENCRYPTION_KEY 2>/dev/null || true)" ]; then
  run azd env set MIGRATION_ENCRYPTION_KEY "$(openssl rand -base64 32)"
  echo "Made MIGRATION_ENCRYPTION_KEY once; keep this azd environment (or the key) for every redeployment."
fi
