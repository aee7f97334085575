#!/usr/bin/env bash
# The whole test suite on real parts: installs and starts what is missing (PostgreSQL, MariaDB,
# moto), picks a JDK >= 21, then runs unit tests (*Test), integration tests (*IT), `cdk synth` with
# cfn-lint on its templates, and the local drill.
#   scripts/test.sh                 # everything
#   scripts/test.sh -pl core        # extra arguments go to Maven
set -euo pipefail
source "$(dirname "$0")/lib/services.sh"
cd "$LIFEBOAT_ROOT"
pick_jdk
start_all_services
log "running ./mvnw verify"
./mvnw -B -ntp verify "$@"
if [ $# -eq 0 ]; then
  log "cdk synth (offline) and cfn-lint"
  synth_and_lint
  # The README's main command must keep working: the drill, on a smaller database.
  log "running scripts/drill.sh (DRILL_ROWS=50000)"
  DRILL_ROWS=50000 bash "$LIFEBOAT_ROOT/scripts/drill.sh"
fi
