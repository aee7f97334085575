# Signing a release archive, only where a key is given (never on the command line: by name or path in the
# environment). Sourced by scripts/release.sh, and by scripts/release-test.sh, which signs with a key of its own
# and runs the verify commands of docs/release.md against the result.
#   LIFEBOAT_GPG_KEY=<key id>      gpg --detach-sign --armor of the .sha256 file (-> .sha256.asc)
#   COSIGN_KEY=<path to key>       cosign sign-blob of the archive (-> .tar.gz.sig; COSIGN_PASSWORD as cosign reads it)
# Needs log and die (scripts/lib/services.sh).

# sign_release ARCHIVE: signs ARCHIVE.sha256 (GPG) and ARCHIVE (cosign) with the keys the environment names.
sign_release() {
  local archive=$1
  [ -f "$archive" ] && [ -f "$archive.sha256" ] || die "sign_release: $archive or its .sha256 is missing"
  if [ -n "${LIFEBOAT_GPG_KEY:-}" ]; then
    command -v gpg >/dev/null || die "LIFEBOAT_GPG_KEY is set but gpg is not installed (apt-get install gnupg)"
    log "signing the checksum with GPG key $LIFEBOAT_GPG_KEY"
    rm -f "$archive.sha256.asc"
    gpg --batch --yes --local-user "$LIFEBOAT_GPG_KEY" --armor --detach-sign --output "$archive.sha256.asc" \
      "$archive.sha256" || die "GPG could not sign with $LIFEBOAT_GPG_KEY (gpg --list-secret-keys names the keys here)"
  fi
  if [ -n "${COSIGN_KEY:-}" ]; then
    command -v cosign >/dev/null || die "COSIGN_KEY is set but cosign is not installed"
    log "signing the archive with cosign"
    cosign sign-blob --yes --key "$COSIGN_KEY" --output-signature "$archive.sig" "$archive" >/dev/null
  fi
}
