"""The dlt side of benches/vs_dlt.sh: dlthub's `dlt` loading the sandbox's Famulor calls.

Run by vs_dlt.sh with the Python of a virtualenv that has dlt installed (never by CI):

    vs_dlt.py load  DEST WORK BASE_URL TOKEN   # one pipeline run into a fresh destination
    vs_dlt.py count DEST WORK                  # rows dlt loaded into its `calls` table
    vs_dlt.py pg SQL                           # run SQL on $PGURL (resets and counts)

DEST is duckdb (dlt's default: a file WORK/dlt.duckdb), sqlite (the sqlalchemy destination,
sqlite:///WORK/dlt.sqlite) or postgres (the URL in $PGURL, dataset `calls_dlt`).

The source is dlt's declarative `rest_api` source, configured the way its docs show for a
Laravel-style API: bearer token, `Accept: application/json`, a page-number paginator that stops
at `last_page`, 100 calls a page (Famulor's maximum), the same date window `calls sync` asks
for. `write_disposition="merge"` with `primary_key="id"` gives dlt the semantics of `calls sync`
(a rerun updates calls instead of duplicating them); DLT_WRITE_DISPOSITION=append measures
dlt's cheapest mode instead. Into SQLite dlt gets one load worker (LOAD__WORKERS=1): with its
default parallel jobs SQLite said "database is locked" at 100,000 calls. Nested fields (transcripts, evaluations) become child tables, dlt's
default; the count is taken on the parent table, one row per call.
"""

import os
import sys

import dlt
from dlt.sources.rest_api import rest_api_source

DATASET = "calls_dlt"


def destination(dest, work):
    if dest == "duckdb":
        return dlt.destinations.duckdb(credentials=os.path.join(work, "dlt.duckdb"))
    if dest == "sqlite":
        return dlt.destinations.sqlalchemy(credentials="sqlite:///" + os.path.join(work, "dlt.sqlite"))
    if dest == "postgres":
        return dlt.destinations.postgres(credentials=os.environ["PGURL"])
    raise SystemExit(f"unknown destination {dest!r}")


def pipeline(dest, work):
    return dlt.pipeline(
        pipeline_name=f"calls_vs_dlt_{dest}",
        pipelines_dir=os.path.join(work, "dlt-pipelines"),
        destination=destination(dest, work),
        dataset_name=DATASET,
        progress=None,
    )


def load(dest, work, base_url, token):
    disposition = os.environ.get("DLT_WRITE_DISPOSITION", "merge")
    if dest == "sqlite":
        # dlt loads the parent and child tables in parallel jobs, which SQLite answers with
        # "database is locked" once one waits more than 5 s (seen at 100,000 calls): one loader.
        os.environ.setdefault("LOAD__WORKERS", "1")
    source = rest_api_source(
        {
            "client": {
                "base_url": base_url.rstrip("/") + "/",
                "auth": {"type": "bearer", "token": token},
                "headers": {"Accept": "application/json"},
                "paginator": {
                    "type": "page_number",
                    "base_page": 1,
                    "page_param": "page",
                    "total_path": "last_page",
                },
            },
            "resource_defaults": {
                "primary_key": "id",
                "write_disposition": disposition,
            },
            "resources": [
                {
                    "name": "calls",
                    "endpoint": {
                        "path": "api/user/calls",
                        "params": {
                            "date_from": "2025-01-01",
                            "date_to": "2025-06-01",
                            "per_page": 100,
                        },
                        "data_selector": "data",
                    },
                }
            ],
        }
    )
    info = pipeline(dest, work).run(source)
    info.raise_on_failed_jobs()


def count(dest, work):
    with pipeline(dest, work).sql_client() as client:
        rows = client.execute_sql(f"SELECT count(*), count(DISTINCT id) FROM {client.make_qualified_table_name('calls')}")
    total, distinct = rows[0]
    print(total if total == distinct else f"{total} ({distinct} distinct)")


def pg(sql):
    """Runs SQL statements (separated by `;`) on $PGURL; prints the last one's first value."""
    import psycopg2

    with psycopg2.connect(os.environ["PGURL"]) as conn, conn.cursor() as cur:
        for statement in filter(str.strip, sql.split(";")):
            cur.execute(statement)
        if cur.description:
            print(cur.fetchone()[0])


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "load":
        load(*args)
        if os.environ.get("DLT_RSS_FILE"):  # no /usr/bin/time: the peak RSS from the kernel
            import resource

            with open(os.environ["DLT_RSS_FILE"], "w") as f:
                print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=f)  # KiB
    elif cmd == "pg":
        pg(*args)
    elif cmd == "count":
        count(*args)
    else:
        raise SystemExit(f"unknown command {cmd!r}")
