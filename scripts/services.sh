#!/usr/bin/env bash
# Start or stop the real parts the tests use (PostgreSQL, MariaDB, moto on 127.0.0.1), and print the
# environment that points tests at them:
#   eval "$(scripts/services.sh start)"   # then ./mvnw verify, or run one test from an IDE
#   scripts/services.sh stop
set -euo pipefail
source "$(dirname "$0")/lib/services.sh"
case "${1:-start}" in
  start)
    start_all_services
    env | grep -E '^(LIFEBOAT_TEST_|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_REGION)' | sed 's/^/export /'
    ;;
  stop) stop_all_services ;;
  *) die "usage: scripts/services.sh start|stop" ;;
esac
