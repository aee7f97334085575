#!/usr/bin/env bash
# The fault matrix (issue 38), whole: every case of cli/src/test/java/dev/lifeboat/cli/FaultMatrixIT.java, each a
# run of the packaged command line over real PostgreSQL or MariaDB, into a local vault or S3 (moto behind a
# fault-injecting proxy), with one fault: SIGKILL, SIGTERM or SIGINT early, midway or in the last tenth of the run,
# or an S3 fault (500, reset, lost answer, truncated body) once or every time; after each, the one invariant (a
# whole backup or nothing new; a whole target, or as it was, or gone; exit codes that tell the truth; no row value
# or secret in the output at info, debug or trace). CI (scripts/test.sh) runs a bounded subset that covers every
# value of every dimension; this runs them all (about 200 cases, 20 to 30 minutes on two cores).
#   scripts/faults.sh                     # every case
#   scripts/faults.sh 'restore .* KILL'   # the cases whose names match a regular expression
# The counts are printed at the end and left in cli/target/fault-matrix.txt, each case's output in
# cli/target/fault-matrix-logs/.
set -euo pipefail
source "$(dirname "$0")/lib/services.sh"
cd "$LIFEBOAT_ROOT"
pick_jdk
start_all_services
which=${1:-full}
log "the fault matrix: $which"
./mvnw -B -ntp -Pquick verify -pl protocol,core,config,adapters,cli -Dit.test=FaultMatrixIT -Dtest=none \
  -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false "-Dlifeboat.faults=$which"
cat cli/target/fault-matrix.txt
