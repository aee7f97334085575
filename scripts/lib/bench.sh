# Shared by the benchmark scripts (sourced after services.sh, with psql_ defined by the caller).

# A database that compresses poorly, as production data full of hashes and blobs does: three tables of
# random bytea and md5 text, of about half, a third and a sixth of the size asked for.
ensure_random_db() {
  local mib=$1 db=bench_random_$1
  if [ "$(psql_ -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
    log "creating $db (~$mib MiB of random bytea and md5 text)"
    psql_ -d postgres -c "CREATE DATABASE $db" >/dev/null
    local t share
    for t in 1 2 3; do
      share=$(( mib * (4 - t) / 6 ))
      psql_ -d "$db" -c "CREATE TABLE blobs_$t (id bigserial PRIMARY KEY, payload bytea, note text)" >/dev/null
      psql_ -d "$db" -c "INSERT INTO blobs_$t (payload, note)
        SELECT decode(string_agg(md5(random()::text), ''), 'hex'), md5(g::text)
        FROM generate_series(1, $share * 2048) g, generate_series(1, 32) k GROUP BY g" >/dev/null
    done
  fi
  echo "$db"
}
