#!/usr/bin/env bash
# The container's entrypoint: runs the release archive's bin/lifeboat with the PostgreSQL client tools of the
# major named by LIFEBOAT_PG_MAJOR, or by default lets Lifeboat choose among the installed majors by the server's
# version (a dump) and the dump's (a restore).
#   LIFEBOAT_PG_MAJOR=15 docker run … lifeboat dump …
# LIFEBOAT_HOME (the extracted archive) and LIFEBOAT_PG_ROOT (where the majors are) are for the test that runs
# this script outside the image (scripts/release-test.sh).
set -euo pipefail
home=${LIFEBOAT_HOME:-/opt/lifeboat/current}
root=${LIFEBOAT_PG_ROOT:-/usr/lib/postgresql}
installed=$(find "$root" -mindepth 3 -maxdepth 3 -path '*/bin/pg_dump' 2>/dev/null | awk -F/ '{print $(NF-2)}' | sort -n | paste -sd' ' -)
if [ -n "${LIFEBOAT_PG_MAJOR:-}" ]; then
  case $LIFEBOAT_PG_MAJOR in
    ''|*[!0-9]*) echo "lifeboat: LIFEBOAT_PG_MAJOR=$LIFEBOAT_PG_MAJOR is not a major version; give one of: ${installed:-none}" >&2; exit 2 ;;
  esac
  [ -x "$root/$LIFEBOAT_PG_MAJOR/bin/pg_dump" ] || {
    echo "lifeboat: LIFEBOAT_PG_MAJOR=$LIFEBOAT_PG_MAJOR: no PostgreSQL $LIFEBOAT_PG_MAJOR client tools in this image; installed: ${installed:-none}" >&2
    exit 2
  }
  export LIFEBOAT_PG_BIN=$root/$LIFEBOAT_PG_MAJOR/bin
else
  export LIFEBOAT_PG_ROOT=$root
fi
exec "$home/bin/lifeboat" "$@"
