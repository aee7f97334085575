#!/usr/bin/env bash
# SHA-256 throughput of the JVM Lifeboat runs on, with the default JIT and with C1 only
# (-XX:TieredStopAtLevel=1): the figures behind docs/performance.md's "kept? no" for that flag.
#
#   scripts/bench-sha256.sh
set -euo pipefail
source "$(dirname "$0")/lib/services.sh"
pick_jdk
src="$LIFEBOAT_ROOT/scripts/bench/Sha256Throughput.java"
echo "default JIT:"
java "$src"
echo "-XX:TieredStopAtLevel=1:"
java -XX:TieredStopAtLevel=1 "$src"
