#!/usr/bin/env bash
# calls against dlt (dlthub's Python library), the tool a data team would otherwise pick, loading
# the same sandbox calls into the same databases. Prints a Markdown table.
#
#   benches/vs_dlt.sh                  N=100,000 Famulor calls, one run of each
#   N=20000 RUNS=3 benches/vs_dlt.sh   fewer calls, best of 3
#
# Environment:
#   N=100000        calls in the sandbox (pinned: --seed 1 --until 2025-06-01, no faults)
#   RUNS=1          runs of each measurement; the table shows the fastest
#   CALLS=PATH      this calls binary instead of building the release one
#   TIME_BIN=PATH   GNU time (default /usr/bin/time; a missing one switches to the fallbacks)
#   PGURL=URL       a PostgreSQL database to load into (its tables calls, sync_state,
#                   schema_version and its schemas calls_dlt* are DROPPED); without it a
#                   throwaway cluster is started from /usr/lib/postgresql/*/bin, and PostgreSQL is
#                   skipped with a message when neither works
#   DLT_MODES="merge append"   dlt's write dispositions to measure, each a row: merge on id
#                   has the semantics of calls sync (a rerun updates, never duplicates); append
#                   is dlt's cheapest mode (a rerun duplicates every call)
#
# dlt is pip-installed (version pinned below) into a virtualenv in
# ${XDG_CACHE_HOME:-$HOME/.cache}/calls-bench/dlt-venv the first time: this needs PyPI, so CI
# never runs this script. Nothing of dlt's goes into the project. The dlt side is
# benches/vs_dlt.py: dlt's `rest_api` source paging Famulor's classic API (page numbers up to
# `last_page`, 100 calls a page) into duckdb, sqlite (sqlalchemy destination) and postgres.
#
# Time is wall-clock around each process (start-up included, both sides). Peak RSS is
# /usr/bin/time -v's; where it is missing, ps sampling every 50 ms for calls and Python's
# resource module for dlt. Each row is checked: the destination must hold exactly N calls (one
# row per id), or the row says what it held and the script exits 1. Talks to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100000}
RUNS=${RUNS:-1}
DLT_MODES=${DLT_MODES:-merge append}
DLT_VERSION=1.31.0
DLT_PINS=(duckdb==2.0.1 SQLAlchemy==2.1.9 psycopg2-binary==2.9.13)
venv=${XDG_CACHE_HOME:-$HOME/.cache}/calls-bench/dlt-venv
py=$venv/bin/python
here=benches

if [[ -z ${CALLS:-} ]]; then
  cargo build --release --quiet
  CALLS=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')/release/calls
fi
work=$(mktemp -d)
pgstop=:
trap 'eval "$pgstop"; kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

if ! "$py" -c "import sys, dlt; sys.exit(dlt.__version__ != '$DLT_VERSION')" 2>/dev/null; then
  echo "installing dlt $DLT_VERSION into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "dlt[duckdb,postgres,sqlalchemy]==$DLT_VERSION" "${DLT_PINS[@]}"
fi
export RUNTIME__LOG_LEVEL=WARNING  # dlt: no per-run chatter on stderr

# The sandbox: N Famulor calls, deterministic, served on a free port on 127.0.0.1. Before each
# run it is checked, and started again on the same port (same seed, same calls) if it has gone.
sandbox_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start_sandbox() {
  : > "$work/sandbox.toml"
  "$CALLS" sandbox --port "$sandbox_port" --calls "$N" --seed 1 --until 2025-06-01 > "$work/sandbox.toml" 2>> "$work/sandbox.err" &
  sandbox_pid=$!
  for _ in $(seq 300); do grep -q '^token' "$work/sandbox.toml" 2>/dev/null && break; sleep 0.1; done
  chmod 600 "$work/sandbox.toml"
}
ensure_sandbox() {
  kill -0 "$sandbox_pid" 2>/dev/null && return
  echo "the sandbox (pid $sandbox_pid) has gone ($(tail -1 "$work/sandbox.err" 2>/dev/null)): starting it again" >&2
  wait "$sandbox_pid" 2>/dev/null || true
  start_sandbox
}
start_sandbox
cfg=$work/sandbox.toml
base=$(awk -F'"' '/^\[profiles.famulor\]/{f=1} f&&/^base_url/{print $2; exit}' "$cfg")
token=$(awk -F'"' '/^\[profiles.famulor\]/{f=1} f&&/^token *=/{print $2; exit}' "$cfg")
[[ -n $base && -n $token ]] || { echo "the sandbox did not start" >&2; exit 1; }

# PostgreSQL: $PGURL, or a throwaway cluster (initdb + pg_ctl, as the postgres user under root).
if [[ -z ${PGURL:-} ]]; then
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [[ -x ${pgbin:-}/initdb ]] || pgbin=$(dirname "$(command -v initdb 2>/dev/null || echo /none/initdb)")
  if [[ -x $pgbin/initdb ]]; then
    as_pg=(); [[ $(id -u) == 0 ]] && as_pg=(runuser -u postgres --)
    pgdir=$(mktemp -d); chmod 755 "$pgdir"; [[ $(id -u) == 0 ]] && chown postgres "$pgdir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    if "${as_pg[@]}" "$pgbin/initdb" -D "$pgdir/data" -U calls --auth=trust -E UTF8 > "$pgdir/initdb.log" 2>&1 &&
      "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -o "-p $port -h 127.0.0.1 -k $pgdir" -w start > /dev/null; then
      pgstop='"${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop > /dev/null 2>&1; rm -rf "$pgdir"'
      PGURL="postgresql://calls:calls@127.0.0.1:$port/postgres"  # trust: the password is not checked
    else
      echo "PostgreSQL skipped: could not start a throwaway cluster with $pgbin (see no PGURL)" >&2
      rm -rf "$pgdir"
    fi
  else
    echo "PostgreSQL skipped: no PGURL and no initdb (apt-get install postgresql)" >&2
  fi
fi
export PGURL=${PGURL:-}

# measure CMD...: runs it once; sets secs and rss_mb, or fails with its stderr.
measure() {
  local t0 t1 kb
  if [[ -x ${TIME_BIN:-/usr/bin/time} ]]; then
    t0=$EPOCHREALTIME
    if ! "${TIME_BIN:-/usr/bin/time}" -v -o "$work/time.txt" "$@" > "$work/out.txt" 2> "$work/err.txt"; then
      cat "$work/err.txt" >&2; return 1
    fi
    t1=$EPOCHREALTIME
    kb=$(awk -F': ' '/Maximum resident set size/{print $2}' "$work/time.txt")
  elif [[ $1 == "$py" ]]; then
    t0=$EPOCHREALTIME
    DLT_RSS_FILE=$work/rss.txt "$@" > "$work/out.txt" 2> "$work/err.txt" || { cat "$work/err.txt" >&2; return 1; }
    t1=$EPOCHREALTIME
    kb=$(cat "$work/rss.txt")
  else
    local pid r
    kb=0
    t0=$EPOCHREALTIME
    "$@" > "$work/out.txt" 2> "$work/err.txt" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
      r=$(ps -o rss= -p "$pid" 2>/dev/null || echo 0); r=${r// /}
      (( ${r:-0} > kb )) && kb=$r
      sleep 0.05
    done
    wait "$pid" || { cat "$work/err.txt" >&2; return 1; }
    t1=$EPOCHREALTIME
  fi
  secs=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
  rss_mb=$((kb / 1024))
}

rows=()
failed=0
declare -A rate
# row TOOL DEST COUNT BEST_SECS RSS_MB: one line of the table, checked against N.
row() {
  local per
  if [[ $3 == "$N" ]]; then
    per=$(python3 -c "print(f'{$N / $4:,.0f}')")
    rate[$1/$2]=$(python3 -c "print($N / $4)")
  else
    per="**wrong count: $3 rows, not $N**"; failed=1
  fi
  rows+=("| $1 | $2 | $(python3 -c "print(f'{$N:,}')") | $4 | $per | $5 MB |")
}

# bench TOOL DEST RESET COUNT CMD...: RUNS runs, each after RESET, counted by COUNT after it.
bench() {
  local tool=$1 dest=$2 reset=$3 count=$4; shift 4
  local best= best_rss= n=
  for _ in $(seq "$RUNS"); do
    eval "$reset"
    ensure_sandbox
    load=$(cut -d' ' -f1 /proc/loadavg)
    measure "$@" || { rows+=("| $tool | $dest | | failed | | |"); failed=1; return; }
    n=$(eval "$count")
    echo "$tool -> $dest: $secs s, $n rows, peak RSS $rss_mb MB (load average $load before)" >&2
    if [[ -z $best ]] || python3 -c "import sys; sys.exit(not $secs < $best)"; then best=$secs best_rss=$rss_mb; fi
  done
  row "$tool" "$dest" "$n" "$best" "$best_rss"
}

sqlite_count='python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT count(*) FROM calls\").fetchone()[0])" "$work/calls.db"'
dlt_reset='rm -rf "$work"/dlt*'  # its pipeline folder, dlt.duckdb, dlt.sqlite and dlt__calls_dlt*.sqlite
pg_calls_reset='"$py" $here/vs_dlt.py pg "DROP TABLE IF EXISTS calls, sync_state, schema_version"'
pg_dlt_reset='eval "$dlt_reset"; "$py" $here/vs_dlt.py pg "DROP SCHEMA IF EXISTS calls_dlt CASCADE; DROP SCHEMA IF EXISTS calls_dlt_staging CASCADE"'

echo "$N sandbox calls at $base; $("$CALLS" --version 2>/dev/null | head -1), dlt $DLT_VERSION ($("$py" --version)): $DLT_MODES" >&2

bench calls SQLite 'rm -f "$work"/calls.db*' "$sqlite_count" \
  "$CALLS" --config "$cfg" -p famulor sync "$work/calls.db" --from 2025-01-01 --to 2025-06-01
[[ -n $PGURL ]] && bench calls PostgreSQL "$pg_calls_reset" '"$py" $here/vs_dlt.py pg "SELECT count(*) FROM calls"' \
  "$CALLS" --config "$cfg" -p famulor sync "$PGURL" --from 2025-01-01 --to 2025-06-01
for mode in $DLT_MODES; do
  export DLT_WRITE_DISPOSITION=$mode
  bench "dlt ($mode)" "SQLite (sqlalchemy)" "$dlt_reset" '"$py" $here/vs_dlt.py count sqlite "$work"' \
    "$py" $here/vs_dlt.py load sqlite "$work" "$base" "$token"
  bench "dlt ($mode)" duckdb "$dlt_reset" '"$py" $here/vs_dlt.py count duckdb "$work"' \
    "$py" $here/vs_dlt.py load duckdb "$work" "$base" "$token"
  [[ -n $PGURL ]] && bench "dlt ($mode)" PostgreSQL "$pg_dlt_reset" '"$py" $here/vs_dlt.py count postgres "$work"' \
    "$py" $here/vs_dlt.py load postgres "$work" "$base" "$token"
done
echo
echo "| tool | destination | calls | seconds | calls/s | peak RSS |"
echo "|---|---|--:|--:|--:|--:|"
printf '%s\n' "${rows[@]}"
echo
for mode in $DLT_MODES; do
  for pair in "SQLite:SQLite (sqlalchemy)" "PostgreSQL:PostgreSQL"; do
    c=${rate[calls/${pair%%:*}]:-} d=${rate[dlt ($mode)/${pair#*:}]:-}
    [[ -n $c && -n $d ]] && python3 -c "print(f'{\"${pair%%:*}\"}: calls {$c / $d:.1f}x dlt ($mode)')"
  done
done
exit $failed
