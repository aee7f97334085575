#!/usr/bin/env bash
# The whole test suite on real parts: installs and starts what is missing (PostgreSQL, MariaDB,
# moto), picks a JDK >= 21, then runs the build's checks (format, Error Prone, warnings as errors,
# dependency analysis), unit tests (*Test), integration tests (*IT), the release archive on a bare machine
# (scripts/release-test.sh), hadolint on the Dockerfiles, the
# functions under the Lambda runtime interface client and emulator, `cdk synth` with cfn-lint on its
# templates, checkov on them, asl-validator on its state machines, and the local drill. The unit tests run
# a second time under libfaketime a year ahead, so the suite passes on any date. First of all, the
# tests the documents name as proof of their promises must exist (scripts/check-doc-tests.py).
#   scripts/test.sh                 # everything
#   scripts/test.sh -pl core        # extra arguments go to Maven
set -euo pipefail
source "$(dirname "$0")/lib/services.sh"
cd "$LIFEBOAT_ROOT"
pick_jdk
log "every test the documents name as proof exists (scripts/check-doc-tests.py)"
python3 "$LIFEBOAT_ROOT/scripts/check-doc-tests.py" || die "a document names a test that does not exist (above)"
start_all_services
forget_test_databases
reset_moto
log "running ./mvnw verify"
./mvnw -B -ntp verify "$@"
if [ $# -eq 0 ]; then
  unit_tests_a_year_ahead
  # The release archive, and it on a bare machine (env -i, its own runtime): --help, doctor, round trips. Before
  # the drill, whose restore then runs with the archive.
  # --check builds the commit a second time from a fresh clone: the two archives and SBOMs must be byte-identical.
  log "scripts/release.sh --check and scripts/release-test.sh: the archive, reproducible, on a bare machine"
  if [ -z "$(git -C "$LIFEBOAT_ROOT" status --porcelain --untracked-files=no)" ]; then
    bash "$LIFEBOAT_ROOT/scripts/release.sh" --check
  else
    log "warning: uncommitted changes: the release is built once, its reproducibility not checked"
    bash "$LIFEBOAT_ROOT/scripts/release.sh"
  fi
  bash "$LIFEBOAT_ROOT/scripts/release-test.sh"
  log "hadolint on the Dockerfiles"
  lint_dockerfiles
  log "the functions under the Lambda runtime interface client and emulator"
  lambda_runtime_test
  log "cdk synth (offline), cfn-lint, checkov and asl-validator"
  synth_and_lint
  # The README's main command must keep working: the drill, on a smaller database.
  log "running scripts/drill.sh (DRILL_ROWS=50000)"
  DRILL_ROWS=50000 bash "$LIFEBOAT_ROOT/scripts/drill.sh"
fi
