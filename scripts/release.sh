#!/usr/bin/env bash
# The release: dist/lifeboat-VERSION-linux-x86_64.tar.gz, the command line with a Java runtime of its own, and
# beside it its SHA-256, a CycloneDX SBOM and a build manifest.
#
#   scripts/release.sh            # build dist/ from the checked-out commit
#   scripts/release.sh --check    # the same, then again from a fresh clone of the commit: the archives must be
#                                 # byte-identical (exit 1 naming the first difference otherwise)
#
# The archive holds bin/lifeboat (the launcher: it runs the archive's own runtime, never the machine's java),
# lib/lifeboat.jar, runtime/ (jlink of the JDK modules the jar needs, with its class-data archive), docs/
# (runbook, command line), README.md, THIRD-PARTY-NOTICES.txt (every library in the jar with its licence, from the
# SBOM; the runtime's own notices are in runtime/legal/), LICENSE (Lifeboat's own: Apache-2.0) and BUILD-INFO.json.
#
# Reproducible: the jar's entries carry the commit's time (project.build.outputTimestamp), jlink's output is
# deterministic (checked: two runs, identical files, the CDS archive included), and the tar has sorted entries,
# the commit's time as every mtime, owner 0:0 and gzip -n. The build date everywhere is the commit's time.
#
# Signing, only where a key is given (never on the command line: by name or path in the environment), by
# scripts/lib/sign.sh:
#   LIFEBOAT_GPG_KEY=<key id>      gpg --detach-sign --armor of the .sha256 file (-> .sha256.asc)
#   COSIGN_KEY=<path to key>       cosign sign-blob of the archive (-> .tar.gz.sig; COSIGN_PASSWORD as cosign reads it)
# How to verify is in docs/release.md.
#
# Only linux-x86_64 is built: the installed JDK can jlink only its own platform, and no other platform's JDK modules
# are to be had from the registries this project builds with.
set -euo pipefail
# jlink's class-data archive depends on the build's locale (LANG=en_US.UTF-8 and C.UTF-8 give different
# classes.jsa): pin it, and the rest of the environment that can reach the bytes.
export LC_ALL=C.UTF-8 TZ=UTC
umask 022
source "$(dirname "$0")/lib/services.sh"
source "$(dirname "$0")/lib/sign.sh"
cd "$LIFEBOAT_ROOT"

check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) die "unknown argument '$1'; use: scripts/release.sh [--check]" ;;
esac

pick_jdk
command -v git >/dev/null || die "git is needed (the commit and its time); install it: apt-get install git"
git rev-parse HEAD >/dev/null 2>&1 || die "$LIFEBOAT_ROOT is not a git clone: a release names its commit"
COMMIT=$(git rev-parse HEAD)
EPOCH=$(git log -1 --format=%ct HEAD)
DATE=$(date -u -d "@$EPOCH" +%Y-%m-%dT%H:%M:%SZ)
VERSION=$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' pom.xml)
[ -n "$VERSION" ] || die "could not read the version from pom.xml"
PLATFORM=linux-x86_64
[ "$(uname -m)" = x86_64 ] || die "this machine is $(uname -m): the release is built for $PLATFORM only, on one"
NAME=lifeboat-$VERSION-$PLATFORM
DIST=${LIFEBOAT_DIST:-$LIFEBOAT_ROOT/dist}
DIRTY=false
# Untracked files count too: the build compiles any source file that is there, tracked or not.
[ -z "$(git status --porcelain)" ] || DIRTY=true
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  log "warning: uncommitted changes: this build is not the commit $COMMIT (its --version says so)"
  [ "$check" = 0 ] || die "--check compares with a fresh clone of $COMMIT: commit the changes first"
fi
started=$(date +%s)

# The SBOM in the same reactor run as the jar: Lifeboat's own modules are then the ones just built (by themselves,
# -pl cli would take them from ~/.m2, whatever was installed there last: the SBOM's hashes of lifeboat-core and the
# others then named other bytes than the jar holds, and two builds of one commit differed).
log "building the jar of $VERSION at $COMMIT ($DATE), and the CycloneDX SBOM of its dependencies"
./mvnw -B -q -ntp -Pquick -pl cli -am clean package org.cyclonedx:cyclonedx-maven-plugin:makeBom -DskipTests \
  -Dproject.build.outputTimestamp="$DATE"
JAR=cli/target/lifeboat.jar

work=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-release.XXXXXX")
trap 'rm -rf "$work"' EXIT
stage=$work/$NAME
mkdir -p "$stage/bin" "$stage/lib" "$stage/docs" "$DIST"

# The JDK modules: what jdeps finds in the jar, and those that are reached only at run time, by name or through a
# service, which jdeps cannot see: jdk.crypto.ec (TLS with EC keys, to RDS and S3), jdk.zipfs (zip file systems),
# jdk.management (the JVM's own MXBeans), jdk.charsets (a tool's output in a charset other than UTF-8), java.naming
# (JNDI, which the JDBC drivers touch). scripts/release-test.sh proves the result on TLS, S3, PostgreSQL, MariaDB
# and zstd.
log "jdeps: the modules the jar needs"
MODULES=$("$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 21 "$JAR")
MODULES=$(printf '%s\n' "$MODULES" java.naming jdk.crypto.ec jdk.zipfs jdk.management jdk.charsets \
  | tr ',' '\n' | sed '/^$/d' | sort -u | paste -sd, -)
log "jlink: $MODULES"
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
  --generate-cds-archive --output "$stage/runtime" >/dev/null

install -m 0755 bin/lifeboat "$stage/bin/lifeboat"
install -m 0644 "$JAR" "$stage/lib/lifeboat.jar"
install -m 0644 docs/runbook.md docs/cli.md docs/release.md "$stage/docs/"
install -m 0644 README.md "$stage/README.md"
[ -f LICENSE ] || die "LICENSE is missing: a release names its licence"
install -m 0644 LICENSE "$stage/LICENSE"
JDK=$("$stage/runtime/bin/java" -XshowSettings:properties -version 2>&1 \
  | awk -F'= ' '/java.runtime.version/ {v=$2} /java.vendor = / {n=$2} END {print n " " v}')

SBOM=$DIST/$NAME.cdx.json
python3 - cli/target/bom.json "$SBOM" "$stage/THIRD-PARTY-NOTICES.txt" "$JDK" "$MODULES" "$JAR" <<'PY'
import json, re, sys, zipfile
src, out, notices, jdk, modules, jar = sys.argv[1:]
bom = json.load(open(src))
vendor, _, version = jdk.rpartition(" ")
# Libraries shaded inside other libraries (jctools inside Netty) are in the jar but not in the Maven plugin's SBOM:
# every Maven artifact the jar carries (META-INF/maven/G/A/pom.properties) is named, with the licence of its own POM.
have = {(c.get("group", ""), c["name"]) for c in bom.get("components", [])}
with zipfile.ZipFile(jar) as z:
    names = set(z.namelist())
    for n in sorted(names):
        m = re.match(r"META-INF/maven/([^/]+)/([^/]+)/pom\.properties$", n)
        if not m or m.group(1).startswith("dev.lifeboat") or (m.group(1), m.group(2)) in have:
            continue
        g, a = m.groups()
        v = re.search(r"^version=(.*)$", z.read(n).decode("utf-8"), re.M).group(1).strip()
        pom = "META-INF/maven/%s/%s/pom.xml" % (g, a)
        lic = re.findall(r"<license>\s*<name>([^<]+)</name>", z.read(pom).decode("utf-8")) if pom in names else []
        bom.setdefault("components", []).append({
            "type": "library", "bom-ref": "pkg:maven/%s/%s@%s?type=jar" % (g, a, v), "group": g, "name": a,
            "version": v, "purl": "pkg:maven/%s/%s@%s?type=jar" % (g, a, v),
            "licenses": [{"license": {"name": l.strip()}} for l in lic],
            "properties": [{"name": "lifeboat:found", "value": "shaded inside another library of lib/lifeboat.jar"}]})
        have.add((g, a))
# The runtime is in the archive too: the SBOM names it, with the modules jlink took.
bom.setdefault("components", []).append({
    "type": "platform", "bom-ref": "java-runtime", "name": "java-runtime", "version": version,
    "supplier": {"name": vendor}, "description": "jlink runtime of " + modules,
    "licenses": [{"license": {"id": "GPL-2.0-only WITH Classpath-exception-2.0"}}]})
json.dump(bom, open(out, "w"), indent=2, sort_keys=True)
open(out, "a").write("\n")
lines = ["Third-party software in this archive", "",
         "lib/lifeboat.jar holds these libraries (from the CycloneDX SBOM beside the archive);",
         "runtime/ is " + vendor + " Java " + version + " (GPL-2.0 with the Classpath Exception),",
         "whose notices are in runtime/legal/.", ""]
def lic(c):
    names = []
    for l in c.get("licenses", []):
        x = l.get("license", {})
        names.append(x.get("id") or x.get("name") or l.get("expression") or "?")
    return ", ".join(names) or "licence not declared in its POM"
for c in sorted(bom["components"], key=lambda c: (c.get("group", ""), c["name"])):
    if c.get("group", "").startswith("dev.lifeboat") or c.get("type") == "platform":
        continue
    lines.append(f"{c.get('group', '')}:{c['name']} {c.get('version', '')}: {lic(c)}")
open(notices, "w").write("\n".join(lines) + "\n")
PY

# The libraries' NOTICE files (Apache-2.0, section 4(d)), merged in the jar by the shade plugin: in the notices too.
python3 - "$JAR" "$stage/THIRD-PARTY-NOTICES.txt" <<'PY'
import sys, zipfile
jar, notices = sys.argv[1:]
with zipfile.ZipFile(jar) as z:
    text = z.read("META-INF/NOTICE").decode("utf-8") if "META-INF/NOTICE" in z.namelist() else ""
if text:
    open(notices, "a").write("\nThe NOTICE files of those libraries, as they ship them:\n\n" + text.rstrip() + "\n")
PY

MANIFEST_JSON=$(python3 - "$VERSION" "$COMMIT" "$DATE" "$JDK" "$MODULES" "$PLATFORM" "$DIRTY" <<'PY'
import json, sys
version, commit, date, jdk, modules, platform, dirty = sys.argv[1:]
print(json.dumps({"version": version, "commit": commit, "buildDate": date, "platform": platform,
                  "jdk": jdk, "runtimeModules": modules.split(","),
                  "dirty": dirty == "true"}, indent=2, sort_keys=True))
PY
)
printf '%s\n' "$MANIFEST_JSON" >"$stage/BUILD-INFO.json"

log "packing $NAME.tar.gz"
ARCHIVE=$DIST/$NAME.tar.gz
find "$stage" -exec touch -h -d "@$EPOCH" {} +
chmod -R u+rwX,go+rX,go-w "$stage"
tar --sort=name --mtime="@$EPOCH" --owner=0 --group=0 --numeric-owner --format=gnu \
  -C "$work" -cf - "$NAME" | gzip -n -9 >"$ARCHIVE"
SHA=$(sha256sum "$ARCHIVE" | cut -d' ' -f1)
python3 - "$DIST/$NAME.build.json" "$SHA" "$(stat -c %s "$ARCHIVE")" <<PY
import json, sys
m = json.loads('''$MANIFEST_JSON''')
m["archive"] = {"name": "$NAME.tar.gz", "sha256": sys.argv[2], "bytes": int(sys.argv[3])}
m["sbom"] = "$NAME.cdx.json"
json.dump(m, open(sys.argv[1], "w"), indent=2, sort_keys=True)
open(sys.argv[1], "a").write("\n")
PY

# The checksums of everything published: the archive, its SBOM and its build manifest (so a signature of this one
# file vouches for all three).
( cd "$DIST" && sha256sum "$NAME.tar.gz" "$NAME.cdx.json" "$NAME.build.json" >"$NAME.tar.gz.sha256" )
rm -f "$ARCHIVE.sha256.asc" "$ARCHIVE.sig"   # never a signature of an earlier build beside this one
sign_release "$ARCHIVE"
log "$ARCHIVE: $(du -h "$ARCHIVE" | cut -f1), sha256 $SHA, built in $(( $(date +%s) - started )) s"

if [ "$check" = 1 ]; then
  log "--check: the same commit again, from a fresh clone"
  again=$work/again
  git clone -q --no-local "$LIFEBOAT_ROOT" "$again"
  git -C "$again" checkout -q "$COMMIT"
  LIFEBOAT_DIST=$work/again-dist bash "$again/scripts/release.sh"
  if cmp "$ARCHIVE" "$work/again-dist/$NAME.tar.gz"; then
    cmp "$SBOM" "$work/again-dist/$NAME.cdx.json" || die "the SBOMs of two builds of $COMMIT differ"
    log "reproducible: two builds of $COMMIT gave the same archive (sha256 $SHA) and the same SBOM"
  else
    mkdir -p "$work/a" "$work/b"
    tar -xzf "$ARCHIVE" -C "$work/a"; tar -xzf "$work/again-dist/$NAME.tar.gz" -C "$work/b"
    diff -rq "$work/a" "$work/b" | head -n 20 >&2 || true
    die "NOT reproducible: two builds of $COMMIT gave different archives (the files above differ)"
  fi
fi
