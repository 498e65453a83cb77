#!/usr/bin/env bash
# Reruns every performance figure in docs/development.md (Benchmarks). Needs only the Rust
# toolchain and python3 (plus /usr/bin/time for memory). Talks to a local sandbox on 127.0.0.1 only.
#
#   benches/run.sh            all benchmarks
#   benches/run.sh latency    1. latency-bound export vs the bound and a naive sequential loop
#   benches/run.sh cpu        2. parse + normalize + CSV on one core (cargo bench --bench parse)
#   benches/run.sh memory     3. peak RSS exporting 1,000,000 vs 10,000 calls (famulor, callcap;
#                                MEMORY_VENDORS="..." picks others)
#   benches/run.sh recordings 4. 1,000 recordings at --concurrency 8 vs xargs -P 8 curl
#   benches/run.sh vendors    5. ~10,000 calls per vendor, 20 ms a page, --concurrency 8: each
#                                vendor's time against its bound (pages x 20 ms / 8 + one page)
#   benches/run.sh vendors-1m 6. 1,000,000 calls per vendor, no latency: each vendor's time
#                                against Famulor's (VENDORS="..." picks vendors)
#   benches/run.sh sync       7. sync 10,000 and 1,000,000 Famulor calls into SQLite: first run
#                                and a rerun of the whole window with nothing changed (--full)
#   benches/run.sh sync-pg    8. the same into a throwaway PostgreSQL server (initdb + pg_ctl
#                                from Debian's packages, as the postgres user when run as root)
#   benches/run.sh stats      9. stats over 10,000 and 1,000,000 Callcap calls (--by agent --by
#                                day, CSV): time and peak RSS, flat in the number of calls
#   benches/run.sh requests  10. requests per hourly sync per API: 2,000 calls a day, 5 % changing,
#                                24 hourly runs (cargo bench --bench requests; CALLS_BIN is used)
#   benches/run.sh db        11. the database side alone: 1,000,000 rows as sync makes them into
#                                the writer's thread, no vendor (cargo bench --bench db); into
#                                SQLite here, into PostgreSQL in 8
#   benches/run.sh jobs      12. sync of 20 profiles of 5,000 Famulor calls each, 20 ms a page,
#                                into SQLite: --jobs 1 against --jobs 8, against the latency bound
#   benches/run.sh parquet   13. 1,000,000 and 10,000 Famulor calls to Parquet against the same to
#                                CSV: calls/s and peak RSS (/usr/bin/time -v), best of 3
#   benches/run.sh bulk      14. a first sync of 1,000,000 Famulor calls against the database's own
#                                bulk load of the same rows: sqlite3 .import, and psql \copy when
#                                PostgreSQL's binaries are there (target: within 1.2x)
#
# CALLS_BIN=PATH runs that binary instead of building the release binary.
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-all}
[[ -n ${CALLS_BIN:-} ]] || cargo build --release --quiet
bin=${CALLS_BIN:-$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')/release/calls}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# Starts a sandbox with the given flags; sets $cfg (its config) and $base (famulor's URL).
sandbox() {
  "$bin" sandbox --port 0 --until 2025-06-01 "$@" > "$work/sandbox.toml" 2>/dev/null &
  for _ in $(seq 100); do grep -q '^token' "$work/sandbox.toml" 2>/dev/null && break; sleep 0.1; done
  chmod 600 "$work/sandbox.toml"
  cfg=$work/sandbox.toml
  base=$(awk -F'"' '/^\[profiles.famulor\]/{f=1} f&&/^base_url/{print $2; exit}' "$cfg")
}
stop_sandbox() { kill %1 2>/dev/null || true; wait 2>/dev/null || true; }
seconds() { echo "$EPOCHREALTIME"; }

if [[ $which == all || $which == latency ]]; then
  echo "== 1. latency-bound: 20,000 Famulor calls, 20 ms per page, --concurrency 8, CSV to a file"
  sandbox --calls 20000 --latency 20
  # The bound counts the pages actually fetched (calls asks Famulor for whole days around the
  # window, so a few calls beyond it come along).
  pages=$("$bin" --config "$cfg" -p famulor -v --concurrency 8 export --from 2025-01-01 --to 2025-06-01 -o csv 2>&1 >/dev/null | grep -c '^GET')
  best=999
  for _ in 1 2 3 4 5; do
    t0=$(seconds)
    "$bin" --config "$cfg" -p famulor -q --concurrency 8 export --from 2025-01-01 --to 2025-06-01 -o csv --output "$work/calls.csv"
    t1=$(seconds)
    best=$(python3 -c "print(min($best, $t1 - $t0))")
  done
  rows=$(($(wc -l < "$work/calls.csv") - 1))
  bound=$(python3 -c "print($pages * 0.020 / 8)")
  naive_t0=$(seconds)
  python3 - "$base" > "$work/naive.csv" <<'PY'
# The naive client: one page after another, parse, write CSV.
import csv, json, sys, urllib.request
base = sys.argv[1]
out = csv.writer(sys.stdout)
page = 1
while True:
    req = urllib.request.Request(
        f"{base}/api/user/calls?date_from=2025-01-01&date_to=2025-06-01&per_page=100&page={page}",
        headers={"Authorization": "Bearer famulor-sandbox-token", "Accept": "application/json"})
    body = json.load(urllib.request.urlopen(req))
    for c in body["data"]:
        out.writerow([c["id"], c["created_at"], c["type"], c["status"], c["duration"], c["client_phone_number"]])
    if page >= body["last_page"]:
        break
    page += 1
PY
  naive=$(python3 -c "print($(seconds) - $naive_t0)")
  stop_sandbox
  python3 - <<PY
rows, best, bound, naive = $rows, $best, $bound, $naive
print(f"calls export: {rows} calls in {best:.3f} s (best of 5)")
print(f"bound ($pages pages x 20 ms / 8): {bound:.3f} s  ->  {bound / best:.2f} of the bound")
print(f"naive sequential loop (python): {naive:.3f} s  ->  calls is {naive / best:.1f}x faster")
PY
fi

if [[ $which == all || $which == cpu ]]; then
  echo "== 2. CPU-bound: parse + normalize + CSV of Famulor pages, one core"
  cargo bench --quiet --bench parse 2>/dev/null | tail -7
fi

if [[ $which == all || $which == memory ]]; then
  echo "== 3. memory: peak RSS of exporting 1,000,000 vs 10,000 calls (CSV to a file), per vendor"
  for vendor in ${MEMORY_VENDORS:-famulor callcap}; do
    for n in 10000 1000000; do
      sandbox --calls "$n"
      /usr/bin/time -v "$bin" --config "$cfg" -p "$vendor" -q export --from 2025-01-01 --to 2025-06-01 -o csv \
        --output "$work/mem.csv" 2> "$work/time.txt"
      rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$work/time.txt")
      wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$work/time.txt")
      echo "$vendor $n calls: $(($(wc -l < "$work/mem.csv") - 1)) rows, peak RSS $((rss / 1024)) MB, $wall"
      stop_sandbox
    done
  done
fi

if [[ $which == all || $which == recordings ]]; then
  echo "== 4. recordings: ~1,000 recordings of ~200 KB, 20 ms latency, --concurrency 8, vs xargs -P 8 curl"
  sandbox --calls 1750 --latency 20
  window=(--from 2025-01-01 --to 2025-06-01)
  # The same URLs the recording command will fetch (Famulor's links need no credentials).
  "$bin" --config "$cfg" -p famulor -q export "${window[@]}" -o csv --fields recording_url | tail -n +2 | grep -v '^"*$' > "$work/urls.txt"
  n=$(wc -l < "$work/urls.txt")
  ours=999; theirs=999
  for _ in 1 2 3; do
    rm -rf "$work/rec" "$work/curl"; mkdir -p "$work/curl"
    t0=$(seconds)
    "$bin" --config "$cfg" -p famulor -q --concurrency 8 recording "${window[@]}" --dir "$work/rec"
    t1=$(seconds)
    xargs -P 8 -n 16 curl -s -f --output-dir "$work/curl" --remote-name-all < "$work/urls.txt"
    t2=$(seconds)
    ours=$(python3 -c "print(min($ours, $t1 - $t0))")
    theirs=$(python3 -c "print(min($theirs, $t2 - $t1))")
  done
  got=$(find "$work/rec" -type f | wc -l)
  bytes=$(du -sb "$work/rec" | cut -f1)
  stop_sandbox
  python3 - <<PY
n, got, bytes, ours, theirs = $n, $got, $bytes, $ours, $theirs
print(f"{got} of {n} recordings, {bytes / 1e6:.0f} MB")
print(f"calls recording: {ours:.2f} s ({got / ours:.0f} files/s, best of 3)")
print(f"xargs -P 8 curl:  {theirs:.2f} s ({n / theirs:.0f} files/s)")
print(f"throughput ratio calls / curl: {theirs / ours:.2f}")
PY
fi


# Best of 3 wall-clock seconds of one export of $vendor (CSV to a file); sets $best and $requests.
export_best() {
  local vendor=$1; shift
  requests=$("$bin" --config "$cfg" -p "$vendor" -v "$@" export --from 2025-01-01 --to 2025-06-01 -o csv 2>&1 >/dev/null | grep -cE '^(GET|POST) ')
  best=999
  for _ in 1 2 3; do
    t0=$(seconds)
    "$bin" --config "$cfg" -p "$vendor" -q "$@" export --from 2025-01-01 --to 2025-06-01 -o csv --output "$work/$vendor.csv"
    t1=$(seconds)
    best=$(python3 -c "print(min($best, $t1 - $t0))")
  done
  rows=$(($(wc -l < "$work/$vendor.csv") - 1))
}

if [[ $which == all || $which == vendors ]]; then
  echo "== 5. every vendor at its latency bound: 10,007 calls each, 20 ms a page, --concurrency 8"
  sandbox --calls 10007 --latency 20
  for vendor in famulor callcap brightcall mycrm evolux; do
    export_best "$vendor" --concurrency 8
    # myCRM's token request is one more round trip before the first page.
    python3 - <<PY
vendor, rows, best, requests = "$vendor", $rows, $best, $requests
pages = requests - (1 if vendor == "mycrm" else 0)
bound = pages * 0.020 / 8 + 0.020 * (1 + requests - pages)
# The least any client can take: the first page alone (it tells how many there are), then
# rounds of 8 in flight, each round a whole 20 ms; no CPU counted.
rounds = 0.020 * (requests - pages) + 0.020 * (1 + -(-(pages - 1) // 8))
print(f"{vendor:10} {rows:6} calls {requests:4} requests  {best:6.3f} s  bound {bound:6.3f} s  -> {best / bound:4.2f}x the bound"
      f"  (rounds {rounds:5.3f} s: {best / rounds:4.2f}x)")
PY
  done
  stop_sandbox
fi

if [[ $which == all || $which == vendors-1m ]]; then
  echo "== 6. 1,000,000 calls per vendor, no latency (CSV to a file)"
  sandbox --calls 1000000
  famulor_s=
  for vendor in ${VENDORS:-famulor callcap brightcall mycrm evolux}; do
    t0=$(seconds)
    "$bin" --config "$cfg" -p "$vendor" -q export --from 2025-01-01 --to 2025-06-01 -o csv --output "$work/$vendor.csv"
    t1=$(seconds)
    secs=$(python3 -c "print($t1 - $t0)")
    rows=$(($(wc -l < "$work/$vendor.csv") - 1))
    famulor_s=${famulor_s:-$secs}
    python3 -c "print(f'{\"$vendor\":10} {$rows:8} calls  {$secs:7.2f} s  -> {$secs / $famulor_s:5.2f}x famulor')"
    rm -f "$work/$vendor.csv"
  done
  stop_sandbox
fi

if [[ $which == all || $which == sync ]]; then
  echo "== 7. sync into SQLite: first run and a rerun with nothing changed (--full), peak RSS"
  for n in 10000 1000000; do
    sandbox --calls "$n"
    rm -f "$work/bench.db"*
    for pass in first rerun; do
      extra=(); [[ $pass == rerun ]] && extra=(--full)
      t0=$(seconds)
      /usr/bin/time -v "$bin" --config "$cfg" -p famulor sync "$work/bench.db" --from 2025-01-01 --to 2025-06-01 \
        "${extra[@]}" 2> "$work/time.txt"
      t1=$(seconds)
      rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$work/time.txt")
      summary=$(grep '^famulor:' "$work/time.txt")
      python3 -c "n = $n; t = $t1 - $t0; print(f'$pass, {n:,} calls: {t:.2f} s, {n / t:,.0f} calls/s, peak RSS $((rss / 1024)) MB ($summary)')"
    done
    stop_sandbox
  done
fi

if [[ $which == all || $which == sync-pg ]]; then
  echo "== 8. sync into PostgreSQL: first run and a rerun with nothing changed (--full), peak RSS"
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [[ -x $pgbin/initdb ]] || pgbin=$(dirname "$(command -v initdb)")
  as_pg=(); [[ $(id -u) == 0 ]] && as_pg=(runuser -u postgres --)
  pgdir=$(mktemp -d); chmod 755 "$pgdir"; [[ $(id -u) == 0 ]] && chown postgres "$pgdir"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${as_pg[@]}" "$pgbin/initdb" -D "$pgdir/data" -U calls --auth=trust -E UTF8 > /dev/null
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -o "-p $port -h 127.0.0.1 -k $pgdir" -w start > /dev/null
  trap '"${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop > /dev/null 2>&1; kill $(jobs -p) 2>/dev/null || true; rm -rf "$work" "$pgdir"' EXIT
  for n in 10000 1000000; do
    sandbox --calls "$n"
    "$pgbin/psql" -X -q "postgresql://calls@127.0.0.1:$port/postgres" -c 'DROP TABLE IF EXISTS calls, sync_state, schema_version' 2> /dev/null
    for pass in first rerun; do
      extra=(); [[ $pass == rerun ]] && extra=(--full)
      t0=$(seconds)
      /usr/bin/time -v "$bin" --config "$cfg" -p famulor sync "postgresql://calls@127.0.0.1:$port/postgres" \
        --from 2025-01-01 --to 2025-06-01 "${extra[@]}" 2> "$work/time.txt"
      t1=$(seconds)
      rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$work/time.txt")
      summary=$(grep '^famulor:' "$work/time.txt")
      python3 -c "n = $n; t = $t1 - $t0; print(f'$pass, {n:,} calls: {t:.2f} s, {n / t:,.0f} calls/s, peak RSS $((rss / 1024)) MB ($summary)')"
    done
    stop_sandbox
  done
  echo "-- the database side alone (cargo bench --bench db), PostgreSQL"
  "$pgbin/psql" -X -q "postgresql://calls@127.0.0.1:$port/postgres" -c 'DROP TABLE IF EXISTS calls, sync_state, schema_version' 2> /dev/null
  CALLS_BENCH_DEST="postgresql://calls@127.0.0.1:$port/postgres" cargo bench --quiet --bench db 2>&1 | grep -v '^$'
fi

if [[ $which == all || $which == db ]]; then
  echo "== 11. the database side alone, SQLite: 1,000,000 rows into the writer's thread, no vendor"
  cargo bench --quiet --bench db 2>&1 | grep -v '^$'
fi

if [[ $which == all || $which == requests ]]; then
  echo "== 10. requests per hourly sync, per API (by modification time where the API can)"
  CALLS_BIN=$bin cargo bench --quiet --bench requests
fi

if [[ $which == all || $which == stats ]]; then
  echo "== 9. stats --by agent --by day over 10,000 and 1,000,000 Callcap calls: time and peak RSS"
  for n in 10000 1000000; do
    sandbox --calls "$n"
    t0=$(seconds)
    /usr/bin/time -v "$bin" --config "$cfg" -p callcap stats --from 2025-01-01 --to 2025-06-01 \
      --by agent --by day -o csv > "$work/stats.csv" 2> "$work/time.txt"
    t1=$(seconds)
    rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$work/time.txt")
    counted=$(grep -o 'counted [0-9,]* calls' "$work/time.txt")
    python3 -c "n = $n; t = $t1 - $t0; print(f'{n:,} calls: {t:.2f} s, {n / t:,.0f} calls/s, peak RSS $((rss / 1024)) MB, $(($(wc -l < "$work/stats.csv") - 1)) rows ($counted)')"
    stop_sandbox
  done
fi

if [[ $which == all || $which == jobs ]]; then
  echo "== 12. sync of 20 profiles x 5,000 calls, 20 ms a page, into SQLite: --jobs 1 vs --jobs 8"
  sandbox --calls 5000 --latency 20
  # Twenty profiles, each the sandbox's Famulor account under another name.
  block=$(awk '/^\[profiles.famulor\]/{f=1; next} /^\[/{f=0} f' "$cfg")
  for i in $(seq -w 1 20); do printf '\n[profiles.client-%s]\n%s\n' "$i" "$block"; done > "$work/jobs.toml"
  chmod 600 "$work/jobs.toml"
  pages=$("$bin" --config "$work/jobs.toml" -p client-01 -v sync "$work/pages.db" --from 2025-01-01 --to 2025-06-01 2>&1 | grep -c '^GET')
  for jobs in 1 8; do
    rm -f "$work/jobs.db"*
    t0=$(seconds)
    /usr/bin/time -v "$bin" --config "$work/jobs.toml" sync "$work/jobs.db" --all-profiles --jobs "$jobs" \
      --from 2025-01-01 --to 2025-06-01 2> "$work/time.txt"
    t1=$(seconds)
    rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$work/time.txt")
    synced=$(grep -c ' new, ' "$work/time.txt")
    python3 -c "t = $t1 - $t0; print(f'--jobs $jobs: {t:.2f} s for $synced profiles, {100000 / t:,.0f} calls/s, peak RSS $((rss / 1024)) MB')"
  done
  calls=$(grep -o '^client-01: [0-9,]* new' "$work/time.txt" | grep -o '[0-9,]* new')
  # --concurrency 4 (the default): a profile's pages 4 at a time; --jobs 8: 20 profiles in 3 waves.
  python3 -c "p = $pages; print(f'latency bound (client-01: $calls, {p} pages): one profile {p} x 20 ms = {p * 0.020:.2f} s one page after another, {p * 0.020 / 4:.2f} s 4 at a time; 20 profiles --jobs 1: {20 * p * 0.020 / 4:.2f} s; --jobs 8 (3 waves): {3 * p * 0.020 / 4:.2f} s')"
  stop_sandbox
fi

if [[ $which == all || $which == parquet ]]; then
  echo "== 13. parquet: 1,000,000 Famulor calls to Parquet vs the same to CSV (calls/s, peak RSS, best of 3)"
  for n in 10000 1000000; do
    sandbox --calls "$n"
    for format in csv parquet; do
      best=999; rss=0
      for _ in 1 2 3; do
        /usr/bin/time -v "$bin" --config "$cfg" -p famulor -q export --from 2025-01-01 --to 2025-06-01 \
          -o "$format" --output "$work/calls.$format" 2> "$work/time.txt"
        wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$work/time.txt" | awk -F: '{print ($1 * 60) + $2}')
        best=$(python3 -c "print(min($best, $wall))")
        rss=$(awk -F': ' -v r="$rss" '/Maximum resident set size/{print ($2 > r) ? $2 : r}' "$work/time.txt")
      done
      echo "$n calls to $format: best $best s, $(python3 -c "print(f'{$n / $best:,.0f}')") calls/s, peak RSS $((rss / 1024)) MB, $(du -k "$work/calls.$format" | cut -f1) KB"
    done
    stop_sandbox
  done
fi

if [[ $which == all || $which == bulk ]]; then
  echo "== 14. a first sync of 1,000,000 calls against the database's own bulk load of the same rows"
  n=${BULK_CALLS:-1000000}
  sandbox --calls "$n"
  rm -f "$work/bench.db"*
  t0=$(seconds)
  "$bin" --config "$cfg" -p famulor -q sync "$work/bench.db" --from 2025-01-01 --to 2025-06-01
  t1=$(seconds)
  sync_s=$(python3 -c "print($t1 - $t0)")
  stop_sandbox
  # The same rows, as sync stored them, loaded by sqlite3 into the same empty schema (same
  # page size and journal), in one transaction, indexes and all.
  sqlite3 -csv "$work/bench.db" 'SELECT * FROM calls' > "$work/rows.csv"
  {
    echo 'PRAGMA page_size = 16384; PRAGMA journal_mode = WAL;'
    cat migrations/sqlite/*.sql
  } | sqlite3 "$work/import.db" > /dev/null
  t0=$(seconds)
  sqlite3 "$work/import.db" ".import --csv $work/rows.csv calls"
  t1=$(seconds)
  rows=$(sqlite3 "$work/import.db" 'SELECT count(*) FROM calls')
  python3 -c "s = $sync_s; i = $t1 - $t0; n = $rows; print(f'SQLite, {n:,} calls: calls sync {s:.2f} s ({n / s:,.0f} calls/s, vendor reads included); sqlite3 .import {i:.2f} s ({n / i:,.0f} calls/s); sync / import = {s / i:.2f}x')"
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [[ -x ${pgbin:-}/initdb ]] || pgbin=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
  if [[ -x $pgbin/initdb ]]; then
    as_pg=(); [[ $(id -u) == 0 ]] && as_pg=(runuser -u postgres --)
    pgdir=$(mktemp -d); chmod 755 "$pgdir"; [[ $(id -u) == 0 ]] && chown postgres "$pgdir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${as_pg[@]}" "$pgbin/initdb" -D "$pgdir/data" -U calls --auth=trust -E UTF8 > /dev/null
    "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -o "-p $port -h 127.0.0.1 -k $pgdir" -w start > /dev/null
    trap '"${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop > /dev/null 2>&1; kill $(jobs -p) 2>/dev/null || true; rm -rf "$work" "$pgdir"' EXIT
    url="postgresql://calls@127.0.0.1:$port/postgres"
    sandbox --calls "$n"
    t0=$(seconds)
    "$bin" --config "$cfg" -p famulor -q sync "$url" --from 2025-01-01 --to 2025-06-01
    t1=$(seconds)
    sync_s=$(python3 -c "print($t1 - $t0)")
    stop_sandbox
    "$pgbin/psql" -X -q "$url" -c "\\copy calls TO '$work/pg.csv' CSV"
    "$pgbin/psql" -X -q "$url" -c 'TRUNCATE calls'
    t0=$(seconds)
    "$pgbin/psql" -X -q "$url" -c "\\copy calls FROM '$work/pg.csv' CSV"
    t1=$(seconds)
    rows=$("$pgbin/psql" -X -At "$url" -c 'SELECT count(*) FROM calls')
    python3 -c "s = $sync_s; i = $t1 - $t0; n = $rows; print(f'PostgreSQL, {n:,} calls: calls sync {s:.2f} s ({n / s:,.0f} calls/s, vendor reads included); psql \\\\copy {i:.2f} s ({n / i:,.0f} calls/s); sync / copy = {s / i:.2f}x')"
  else
    echo "PostgreSQL: skipped (no initdb; Debian: apt-get install postgresql)"
  fi
fi
