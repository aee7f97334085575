#!/usr/bin/env bash
# The hook's cost before every command a coding agent runs (issue 43), side by side with a bare JVM start of the
# same runtime in one run: `lifeboat guard --hook --config lifeboat.yml` deciding ordinary commands (allowed), and a
# destructive one (blocked, the full path) for scale. Runs the release archive's launcher (as an agent's hook runs
# it), extracted from dist/ (scripts/release.sh builds it); with --checkout, bin/lifeboat on cli/target/lifeboat.jar.
# Runs interleave, RUNS times each (default 30); medians and 90th percentiles, and each median over java -version's.
#
#   scripts/bench-hook.sh [--checkout] [RUNS]
set -euo pipefail
source "$(dirname "$0")/lib/services.sh"
cd "$LIFEBOAT_ROOT"
mode=archive
[ "${1:-}" = --checkout ] && { mode=checkout; shift; }
runs=${1:-30}
work=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-bench-hook.XXXXXX")
trap 'rm -rf "$work"' EXIT
if [ "$mode" = archive ]; then
  archive=$(ls -t dist/lifeboat-*-linux-x86_64.tar.gz 2>/dev/null | head -1)
  [ -n "$archive" ] || die "no release archive in dist/: run scripts/release.sh first (or pass --checkout)"
  tar -xzf "$archive" -C "$work"
  home=$(ls -d "$work"/lifeboat-*/)
  launcher=$home/bin/lifeboat
  java=$home/runtime/bin/java
else
  pick_jdk
  launcher=$LIFEBOAT_ROOT/bin/lifeboat
  java=$JAVA_HOME/bin/java
  export LIFEBOAT_JAVA=$java # no search for a JDK at each start
fi
export XDG_CACHE_HOME=$work/cache # the launcher's own caches, made fresh
log "bench: $mode ($launcher), $runs runs each; java -version of $java"
python3 - "$launcher" "$java" "$LIFEBOAT_ROOT/docs/lifeboat.example.yml" "$runs" "$XDG_CACHE_HOME" <<'PY'
import glob, json, os, statistics, subprocess, sys, time
launcher, java, config, runs, cache = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
hook = [launcher, "guard", "--hook", "--config", config]
def agent(cmd):
    return json.dumps({"tool_name": "Bash", "tool_input": {"command": cmd}}).encode()
cases = [
    ("java -version (the same runtime)", [java, "-version"], b"", 0),
    ("hook: ls -la", hook, agent("ls -la"), 0),
    ("hook: git status && npm test", hook, agent("git status && npm test"), 0),
    ("hook: psql -c 'SELECT 1' (read-only)", hook, agent("psql -c 'SELECT 1'"), 0),
    ("hook: terraform destroy (blocked, full path)", hook, agent("terraform destroy"), 2),
]
# The first hook run makes the launcher's caches (the AOT cache in the background on a Java 25 runtime): wait for them.
subprocess.run(hook, input=agent("ls"), capture_output=True)
deadline = time.time() + 120
while time.time() < deadline and glob.glob(os.path.join(cache, "lifeboat", "*.training")):
    time.sleep(0.5)
for _, cmd, stdin, _ in cases:
    subprocess.run(cmd, input=stdin, capture_output=True)
times = {name: [] for name, *_ in cases}
for _ in range(runs):
    for name, cmd, stdin, want in cases:
        t = time.perf_counter()
        r = subprocess.run(cmd, input=stdin, capture_output=True)
        times[name].append(time.perf_counter() - t)
        if r.returncode != want:
            sys.exit(f"{name}: exit {r.returncode}, expected {want}: {r.stderr.decode()[:300]}")
base = statistics.median(times[cases[0][0]])
print(f"caches: {sorted(os.path.basename(p) for p in glob.glob(os.path.join(cache, 'lifeboat', '*')))}")
print("| what | median | p90 | median / java -version |")
print("|---|---|---|---|")
for name, *_ in cases:
    ts = sorted(times[name])
    med = statistics.median(ts)
    p90 = ts[min(len(ts) - 1, int(len(ts) * 0.9))]
    print(f"| {name} | {med * 1000:.0f} ms | {p90 * 1000:.0f} ms | {med / base:.1f}x |")
PY
