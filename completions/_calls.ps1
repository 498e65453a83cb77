
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'calls' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'calls'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'calls' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Override the vendor API''s base URL')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'myCRM''s OAuth2 token endpoint, required with a base URL of one''s own [default: the profile''s token_url, else the vendor''s]')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile''s timezone, else the local zone; csv, tsv, json, ndjson: UTC]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds per request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N requests per second to the vendor API [default: the profile''s, else the vendor''s documented limit on its own host (famulor: 100 a minute), else none]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against an embedded sandbox started in-process (no config or secrets needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars (they are also off when stderr is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The most recent matching calls, newest first')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Every matching call, all pages, streamed: for files, pipes and cron')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Keep a database (SQLite or PostgreSQL) up to date: new calls inserted, changed calls updated')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Counts, answer rate and talk time per day, hour, agent, campaign, ... with a bar chart')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One call in full (transcript, evaluation, all vendor fields)')
            [CompletionResult]::new('recording', 'recording', [CompletionResultType]::ParameterValue, 'Download recordings: of the given ids, or of every matching call')
            [CompletionResult]::new('assign', 'assign', [CompletionResultType]::ParameterValue, 'Assign call records to a user, property or lead, or mark them seen (myCRM)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete call records (Famulor, myCRM): by ids, or every call matching the filters')
            [CompletionResult]::new('vendors', 'vendors', [CompletionResultType]::ParameterValue, 'The vendors and what each supports')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Write, locate, print or check the config file; list its profiles')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (profile names are completed from the config)')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Serve the built-in fake vendor APIs on 127.0.0.1')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'calls;list' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Start (inclusive): YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], an RFC 3339 datetime, now, today, yesterday, an age (30m, 12h, 7d, 2w, 3mo, 1y ago), or a period: this-week, last-week, this-month, last-month, this-year, last-year (alone: the whole period; weeks start on Monday). Read in --tz, else the profile''s timezone, else the local zone [default: 30d]')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'End, in the forms of --from: a date includes that whole day, a period ends with it, a datetime is exclusive [default: now, or the end of a --from period]')
            [CompletionResult]::new('--direction', '--direction', [CompletionResultType]::ParameterName, 'inbound, outbound, internal or web')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'answered, missed, busy, failed, voicemail, canceled, in-progress, unknown (repeatable, or a,b)')
            [CompletionResult]::new('--number', '--number', [CompletionResultType]::ParameterName, 'The customer''s number; spaces, dashes and + are ignored')
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'Agent / assistant: a name as shown (any case) or an id (repeatable)')
            [CompletionResult]::new('--campaign', '--campaign', [CompletionResultType]::ParameterName, 'Campaign / project: a name as shown (any case) or an id (repeatable)')
            [CompletionResult]::new('--min-duration', '--min-duration', [CompletionResultType]::ParameterName, 'Only calls lasting at least this long: seconds (90), or 2m, 1m30s, 1h')
            [CompletionResult]::new('--max-duration', '--max-duration', [CompletionResultType]::ParameterName, 'Only calls lasting at most this long: seconds (90), or 2m, 1m30s, 1h')
            [CompletionResult]::new('--search', '--search', [CompletionResultType]::ParameterName, 'Free text: the vendor''s search where it has one, else every field of the record')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop after N calls [list default: 25]')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'Raw vendor query parameter, sent as given (repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else ndjson]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else ndjson]')
            [CompletionResult]::new('--fields', '--fields', [CompletionResultType]::ParameterName, 'Pick and order fields, e.g. id,started_at,status (all formats)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE atomically (replaced only when complete); -o parquet: a FILE, or DIR/ for a new file per run')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Override the vendor API''s base URL')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'myCRM''s OAuth2 token endpoint, required with a base URL of one''s own [default: the profile''s token_url, else the vendor''s]')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile''s timezone, else the local zone; csv, tsv, json, ndjson: UTC]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds per request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N requests per second to the vendor API [default: the profile''s, else the vendor''s documented limit on its own host (famulor: 100 a minute), else none]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Add the vendor''s original record as `raw` (json, ndjson, parquet)')
            [CompletionResult]::new('--no-header', '--no-header', [CompletionResultType]::ParameterName, 'No header line (csv, tsv)')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against an embedded sandbox started in-process (no config or secrets needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars (they are also off when stderr is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'calls;export' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Start (inclusive): YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], an RFC 3339 datetime, now, today, yesterday, an age (30m, 12h, 7d, 2w, 3mo, 1y ago), or a period: this-week, last-week, this-month, last-month, this-year, last-year (alone: the whole period; weeks start on Monday). Read in --tz, else the profile''s timezone, else the local zone [default: 30d]')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'End, in the forms of --from: a date includes that whole day, a period ends with it, a datetime is exclusive [default: now, or the end of a --from period]')
            [CompletionResult]::new('--direction', '--direction', [CompletionResultType]::ParameterName, 'inbound, outbound, internal or web')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'answered, missed, busy, failed, voicemail, canceled, in-progress, unknown (repeatable, or a,b)')
            [CompletionResult]::new('--number', '--number', [CompletionResultType]::ParameterName, 'The customer''s number; spaces, dashes and + are ignored')
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'Agent / assistant: a name as shown (any case) or an id (repeatable)')
            [CompletionResult]::new('--campaign', '--campaign', [CompletionResultType]::ParameterName, 'Campaign / project: a name as shown (any case) or an id (repeatable)')
            [CompletionResult]::new('--min-duration', '--min-duration', [CompletionResultType]::ParameterName, 'Only calls lasting at least this long: seconds (90), or 2m, 1m30s, 1h')
            [CompletionResult]::new('--max-duration', '--max-duration', [CompletionResultType]::ParameterName, 'Only calls lasting at most this long: seconds (90), or 2m, 1m30s, 1h')
            [CompletionResult]::new('--search', '--search', [CompletionResultType]::ParameterName, 'Free text: the vendor''s search where it has one, else every field of the record')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop after N calls [list default: 25]')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'Raw vendor query parameter, sent as given (repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else ndjson]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else ndjson]')
            [CompletionResult]::new('--fields', '--fields', [CompletionResultType]::ParameterName, 'Pick and order fields, e.g. id,started_at,status (all formats)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE atomically (replaced only when complete); -o parquet: a FILE, or DIR/ for a new file per run')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State file for --since-last [default: the OS data dir, e.g. ~/.local/share/calls/state/]')
            [CompletionResult]::new('--lookback', '--lookback', [CompletionResultType]::ParameterName, 'How far before the newest call already exported the next run starts, for calls the vendor records late: 30m, 2h, 1d')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Append one JSON line per run to FILE (NDJSON: profile, window, requests, calls exported, the error and exit code of a failed run), for monitoring')
            [CompletionResult]::new('--every', '--every', [CompletionResultType]::ParameterName, 'How often --follow polls [default: 30s]')
            [CompletionResult]::new('--revisit', '--revisit', [CompletionResultType]::ParameterName, 'How far back --follow looks for changed calls [default: 2h] (Callcap and Famulor Platform 2.0 see changes to older calls too)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Override the vendor API''s base URL')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'myCRM''s OAuth2 token endpoint, required with a base URL of one''s own [default: the profile''s token_url, else the vendor''s]')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile''s timezone, else the local zone; csv, tsv, json, ndjson: UTC]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds per request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N requests per second to the vendor API [default: the profile''s, else the vendor''s documented limit on its own host (famulor: 100 a minute), else none]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Add the vendor''s original record as `raw` (json, ndjson, parquet)')
            [CompletionResult]::new('--no-header', '--no-header', [CompletionResultType]::ParameterName, 'No header line (csv, tsv)')
            [CompletionResult]::new('--since-last', '--since-last', [CompletionResultType]::ParameterName, 'Resume after the last successful run of this profile, filter set and destination')
            [CompletionResult]::new('--append', '--append', [CompletionResultType]::ParameterName, 'Append to an existing --output file (no second CSV header; csv and ndjson only)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'After the window, keep polling: print each new call, and each changed call again (a table row on a terminal, or -o csv, tsv, ndjson; one line each, flushed)')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against an embedded sandbox started in-process (no config or secrets needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars (they are also off when stderr is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'calls;sync' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Start (inclusive): YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], an RFC 3339 datetime, now, today, yesterday, an age (30m, 12h, 7d, 2w, 3mo, 1y ago), or a period: this-week, last-week, this-month, last-month, this-year, last-year (alone: the whole period; weeks start on Monday). Read in --tz, else the profile''s timezone, else the local zone [default: 30d]')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'End, in the forms of --from: a date includes that whole day, a period ends with it, a datetime is exclusive [default: now, or the end of a --from period]')
            [CompletionResult]::new('--direction', '--direction', [CompletionResultType]::ParameterName, 'inbound, outbound, internal or web')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'answered, missed, busy, failed, voicemail, canceled, in-progress, unknown (repeatable, or a,b)')
            [CompletionResult]::new('--number', '--number', [CompletionResultType]::ParameterName, 'The customer''s number; spaces, dashes and + are ignored')
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'Agent / assistant: a name as shown (any case) or an id (repeatable)')
            [CompletionResult]::new('--campaign', '--campaign', [CompletionResultType]::ParameterName, 'Campaign / project: a name as shown (any case) or an id (repeatable)')
            [CompletionResult]::new('--min-duration', '--min-duration', [CompletionResultType]::ParameterName, 'Only calls lasting at least this long: seconds (90), or 2m, 1m30s, 1h')
            [CompletionResult]::new('--max-duration', '--max-duration', [CompletionResultType]::ParameterName, 'Only calls lasting at most this long: seconds (90), or 2m, 1m30s, 1h')
            [CompletionResult]::new('--search', '--search', [CompletionResultType]::ParameterName, 'Free text: the vendor''s search where it has one, else every field of the record')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'Raw vendor query parameter, sent as given (repeatable)')
            [CompletionResult]::new('--revisit', '--revisit', [CompletionResultType]::ParameterName, 'How far before the newest call already stored the next run starts, for calls that change late: 30m, 2h, 1d (not for APIs that list by modification time: Callcap and Famulor Platform 2.0 read what changed since, however old)')
            [CompletionResult]::new('--every', '--every', [CompletionResultType]::ParameterName, 'Keep running: one sync every DURATION (SIGTERM or Ctrl-C between runs exits 0); each run''s summary lines start with the time')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'How many profiles sync at once (1 to 64); into PostgreSQL, a profile another process is syncing is skipped with a note')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Append one JSON line per profile per run to FILE (NDJSON: counts, window, requests, the error and exit code of a failed profile), for monitoring')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop after N calls [list default: 25]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Override the vendor API''s base URL')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'myCRM''s OAuth2 token endpoint, required with a base URL of one''s own [default: the profile''s token_url, else the vendor''s]')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile''s timezone, else the local zone; csv, tsv, json, ndjson: UTC]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds per request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N requests per second to the vendor API [default: the profile''s, else the vendor''s documented limit on its own host (famulor: 100 a minute), else none]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--all-profiles', '--all-profiles', [CompletionResultType]::ParameterName, 'Every profile of the config (with --sandbox: every vendor)')
            [CompletionResult]::new('--full', '--full', [CompletionResultType]::ParameterName, 'Read the whole --from window again, not only what is new')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against an embedded sandbox started in-process (no config or secrets needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars (they are also off when stderr is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'calls;stats' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Start (inclusive): YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], an RFC 3339 datetime, now, today, yesterday, an age (30m, 12h, 7d, 2w, 3mo, 1y ago), or a period: this-week, last-week, this-month, last-month, this-year, last-year (alone: the whole period; weeks start on Monday). Read in --tz, else the profile''s timezone, else the local zone [default: 30d]')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'End, in the forms of --from: a date includes that whole day, a period ends with it, a datetime is exclusive [default: now, or the end of a --from period]')
            [CompletionResult]::new('--direction', '--direction', [CompletionResultType]::ParameterName, 'inbound, outbound, internal or web')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'answered, missed, busy, failed, voicemail, canceled, in-progress, unknown (repeatable, or a,b)')
            [CompletionResult]::new('--number', '--number', [CompletionResultType]::ParameterName, 'The customer''s number; spaces, dashes and + are ignored')
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'Agent / assistant: a name as shown (any case) or an id (repeatable)')
            [CompletionResult]::new('--campaign', '--campaign', [CompletionResultType]::ParameterName, 'Campaign / project: a name as shown (any case) or an id (repeatable)')
            [CompletionResult]::new('--min-duration', '--min-duration', [CompletionResultType]::ParameterName, 'Only calls lasting at least this long: seconds (90), or 2m, 1m30s, 1h')
            [CompletionResult]::new('--max-duration', '--max-duration', [CompletionResultType]::ParameterName, 'Only calls lasting at most this long: seconds (90), or 2m, 1m30s, 1h')
            [CompletionResult]::new('--search', '--search', [CompletionResultType]::ParameterName, 'Free text: the vendor''s search where it has one, else every field of the record')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'Raw vendor query parameter, sent as given (repeatable)')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Group by day, week, month, hour, weekday, agent, campaign, line, direction or status; given twice, groups nest (--by agent --by day) [default: one total row]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table (with a chart) on a terminal, else ndjson]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table (with a chart) on a terminal, else ndjson]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE atomically (replaced only when complete); the format from its extension unless -o')
            [CompletionResult]::new('--fields', '--fields', [CompletionResultType]::ParameterName, 'Pick and order columns, e.g. agent,calls,answer_rate (the csv header''s names; in a table, which numbers show)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop after N calls [list default: 25]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Override the vendor API''s base URL')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'myCRM''s OAuth2 token endpoint, required with a base URL of one''s own [default: the profile''s token_url, else the vendor''s]')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile''s timezone, else the local zone; csv, tsv, json, ndjson: UTC]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds per request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N requests per second to the vendor API [default: the profile''s, else the vendor''s documented limit on its own host (famulor: 100 a minute), else none]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--no-header', '--no-header', [CompletionResultType]::ParameterName, 'No header line (csv, tsv)')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against an embedded sandbox started in-process (no config or secrets needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars (they are also off when stderr is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'calls;show' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else ndjson]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else ndjson]')
            [CompletionResult]::new('--fields', '--fields', [CompletionResultType]::ParameterName, 'Pick and order fields, e.g. id,started_at,status (all formats)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE atomically (replaced only when complete); -o parquet: a FILE, or DIR/ for a new file per run')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Override the vendor API''s base URL')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'myCRM''s OAuth2 token endpoint, required with a base URL of one''s own [default: the profile''s token_url, else the vendor''s]')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile''s timezone, else the local zone; csv, tsv, json, ndjson: UTC]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds per request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N requests per second to the vendor API [default: the profile''s, else the vendor''s documented limit on its own host (famulor: 100 a minute), else none]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Add the vendor''s original record as `raw` (json, ndjson, parquet)')
            [CompletionResult]::new('--no-header', '--no-header', [CompletionResultType]::ParameterName, 'No header line (csv, tsv)')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against an embedded sandbox started in-process (no config or secrets needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars (they are also off when stderr is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'calls;recording' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Start (inclusive): YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], an RFC 3339 datetime, now, today, yesterday, an age (30m, 12h, 7d, 2w, 3mo, 1y ago), or a period: this-week, last-week, this-month, last-month, this-year, last-year (alone: the whole period; weeks start on Monday). Read in --tz, else the profile''s timezone, else the local zone [default: 30d]')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'End, in the forms of --from: a date includes that whole day, a period ends with it, a datetime is exclusive [default: now, or the end of a --from period]')
            [CompletionResult]::new('--direction', '--direction', [CompletionResultType]::ParameterName, 'inbound, outbound, internal or web')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'answered, missed, busy, failed, voicemail, canceled, in-progress, unknown (repeatable, or a,b)')
            [CompletionResult]::new('--number', '--number', [CompletionResultType]::ParameterName, 'The customer''s number; spaces, dashes and + are ignored')
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'Agent / assistant: a name as shown (any case) or an id (repeatable)')
            [CompletionResult]::new('--campaign', '--campaign', [CompletionResultType]::ParameterName, 'Campaign / project: a name as shown (any case) or an id (repeatable)')
            [CompletionResult]::new('--min-duration', '--min-duration', [CompletionResultType]::ParameterName, 'Only calls lasting at least this long: seconds (90), or 2m, 1m30s, 1h')
            [CompletionResult]::new('--max-duration', '--max-duration', [CompletionResultType]::ParameterName, 'Only calls lasting at most this long: seconds (90), or 2m, 1m30s, 1h')
            [CompletionResult]::new('--search', '--search', [CompletionResultType]::ParameterName, 'Free text: the vendor''s search where it has one, else every field of the record')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop after N calls [list default: 25]')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'Raw vendor query parameter, sent as given (repeatable)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Folder to save into')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'File name: {vendor} {id} {date} {time} {direction} {status} {customer_number} {agent} {campaign} {ext} (what the file is: wav, mp3, ...); ''/'' makes folders')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, '''-'': write the audio of a single id to stdout')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Write a CSV of id,path,bytes,sha256,status')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Override the vendor API''s base URL')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'myCRM''s OAuth2 token endpoint, required with a base URL of one''s own [default: the profile''s token_url, else the vendor''s]')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile''s timezone, else the local zone; csv, tsv, json, ndjson: UTC]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds per request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N requests per second to the vendor API [default: the profile''s, else the vendor''s documented limit on its own host (famulor: 100 a minute), else none]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--overwrite', '--overwrite', [CompletionResultType]::ParameterName, 'Download again files that are already complete')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against an embedded sandbox started in-process (no config or secrets needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars (they are also off when stderr is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'calls;assign' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Assign to this user id')
            [CompletionResult]::new('--property', '--property', [CompletionResultType]::ParameterName, 'Assign to this property id')
            [CompletionResult]::new('--lead', '--lead', [CompletionResultType]::ParameterName, 'Assign to this lead id')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Override the vendor API''s base URL')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'myCRM''s OAuth2 token endpoint, required with a base URL of one''s own [default: the profile''s token_url, else the vendor''s]')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile''s timezone, else the local zone; csv, tsv, json, ndjson: UTC]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds per request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N requests per second to the vendor API [default: the profile''s, else the vendor''s documented limit on its own host (famulor: 100 a minute), else none]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--seen', '--seen', [CompletionResultType]::ParameterName, 'Mark as seen')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the requests that would be sent, and send nothing')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against an embedded sandbox started in-process (no config or secrets needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars (they are also off when stderr is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'calls;delete' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Start (inclusive): YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], an RFC 3339 datetime, now, today, yesterday, an age (30m, 12h, 7d, 2w, 3mo, 1y ago), or a period: this-week, last-week, this-month, last-month, this-year, last-year (alone: the whole period; weeks start on Monday). Read in --tz, else the profile''s timezone, else the local zone [default: 30d]')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'End, in the forms of --from: a date includes that whole day, a period ends with it, a datetime is exclusive [default: now, or the end of a --from period]')
            [CompletionResult]::new('--direction', '--direction', [CompletionResultType]::ParameterName, 'inbound, outbound, internal or web')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'answered, missed, busy, failed, voicemail, canceled, in-progress, unknown (repeatable, or a,b)')
            [CompletionResult]::new('--number', '--number', [CompletionResultType]::ParameterName, 'The customer''s number; spaces, dashes and + are ignored')
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'Agent / assistant: a name as shown (any case) or an id (repeatable)')
            [CompletionResult]::new('--campaign', '--campaign', [CompletionResultType]::ParameterName, 'Campaign / project: a name as shown (any case) or an id (repeatable)')
            [CompletionResult]::new('--min-duration', '--min-duration', [CompletionResultType]::ParameterName, 'Only calls lasting at least this long: seconds (90), or 2m, 1m30s, 1h')
            [CompletionResult]::new('--max-duration', '--max-duration', [CompletionResultType]::ParameterName, 'Only calls lasting at most this long: seconds (90), or 2m, 1m30s, 1h')
            [CompletionResult]::new('--search', '--search', [CompletionResultType]::ParameterName, 'Free text: the vendor''s search where it has one, else every field of the record')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop after N calls [list default: 25]')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'Raw vendor query parameter, sent as given (repeatable)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Override the vendor API''s base URL')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'myCRM''s OAuth2 token endpoint, required with a base URL of one''s own [default: the profile''s token_url, else the vendor''s]')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile''s timezone, else the local zone; csv, tsv, json, ndjson: UTC]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds per request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N requests per second to the vendor API [default: the profile''s, else the vendor''s documented limit on its own host (famulor: 100 a minute), else none]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the requests that would be sent, and send nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask (required when stdin is not a terminal)')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against an embedded sandbox started in-process (no config or secrets needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars (they are also off when stderr is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'calls;vendors' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else json]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else json]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Override the vendor API''s base URL')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'myCRM''s OAuth2 token endpoint, required with a base URL of one''s own [default: the profile''s token_url, else the vendor''s]')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile''s timezone, else the local zone; csv, tsv, json, ndjson: UTC]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds per request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N requests per second to the vendor API [default: the profile''s, else the vendor''s documented limit on its own host (famulor: 100 a minute), else none]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against an embedded sandbox started in-process (no config or secrets needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars (they are also off when stderr is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'calls;config' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Override the vendor API''s base URL')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'myCRM''s OAuth2 token endpoint, required with a base URL of one''s own [default: the profile''s token_url, else the vendor''s]')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile''s timezone, else the local zone; csv, tsv, json, ndjson: UTC]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds per request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N requests per second to the vendor API [default: the profile''s, else the vendor''s documented limit on its own host (famulor: 100 a minute), else none]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against an embedded sandbox started in-process (no config or secrets needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars (they are also off when stderr is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented starter config (mode 0600): one active profile, Famulor''s or --vendor V''s, and the other vendors'' as comments')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file''s path')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the config with secrets redacted (-p NAME: that profile only)')
            [CompletionResult]::new('profiles', 'profiles', [CompletionResultType]::ParameterValue, 'List the profiles: vendor, API, and where each secret comes from (never the secret)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate the config and every profile (-p NAME: that profile only)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'calls;config;init' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Override the vendor API''s base URL')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'myCRM''s OAuth2 token endpoint, required with a base URL of one''s own [default: the profile''s token_url, else the vendor''s]')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile''s timezone, else the local zone; csv, tsv, json, ndjson: UTC]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds per request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N requests per second to the vendor API [default: the profile''s, else the vendor''s documented limit on its own host (famulor: 100 a minute), else none]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing file')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against an embedded sandbox started in-process (no config or secrets needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars (they are also off when stderr is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'calls;config;path' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Override the vendor API''s base URL')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'myCRM''s OAuth2 token endpoint, required with a base URL of one''s own [default: the profile''s token_url, else the vendor''s]')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile''s timezone, else the local zone; csv, tsv, json, ndjson: UTC]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds per request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N requests per second to the vendor API [default: the profile''s, else the vendor''s documented limit on its own host (famulor: 100 a minute), else none]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against an embedded sandbox started in-process (no config or secrets needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars (they are also off when stderr is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'calls;config;show' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Override the vendor API''s base URL')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'myCRM''s OAuth2 token endpoint, required with a base URL of one''s own [default: the profile''s token_url, else the vendor''s]')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile''s timezone, else the local zone; csv, tsv, json, ndjson: UTC]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds per request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N requests per second to the vendor API [default: the profile''s, else the vendor''s documented limit on its own host (famulor: 100 a minute), else none]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against an embedded sandbox started in-process (no config or secrets needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars (they are also off when stderr is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'calls;config;profiles' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Override the vendor API''s base URL')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'myCRM''s OAuth2 token endpoint, required with a base URL of one''s own [default: the profile''s token_url, else the vendor''s]')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile''s timezone, else the local zone; csv, tsv, json, ndjson: UTC]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds per request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N requests per second to the vendor API [default: the profile''s, else the vendor''s documented limit on its own host (famulor: 100 a minute), else none]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against an embedded sandbox started in-process (no config or secrets needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars (they are also off when stderr is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'calls;config;check' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Override the vendor API''s base URL')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'myCRM''s OAuth2 token endpoint, required with a base URL of one''s own [default: the profile''s token_url, else the vendor''s]')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile''s timezone, else the local zone; csv, tsv, json, ndjson: UTC]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds per request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N requests per second to the vendor API [default: the profile''s, else the vendor''s documented limit on its own host (famulor: 100 a minute), else none]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--online', '--online', [CompletionResultType]::ParameterName, 'Also make one cheap authenticated request per profile')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against an embedded sandbox started in-process (no config or secrets needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars (they are also off when stderr is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'calls;config;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented starter config (mode 0600): one active profile, Famulor''s or --vendor V''s, and the other vendors'' as comments')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file''s path')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the config with secrets redacted (-p NAME: that profile only)')
            [CompletionResult]::new('profiles', 'profiles', [CompletionResultType]::ParameterValue, 'List the profiles: vendor, API, and where each secret comes from (never the secret)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate the config and every profile (-p NAME: that profile only)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'calls;config;help;init' {
            break
        }
        'calls;config;help;path' {
            break
        }
        'calls;config;help;show' {
            break
        }
        'calls;config;help;profiles' {
            break
        }
        'calls;config;help;check' {
            break
        }
        'calls;config;help;help' {
            break
        }
        'calls;completions' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Override the vendor API''s base URL')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'myCRM''s OAuth2 token endpoint, required with a base URL of one''s own [default: the profile''s token_url, else the vendor''s]')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile''s timezone, else the local zone; csv, tsv, json, ndjson: UTC]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds per request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N requests per second to the vendor API [default: the profile''s, else the vendor''s documented limit on its own host (famulor: 100 a minute), else none]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against an embedded sandbox started in-process (no config or secrets needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars (they are also off when stderr is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'calls;sandbox' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port for the vendor APIs (0: any free port); recordings are served on another port')
            [CompletionResult]::new('--calls', '--calls', [CompletionResultType]::ParameterName, 'Calls per vendor')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for the generated data')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Calls spread over the 90 days before this date [default: now]')
            [CompletionResult]::new('--latency', '--latency', [CompletionResultType]::ParameterName, 'Milliseconds each API answer takes, counted from the request''s arrival')
            [CompletionResult]::new('--fail-rate', '--fail-rate', [CompletionResultType]::ParameterName, 'Share of API requests that fail (500/503, 429 with Retry-After, cut bodies)')
            [CompletionResult]::new('--token-ttl', '--token-ttl', [CompletionResultType]::ParameterName, 'Seconds after which the myCRM API refuses an access token (its answer still says 1800)')
            [CompletionResult]::new('--recording-faults', '--recording-faults', [CompletionResultType]::ParameterName, 'Share of recording links that are broken (expired, or a 200 with an error page)')
            [CompletionResult]::new('--change-rate', '--change-rate', [CompletionResultType]::ParameterName, 'Share of calls that change after they are first served, within 2 h of their start: an in-progress call finishes, a status is corrected, a recording appears')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Rate limit per credential, as Famulor documents its own: N requests per window (100/60s, 30/3s), with X-RateLimit-* headers and a 429 whose JSON body says retry_after')
            [CompletionResult]::new('--short-page', '--short-page', [CompletionResultType]::ParameterName, 'Serve the second page of a listing with a record missing (its counts still say the full page): the first time only, or every time')
            [CompletionResult]::new('--order', '--order', [CompletionResultType]::ParameterName, 'Serve listings in this order whatever the client asks: oldest-first, newest-first, or shuffled (a vendor that ignores `sort`)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config [default: the config''s default_profile]; `sync` takes several')
            [CompletionResult]::new('--vendor', '--vendor', [CompletionResultType]::ParameterName, 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Override the vendor API''s base URL')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'myCRM''s OAuth2 token endpoint, required with a base URL of one''s own [default: the profile''s token_url, else the vendor''s]')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile''s timezone, else the local zone; csv, tsv, json, ndjson: UTC]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds per request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N requests per second to the vendor API [default: the profile''s, else the vendor''s documented limit on its own host (famulor: 100 a minute), else none]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--rate-limit-silent', '--rate-limit-silent', [CompletionResultType]::ParameterName, 'With --rate-limit: send no X-RateLimit-* headers (only the 429''s body says when)')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against an embedded sandbox started in-process (no config or secrets needed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary; errors only')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars (they are also off when stderr is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'calls;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The most recent matching calls, newest first')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Every matching call, all pages, streamed: for files, pipes and cron')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Keep a database (SQLite or PostgreSQL) up to date: new calls inserted, changed calls updated')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Counts, answer rate and talk time per day, hour, agent, campaign, ... with a bar chart')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One call in full (transcript, evaluation, all vendor fields)')
            [CompletionResult]::new('recording', 'recording', [CompletionResultType]::ParameterValue, 'Download recordings: of the given ids, or of every matching call')
            [CompletionResult]::new('assign', 'assign', [CompletionResultType]::ParameterValue, 'Assign call records to a user, property or lead, or mark them seen (myCRM)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete call records (Famulor, myCRM): by ids, or every call matching the filters')
            [CompletionResult]::new('vendors', 'vendors', [CompletionResultType]::ParameterValue, 'The vendors and what each supports')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Write, locate, print or check the config file; list its profiles')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (profile names are completed from the config)')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Serve the built-in fake vendor APIs on 127.0.0.1')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'calls;help;list' {
            break
        }
        'calls;help;export' {
            break
        }
        'calls;help;sync' {
            break
        }
        'calls;help;stats' {
            break
        }
        'calls;help;show' {
            break
        }
        'calls;help;recording' {
            break
        }
        'calls;help;assign' {
            break
        }
        'calls;help;delete' {
            break
        }
        'calls;help;vendors' {
            break
        }
        'calls;help;config' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented starter config (mode 0600): one active profile, Famulor''s or --vendor V''s, and the other vendors'' as comments')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file''s path')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the config with secrets redacted (-p NAME: that profile only)')
            [CompletionResult]::new('profiles', 'profiles', [CompletionResultType]::ParameterValue, 'List the profiles: vendor, API, and where each secret comes from (never the secret)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate the config and every profile (-p NAME: that profile only)')
            break
        }
        'calls;help;config;init' {
            break
        }
        'calls;help;config;path' {
            break
        }
        'calls;help;config;show' {
            break
        }
        'calls;help;config;profiles' {
            break
        }
        'calls;help;config;check' {
            break
        }
        'calls;help;completions' {
            break
        }
        'calls;help;sandbox' {
            break
        }
        'calls;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
