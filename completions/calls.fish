# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_calls_global_optspecs
    string join \n p/profile= vendor= config= base-url= token-url= sandbox tz= v/verbose q/quiet no-progress timeout= retries= concurrency= rate= color= h/help V/version
end

function __fish_calls_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_calls_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_calls_using_subcommand
    set -l cmd (__fish_calls_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c calls -n "__fish_calls_needs_command" -s p -l profile -d 'Profile from the config [default: the config\'s default_profile]; `sync` takes several' -r -f -a "(calls __complete profiles 2>/dev/null)"
complete -c calls -n "__fish_calls_needs_command" -l vendor -d 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends' -r -f -a "famulor\t''
evolux\t''
callcap\t''
brightcall\t''
mycrm\t''"
complete -c calls -n "__fish_calls_needs_command" -l config -d 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]' -r -F
complete -c calls -n "__fish_calls_needs_command" -l base-url -d 'Override the vendor API\'s base URL' -r
complete -c calls -n "__fish_calls_needs_command" -l token-url -d 'myCRM\'s OAuth2 token endpoint, required with a base URL of one\'s own [default: the profile\'s token_url, else the vendor\'s]' -r
complete -c calls -n "__fish_calls_needs_command" -l tz -d 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile\'s timezone, else the local zone; csv, tsv, json, ndjson: UTC]' -r
complete -c calls -n "__fish_calls_needs_command" -l timeout -d 'Seconds per request' -r
complete -c calls -n "__fish_calls_needs_command" -l retries -d 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)' -r
complete -c calls -n "__fish_calls_needs_command" -l concurrency -d 'Requests in flight (pages fetched ahead) [default: the profile\'s, else 4]' -r
complete -c calls -n "__fish_calls_needs_command" -l rate -d 'At most N requests per second to the vendor API [default: the profile\'s, else the vendor\'s documented limit on its own host (famulor: 100 a minute), else none]' -r
complete -c calls -n "__fish_calls_needs_command" -l color -d 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set (or TERM=dumb)'
always\t''
never\t''"
complete -c calls -n "__fish_calls_needs_command" -l sandbox -d 'Run against an embedded sandbox started in-process (no config or secrets needed)'
complete -c calls -n "__fish_calls_needs_command" -s v -l verbose -d 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
complete -c calls -n "__fish_calls_needs_command" -s q -l quiet -d 'No progress, no summary; errors only'
complete -c calls -n "__fish_calls_needs_command" -l no-progress -d 'No progress bars (they are also off when stderr is not a terminal)'
complete -c calls -n "__fish_calls_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c calls -n "__fish_calls_needs_command" -s V -l version -d 'Print version'
complete -c calls -n "__fish_calls_needs_command" -f -a "list" -d 'The most recent matching calls, newest first'
complete -c calls -n "__fish_calls_needs_command" -f -a "export" -d 'Every matching call, all pages, streamed: for files, pipes and cron'
complete -c calls -n "__fish_calls_needs_command" -f -a "sync" -d 'Keep a database (SQLite or PostgreSQL) up to date: new calls inserted, changed calls updated'
complete -c calls -n "__fish_calls_needs_command" -f -a "stats" -d 'Counts, answer rate and talk time per day, hour, agent, campaign, ... with a bar chart'
complete -c calls -n "__fish_calls_needs_command" -f -a "show" -d 'One call in full (transcript, evaluation, all vendor fields)'
complete -c calls -n "__fish_calls_needs_command" -f -a "recording" -d 'Download recordings: of the given ids, or of every matching call'
complete -c calls -n "__fish_calls_needs_command" -f -a "assign" -d 'Assign call records to a user, property or lead, or mark them seen (myCRM)'
complete -c calls -n "__fish_calls_needs_command" -f -a "delete" -d 'Delete call records (Famulor, myCRM): by ids, or every call matching the filters'
complete -c calls -n "__fish_calls_needs_command" -f -a "vendors" -d 'The vendors and what each supports'
complete -c calls -n "__fish_calls_needs_command" -f -a "config" -d 'Write, locate, print or check the config file; list its profiles'
complete -c calls -n "__fish_calls_needs_command" -f -a "completions" -d 'Print a shell completion script (profile names are completed from the config)'
complete -c calls -n "__fish_calls_needs_command" -f -a "sandbox" -d 'Serve the built-in fake vendor APIs on 127.0.0.1'
complete -c calls -n "__fish_calls_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c calls -n "__fish_calls_using_subcommand list" -l from -d 'Start (inclusive): YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], an RFC 3339 datetime, now, today, yesterday, an age (30m, 12h, 7d, 2w, 3mo, 1y ago), or a period: this-week, last-week, this-month, last-month, this-year, last-year (alone: the whole period; weeks start on Monday). Read in --tz, else the profile\'s timezone, else the local zone [default: 30d]' -r -f -a "today\t''
yesterday\t''
this-week\t''
last-week\t''
this-month\t''
last-month\t''
this-year\t''
last-year\t''"
complete -c calls -n "__fish_calls_using_subcommand list" -l to -d 'End, in the forms of --from: a date includes that whole day, a period ends with it, a datetime is exclusive [default: now, or the end of a --from period]' -r -f -a "today\t''
yesterday\t''
this-week\t''
last-week\t''
this-month\t''
last-month\t''
this-year\t''
last-year\t''"
complete -c calls -n "__fish_calls_using_subcommand list" -l direction -d 'inbound, outbound, internal or web' -r -f -a "inbound\t''
outbound\t''
internal\t''
web\t''"
complete -c calls -n "__fish_calls_using_subcommand list" -l status -d 'answered, missed, busy, failed, voicemail, canceled, in-progress, unknown (repeatable, or a,b)' -r -f -a "answered\t''
missed\t''
busy\t''
failed\t''
voicemail\t''
canceled\t''
in-progress\t''
unknown\t''"
complete -c calls -n "__fish_calls_using_subcommand list" -l number -d 'The customer\'s number; spaces, dashes and + are ignored' -r
complete -c calls -n "__fish_calls_using_subcommand list" -l agent -d 'Agent / assistant: a name as shown (any case) or an id (repeatable)' -r
complete -c calls -n "__fish_calls_using_subcommand list" -l campaign -d 'Campaign / project: a name as shown (any case) or an id (repeatable)' -r
complete -c calls -n "__fish_calls_using_subcommand list" -l min-duration -d 'Only calls lasting at least this long: seconds (90), or 2m, 1m30s, 1h' -r
complete -c calls -n "__fish_calls_using_subcommand list" -l max-duration -d 'Only calls lasting at most this long: seconds (90), or 2m, 1m30s, 1h' -r
complete -c calls -n "__fish_calls_using_subcommand list" -l search -d 'Free text: the vendor\'s search where it has one, else every field of the record' -r
complete -c calls -n "__fish_calls_using_subcommand list" -l limit -d 'Stop after N calls [list default: 25]' -r
complete -c calls -n "__fish_calls_using_subcommand list" -l param -d 'Raw vendor query parameter, sent as given (repeatable)' -r
complete -c calls -n "__fish_calls_using_subcommand list" -s o -l format -d 'Output format [default: table on a terminal, else ndjson]' -r -f -a "table\t''
csv\t''
tsv\t'Tab-separated, the CSV columns; a tab, line break or backslash in a value as `\\t`, `\\n`, `\\r`, `\\\\`'
json\t''
ndjson\t''
parquet\t'Typed columns (export to a file or folder only)'"
complete -c calls -n "__fish_calls_using_subcommand list" -l fields -d 'Pick and order fields, e.g. id,started_at,status (all formats)' -r -f -a "vendor\t''
id\t''
started_at\t''
ended_at\t''
direction\t''
status\t''
vendor_status\t''
duration\t''
talk_time\t''
customer_number\t''
line_number\t''
agent\t''
campaign\t''
recording_url\t''
cost\t''
raw\t''"
complete -c calls -n "__fish_calls_using_subcommand list" -l output -d 'Write to FILE atomically (replaced only when complete); -o parquet: a FILE, or DIR/ for a new file per run' -r -F
complete -c calls -n "__fish_calls_using_subcommand list" -s p -l profile -d 'Profile from the config [default: the config\'s default_profile]; `sync` takes several' -r -f -a "(calls __complete profiles 2>/dev/null)"
complete -c calls -n "__fish_calls_using_subcommand list" -l vendor -d 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends' -r -f -a "famulor\t''
evolux\t''
callcap\t''
brightcall\t''
mycrm\t''"
complete -c calls -n "__fish_calls_using_subcommand list" -l config -d 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]' -r -F
complete -c calls -n "__fish_calls_using_subcommand list" -l base-url -d 'Override the vendor API\'s base URL' -r
complete -c calls -n "__fish_calls_using_subcommand list" -l token-url -d 'myCRM\'s OAuth2 token endpoint, required with a base URL of one\'s own [default: the profile\'s token_url, else the vendor\'s]' -r
complete -c calls -n "__fish_calls_using_subcommand list" -l tz -d 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile\'s timezone, else the local zone; csv, tsv, json, ndjson: UTC]' -r
complete -c calls -n "__fish_calls_using_subcommand list" -l timeout -d 'Seconds per request' -r
complete -c calls -n "__fish_calls_using_subcommand list" -l retries -d 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)' -r
complete -c calls -n "__fish_calls_using_subcommand list" -l concurrency -d 'Requests in flight (pages fetched ahead) [default: the profile\'s, else 4]' -r
complete -c calls -n "__fish_calls_using_subcommand list" -l rate -d 'At most N requests per second to the vendor API [default: the profile\'s, else the vendor\'s documented limit on its own host (famulor: 100 a minute), else none]' -r
complete -c calls -n "__fish_calls_using_subcommand list" -l color -d 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set (or TERM=dumb)'
always\t''
never\t''"
complete -c calls -n "__fish_calls_using_subcommand list" -l raw -d 'Add the vendor\'s original record as `raw` (json, ndjson, parquet)'
complete -c calls -n "__fish_calls_using_subcommand list" -l no-header -d 'No header line (csv, tsv)'
complete -c calls -n "__fish_calls_using_subcommand list" -l sandbox -d 'Run against an embedded sandbox started in-process (no config or secrets needed)'
complete -c calls -n "__fish_calls_using_subcommand list" -s v -l verbose -d 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
complete -c calls -n "__fish_calls_using_subcommand list" -s q -l quiet -d 'No progress, no summary; errors only'
complete -c calls -n "__fish_calls_using_subcommand list" -l no-progress -d 'No progress bars (they are also off when stderr is not a terminal)'
complete -c calls -n "__fish_calls_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c calls -n "__fish_calls_using_subcommand export" -l from -d 'Start (inclusive): YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], an RFC 3339 datetime, now, today, yesterday, an age (30m, 12h, 7d, 2w, 3mo, 1y ago), or a period: this-week, last-week, this-month, last-month, this-year, last-year (alone: the whole period; weeks start on Monday). Read in --tz, else the profile\'s timezone, else the local zone [default: 30d]' -r -f -a "today\t''
yesterday\t''
this-week\t''
last-week\t''
this-month\t''
last-month\t''
this-year\t''
last-year\t''"
complete -c calls -n "__fish_calls_using_subcommand export" -l to -d 'End, in the forms of --from: a date includes that whole day, a period ends with it, a datetime is exclusive [default: now, or the end of a --from period]' -r -f -a "today\t''
yesterday\t''
this-week\t''
last-week\t''
this-month\t''
last-month\t''
this-year\t''
last-year\t''"
complete -c calls -n "__fish_calls_using_subcommand export" -l direction -d 'inbound, outbound, internal or web' -r -f -a "inbound\t''
outbound\t''
internal\t''
web\t''"
complete -c calls -n "__fish_calls_using_subcommand export" -l status -d 'answered, missed, busy, failed, voicemail, canceled, in-progress, unknown (repeatable, or a,b)' -r -f -a "answered\t''
missed\t''
busy\t''
failed\t''
voicemail\t''
canceled\t''
in-progress\t''
unknown\t''"
complete -c calls -n "__fish_calls_using_subcommand export" -l number -d 'The customer\'s number; spaces, dashes and + are ignored' -r
complete -c calls -n "__fish_calls_using_subcommand export" -l agent -d 'Agent / assistant: a name as shown (any case) or an id (repeatable)' -r
complete -c calls -n "__fish_calls_using_subcommand export" -l campaign -d 'Campaign / project: a name as shown (any case) or an id (repeatable)' -r
complete -c calls -n "__fish_calls_using_subcommand export" -l min-duration -d 'Only calls lasting at least this long: seconds (90), or 2m, 1m30s, 1h' -r
complete -c calls -n "__fish_calls_using_subcommand export" -l max-duration -d 'Only calls lasting at most this long: seconds (90), or 2m, 1m30s, 1h' -r
complete -c calls -n "__fish_calls_using_subcommand export" -l search -d 'Free text: the vendor\'s search where it has one, else every field of the record' -r
complete -c calls -n "__fish_calls_using_subcommand export" -l limit -d 'Stop after N calls [list default: 25]' -r
complete -c calls -n "__fish_calls_using_subcommand export" -l param -d 'Raw vendor query parameter, sent as given (repeatable)' -r
complete -c calls -n "__fish_calls_using_subcommand export" -s o -l format -d 'Output format [default: table on a terminal, else ndjson]' -r -f -a "table\t''
csv\t''
tsv\t'Tab-separated, the CSV columns; a tab, line break or backslash in a value as `\\t`, `\\n`, `\\r`, `\\\\`'
json\t''
ndjson\t''
parquet\t'Typed columns (export to a file or folder only)'"
complete -c calls -n "__fish_calls_using_subcommand export" -l fields -d 'Pick and order fields, e.g. id,started_at,status (all formats)' -r -f -a "vendor\t''
id\t''
started_at\t''
ended_at\t''
direction\t''
status\t''
vendor_status\t''
duration\t''
talk_time\t''
customer_number\t''
line_number\t''
agent\t''
campaign\t''
recording_url\t''
cost\t''
raw\t''"
complete -c calls -n "__fish_calls_using_subcommand export" -l output -d 'Write to FILE atomically (replaced only when complete); -o parquet: a FILE, or DIR/ for a new file per run' -r -F
complete -c calls -n "__fish_calls_using_subcommand export" -l state -d 'State file for --since-last [default: the OS data dir, e.g. ~/.local/share/calls/state/]' -r -F
complete -c calls -n "__fish_calls_using_subcommand export" -l lookback -d 'How far before the newest call already exported the next run starts, for calls the vendor records late: 30m, 2h, 1d' -r
complete -c calls -n "__fish_calls_using_subcommand export" -l report -d 'Append one JSON line per run to FILE (NDJSON: profile, window, requests, calls exported, the error and exit code of a failed run), for monitoring' -r -F
complete -c calls -n "__fish_calls_using_subcommand export" -l every -d 'How often --follow polls [default: 30s]' -r
complete -c calls -n "__fish_calls_using_subcommand export" -l revisit -d 'How far back --follow looks for changed calls [default: 2h] (Callcap and Famulor Platform 2.0 see changes to older calls too)' -r
complete -c calls -n "__fish_calls_using_subcommand export" -s p -l profile -d 'Profile from the config [default: the config\'s default_profile]; `sync` takes several' -r -f -a "(calls __complete profiles 2>/dev/null)"
complete -c calls -n "__fish_calls_using_subcommand export" -l vendor -d 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends' -r -f -a "famulor\t''
evolux\t''
callcap\t''
brightcall\t''
mycrm\t''"
complete -c calls -n "__fish_calls_using_subcommand export" -l config -d 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]' -r -F
complete -c calls -n "__fish_calls_using_subcommand export" -l base-url -d 'Override the vendor API\'s base URL' -r
complete -c calls -n "__fish_calls_using_subcommand export" -l token-url -d 'myCRM\'s OAuth2 token endpoint, required with a base URL of one\'s own [default: the profile\'s token_url, else the vendor\'s]' -r
complete -c calls -n "__fish_calls_using_subcommand export" -l tz -d 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile\'s timezone, else the local zone; csv, tsv, json, ndjson: UTC]' -r
complete -c calls -n "__fish_calls_using_subcommand export" -l timeout -d 'Seconds per request' -r
complete -c calls -n "__fish_calls_using_subcommand export" -l retries -d 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)' -r
complete -c calls -n "__fish_calls_using_subcommand export" -l concurrency -d 'Requests in flight (pages fetched ahead) [default: the profile\'s, else 4]' -r
complete -c calls -n "__fish_calls_using_subcommand export" -l rate -d 'At most N requests per second to the vendor API [default: the profile\'s, else the vendor\'s documented limit on its own host (famulor: 100 a minute), else none]' -r
complete -c calls -n "__fish_calls_using_subcommand export" -l color -d 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set (or TERM=dumb)'
always\t''
never\t''"
complete -c calls -n "__fish_calls_using_subcommand export" -l raw -d 'Add the vendor\'s original record as `raw` (json, ndjson, parquet)'
complete -c calls -n "__fish_calls_using_subcommand export" -l no-header -d 'No header line (csv, tsv)'
complete -c calls -n "__fish_calls_using_subcommand export" -l since-last -d 'Resume after the last successful run of this profile, filter set and destination'
complete -c calls -n "__fish_calls_using_subcommand export" -l append -d 'Append to an existing --output file (no second CSV header; csv and ndjson only)'
complete -c calls -n "__fish_calls_using_subcommand export" -l follow -d 'After the window, keep polling: print each new call, and each changed call again (a table row on a terminal, or -o csv, tsv, ndjson; one line each, flushed)'
complete -c calls -n "__fish_calls_using_subcommand export" -l sandbox -d 'Run against an embedded sandbox started in-process (no config or secrets needed)'
complete -c calls -n "__fish_calls_using_subcommand export" -s v -l verbose -d 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
complete -c calls -n "__fish_calls_using_subcommand export" -s q -l quiet -d 'No progress, no summary; errors only'
complete -c calls -n "__fish_calls_using_subcommand export" -l no-progress -d 'No progress bars (they are also off when stderr is not a terminal)'
complete -c calls -n "__fish_calls_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c calls -n "__fish_calls_using_subcommand sync" -l from -d 'Start (inclusive): YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], an RFC 3339 datetime, now, today, yesterday, an age (30m, 12h, 7d, 2w, 3mo, 1y ago), or a period: this-week, last-week, this-month, last-month, this-year, last-year (alone: the whole period; weeks start on Monday). Read in --tz, else the profile\'s timezone, else the local zone [default: 30d]' -r -f -a "today\t''
yesterday\t''
this-week\t''
last-week\t''
this-month\t''
last-month\t''
this-year\t''
last-year\t''"
complete -c calls -n "__fish_calls_using_subcommand sync" -l to -d 'End, in the forms of --from: a date includes that whole day, a period ends with it, a datetime is exclusive [default: now, or the end of a --from period]' -r -f -a "today\t''
yesterday\t''
this-week\t''
last-week\t''
this-month\t''
last-month\t''
this-year\t''
last-year\t''"
complete -c calls -n "__fish_calls_using_subcommand sync" -l direction -d 'inbound, outbound, internal or web' -r -f -a "inbound\t''
outbound\t''
internal\t''
web\t''"
complete -c calls -n "__fish_calls_using_subcommand sync" -l status -d 'answered, missed, busy, failed, voicemail, canceled, in-progress, unknown (repeatable, or a,b)' -r -f -a "answered\t''
missed\t''
busy\t''
failed\t''
voicemail\t''
canceled\t''
in-progress\t''
unknown\t''"
complete -c calls -n "__fish_calls_using_subcommand sync" -l number -d 'The customer\'s number; spaces, dashes and + are ignored' -r
complete -c calls -n "__fish_calls_using_subcommand sync" -l agent -d 'Agent / assistant: a name as shown (any case) or an id (repeatable)' -r
complete -c calls -n "__fish_calls_using_subcommand sync" -l campaign -d 'Campaign / project: a name as shown (any case) or an id (repeatable)' -r
complete -c calls -n "__fish_calls_using_subcommand sync" -l min-duration -d 'Only calls lasting at least this long: seconds (90), or 2m, 1m30s, 1h' -r
complete -c calls -n "__fish_calls_using_subcommand sync" -l max-duration -d 'Only calls lasting at most this long: seconds (90), or 2m, 1m30s, 1h' -r
complete -c calls -n "__fish_calls_using_subcommand sync" -l search -d 'Free text: the vendor\'s search where it has one, else every field of the record' -r
complete -c calls -n "__fish_calls_using_subcommand sync" -l param -d 'Raw vendor query parameter, sent as given (repeatable)' -r
complete -c calls -n "__fish_calls_using_subcommand sync" -l revisit -d 'How far before the newest call already stored the next run starts, for calls that change late: 30m, 2h, 1d (not for APIs that list by modification time: Callcap and Famulor Platform 2.0 read what changed since, however old)' -r
complete -c calls -n "__fish_calls_using_subcommand sync" -l every -d 'Keep running: one sync every DURATION (SIGTERM or Ctrl-C between runs exits 0); each run\'s summary lines start with the time' -r
complete -c calls -n "__fish_calls_using_subcommand sync" -l jobs -d 'How many profiles sync at once (1 to 64); into PostgreSQL, a profile another process is syncing is skipped with a note' -r
complete -c calls -n "__fish_calls_using_subcommand sync" -l report -d 'Append one JSON line per profile per run to FILE (NDJSON: counts, window, requests, the error and exit code of a failed profile), for monitoring' -r -F
complete -c calls -n "__fish_calls_using_subcommand sync" -l limit -d 'Stop after N calls [list default: 25]' -r
complete -c calls -n "__fish_calls_using_subcommand sync" -s p -l profile -d 'Profile from the config [default: the config\'s default_profile]; `sync` takes several' -r -f -a "(calls __complete profiles 2>/dev/null)"
complete -c calls -n "__fish_calls_using_subcommand sync" -l vendor -d 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends' -r -f -a "famulor\t''
evolux\t''
callcap\t''
brightcall\t''
mycrm\t''"
complete -c calls -n "__fish_calls_using_subcommand sync" -l config -d 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]' -r -F
complete -c calls -n "__fish_calls_using_subcommand sync" -l base-url -d 'Override the vendor API\'s base URL' -r
complete -c calls -n "__fish_calls_using_subcommand sync" -l token-url -d 'myCRM\'s OAuth2 token endpoint, required with a base URL of one\'s own [default: the profile\'s token_url, else the vendor\'s]' -r
complete -c calls -n "__fish_calls_using_subcommand sync" -l tz -d 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile\'s timezone, else the local zone; csv, tsv, json, ndjson: UTC]' -r
complete -c calls -n "__fish_calls_using_subcommand sync" -l timeout -d 'Seconds per request' -r
complete -c calls -n "__fish_calls_using_subcommand sync" -l retries -d 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)' -r
complete -c calls -n "__fish_calls_using_subcommand sync" -l concurrency -d 'Requests in flight (pages fetched ahead) [default: the profile\'s, else 4]' -r
complete -c calls -n "__fish_calls_using_subcommand sync" -l rate -d 'At most N requests per second to the vendor API [default: the profile\'s, else the vendor\'s documented limit on its own host (famulor: 100 a minute), else none]' -r
complete -c calls -n "__fish_calls_using_subcommand sync" -l color -d 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set (or TERM=dumb)'
always\t''
never\t''"
complete -c calls -n "__fish_calls_using_subcommand sync" -l all-profiles -d 'Every profile of the config (with --sandbox: every vendor)'
complete -c calls -n "__fish_calls_using_subcommand sync" -l full -d 'Read the whole --from window again, not only what is new'
complete -c calls -n "__fish_calls_using_subcommand sync" -l sandbox -d 'Run against an embedded sandbox started in-process (no config or secrets needed)'
complete -c calls -n "__fish_calls_using_subcommand sync" -s v -l verbose -d 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
complete -c calls -n "__fish_calls_using_subcommand sync" -s q -l quiet -d 'No progress, no summary; errors only'
complete -c calls -n "__fish_calls_using_subcommand sync" -l no-progress -d 'No progress bars (they are also off when stderr is not a terminal)'
complete -c calls -n "__fish_calls_using_subcommand sync" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c calls -n "__fish_calls_using_subcommand stats" -l from -d 'Start (inclusive): YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], an RFC 3339 datetime, now, today, yesterday, an age (30m, 12h, 7d, 2w, 3mo, 1y ago), or a period: this-week, last-week, this-month, last-month, this-year, last-year (alone: the whole period; weeks start on Monday). Read in --tz, else the profile\'s timezone, else the local zone [default: 30d]' -r -f -a "today\t''
yesterday\t''
this-week\t''
last-week\t''
this-month\t''
last-month\t''
this-year\t''
last-year\t''"
complete -c calls -n "__fish_calls_using_subcommand stats" -l to -d 'End, in the forms of --from: a date includes that whole day, a period ends with it, a datetime is exclusive [default: now, or the end of a --from period]' -r -f -a "today\t''
yesterday\t''
this-week\t''
last-week\t''
this-month\t''
last-month\t''
this-year\t''
last-year\t''"
complete -c calls -n "__fish_calls_using_subcommand stats" -l direction -d 'inbound, outbound, internal or web' -r -f -a "inbound\t''
outbound\t''
internal\t''
web\t''"
complete -c calls -n "__fish_calls_using_subcommand stats" -l status -d 'answered, missed, busy, failed, voicemail, canceled, in-progress, unknown (repeatable, or a,b)' -r -f -a "answered\t''
missed\t''
busy\t''
failed\t''
voicemail\t''
canceled\t''
in-progress\t''
unknown\t''"
complete -c calls -n "__fish_calls_using_subcommand stats" -l number -d 'The customer\'s number; spaces, dashes and + are ignored' -r
complete -c calls -n "__fish_calls_using_subcommand stats" -l agent -d 'Agent / assistant: a name as shown (any case) or an id (repeatable)' -r
complete -c calls -n "__fish_calls_using_subcommand stats" -l campaign -d 'Campaign / project: a name as shown (any case) or an id (repeatable)' -r
complete -c calls -n "__fish_calls_using_subcommand stats" -l min-duration -d 'Only calls lasting at least this long: seconds (90), or 2m, 1m30s, 1h' -r
complete -c calls -n "__fish_calls_using_subcommand stats" -l max-duration -d 'Only calls lasting at most this long: seconds (90), or 2m, 1m30s, 1h' -r
complete -c calls -n "__fish_calls_using_subcommand stats" -l search -d 'Free text: the vendor\'s search where it has one, else every field of the record' -r
complete -c calls -n "__fish_calls_using_subcommand stats" -l param -d 'Raw vendor query parameter, sent as given (repeatable)' -r
complete -c calls -n "__fish_calls_using_subcommand stats" -l by -d 'Group by day, week, month, hour, weekday, agent, campaign, line, direction or status; given twice, groups nest (--by agent --by day) [default: one total row]' -r -f -a "day\t''
week\t''
month\t''
hour\t''
weekday\t''
agent\t''
campaign\t''
line\t''
direction\t''
status\t''"
complete -c calls -n "__fish_calls_using_subcommand stats" -s o -l format -d 'Output format [default: table (with a chart) on a terminal, else ndjson]' -r -f -a "table\t''
csv\t''
tsv\t'Tab-separated, the CSV columns; a tab, line break or backslash in a value as `\\t`, `\\n`, `\\r`, `\\\\`'
json\t''
ndjson\t''
parquet\t'Typed columns (export to a file or folder only)'"
complete -c calls -n "__fish_calls_using_subcommand stats" -l output -d 'Write to FILE atomically (replaced only when complete); the format from its extension unless -o' -r -F
complete -c calls -n "__fish_calls_using_subcommand stats" -l fields -d 'Pick and order columns, e.g. agent,calls,answer_rate (the csv header\'s names; in a table, which numbers show)' -r -f -a "day\t''
week\t''
month\t''
hour\t''
weekday\t''
agent\t''
campaign\t''
line\t''
direction\t''
status\t''
calls\t''
answered\t''
missed\t''
busy\t''
failed\t''
voicemail\t''
canceled\t''
in_progress\t''
unknown\t''
answer_rate\t''
talk_time\t''
talk_time_avg\t''
duration_avg\t''
duration_max\t''"
complete -c calls -n "__fish_calls_using_subcommand stats" -l limit -d 'Stop after N calls [list default: 25]' -r
complete -c calls -n "__fish_calls_using_subcommand stats" -s p -l profile -d 'Profile from the config [default: the config\'s default_profile]; `sync` takes several' -r -f -a "(calls __complete profiles 2>/dev/null)"
complete -c calls -n "__fish_calls_using_subcommand stats" -l vendor -d 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends' -r -f -a "famulor\t''
evolux\t''
callcap\t''
brightcall\t''
mycrm\t''"
complete -c calls -n "__fish_calls_using_subcommand stats" -l config -d 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]' -r -F
complete -c calls -n "__fish_calls_using_subcommand stats" -l base-url -d 'Override the vendor API\'s base URL' -r
complete -c calls -n "__fish_calls_using_subcommand stats" -l token-url -d 'myCRM\'s OAuth2 token endpoint, required with a base URL of one\'s own [default: the profile\'s token_url, else the vendor\'s]' -r
complete -c calls -n "__fish_calls_using_subcommand stats" -l tz -d 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile\'s timezone, else the local zone; csv, tsv, json, ndjson: UTC]' -r
complete -c calls -n "__fish_calls_using_subcommand stats" -l timeout -d 'Seconds per request' -r
complete -c calls -n "__fish_calls_using_subcommand stats" -l retries -d 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)' -r
complete -c calls -n "__fish_calls_using_subcommand stats" -l concurrency -d 'Requests in flight (pages fetched ahead) [default: the profile\'s, else 4]' -r
complete -c calls -n "__fish_calls_using_subcommand stats" -l rate -d 'At most N requests per second to the vendor API [default: the profile\'s, else the vendor\'s documented limit on its own host (famulor: 100 a minute), else none]' -r
complete -c calls -n "__fish_calls_using_subcommand stats" -l color -d 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set (or TERM=dumb)'
always\t''
never\t''"
complete -c calls -n "__fish_calls_using_subcommand stats" -l no-header -d 'No header line (csv, tsv)'
complete -c calls -n "__fish_calls_using_subcommand stats" -l sandbox -d 'Run against an embedded sandbox started in-process (no config or secrets needed)'
complete -c calls -n "__fish_calls_using_subcommand stats" -s v -l verbose -d 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
complete -c calls -n "__fish_calls_using_subcommand stats" -s q -l quiet -d 'No progress, no summary; errors only'
complete -c calls -n "__fish_calls_using_subcommand stats" -l no-progress -d 'No progress bars (they are also off when stderr is not a terminal)'
complete -c calls -n "__fish_calls_using_subcommand stats" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c calls -n "__fish_calls_using_subcommand show" -s o -l format -d 'Output format [default: table on a terminal, else ndjson]' -r -f -a "table\t''
csv\t''
tsv\t'Tab-separated, the CSV columns; a tab, line break or backslash in a value as `\\t`, `\\n`, `\\r`, `\\\\`'
json\t''
ndjson\t''
parquet\t'Typed columns (export to a file or folder only)'"
complete -c calls -n "__fish_calls_using_subcommand show" -l fields -d 'Pick and order fields, e.g. id,started_at,status (all formats)' -r -f -a "vendor\t''
id\t''
started_at\t''
ended_at\t''
direction\t''
status\t''
vendor_status\t''
duration\t''
talk_time\t''
customer_number\t''
line_number\t''
agent\t''
campaign\t''
recording_url\t''
cost\t''
raw\t''"
complete -c calls -n "__fish_calls_using_subcommand show" -l output -d 'Write to FILE atomically (replaced only when complete); -o parquet: a FILE, or DIR/ for a new file per run' -r -F
complete -c calls -n "__fish_calls_using_subcommand show" -s p -l profile -d 'Profile from the config [default: the config\'s default_profile]; `sync` takes several' -r -f -a "(calls __complete profiles 2>/dev/null)"
complete -c calls -n "__fish_calls_using_subcommand show" -l vendor -d 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends' -r -f -a "famulor\t''
evolux\t''
callcap\t''
brightcall\t''
mycrm\t''"
complete -c calls -n "__fish_calls_using_subcommand show" -l config -d 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]' -r -F
complete -c calls -n "__fish_calls_using_subcommand show" -l base-url -d 'Override the vendor API\'s base URL' -r
complete -c calls -n "__fish_calls_using_subcommand show" -l token-url -d 'myCRM\'s OAuth2 token endpoint, required with a base URL of one\'s own [default: the profile\'s token_url, else the vendor\'s]' -r
complete -c calls -n "__fish_calls_using_subcommand show" -l tz -d 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile\'s timezone, else the local zone; csv, tsv, json, ndjson: UTC]' -r
complete -c calls -n "__fish_calls_using_subcommand show" -l timeout -d 'Seconds per request' -r
complete -c calls -n "__fish_calls_using_subcommand show" -l retries -d 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)' -r
complete -c calls -n "__fish_calls_using_subcommand show" -l concurrency -d 'Requests in flight (pages fetched ahead) [default: the profile\'s, else 4]' -r
complete -c calls -n "__fish_calls_using_subcommand show" -l rate -d 'At most N requests per second to the vendor API [default: the profile\'s, else the vendor\'s documented limit on its own host (famulor: 100 a minute), else none]' -r
complete -c calls -n "__fish_calls_using_subcommand show" -l color -d 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set (or TERM=dumb)'
always\t''
never\t''"
complete -c calls -n "__fish_calls_using_subcommand show" -l raw -d 'Add the vendor\'s original record as `raw` (json, ndjson, parquet)'
complete -c calls -n "__fish_calls_using_subcommand show" -l no-header -d 'No header line (csv, tsv)'
complete -c calls -n "__fish_calls_using_subcommand show" -l sandbox -d 'Run against an embedded sandbox started in-process (no config or secrets needed)'
complete -c calls -n "__fish_calls_using_subcommand show" -s v -l verbose -d 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
complete -c calls -n "__fish_calls_using_subcommand show" -s q -l quiet -d 'No progress, no summary; errors only'
complete -c calls -n "__fish_calls_using_subcommand show" -l no-progress -d 'No progress bars (they are also off when stderr is not a terminal)'
complete -c calls -n "__fish_calls_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c calls -n "__fish_calls_using_subcommand recording" -l from -d 'Start (inclusive): YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], an RFC 3339 datetime, now, today, yesterday, an age (30m, 12h, 7d, 2w, 3mo, 1y ago), or a period: this-week, last-week, this-month, last-month, this-year, last-year (alone: the whole period; weeks start on Monday). Read in --tz, else the profile\'s timezone, else the local zone [default: 30d]' -r -f -a "today\t''
yesterday\t''
this-week\t''
last-week\t''
this-month\t''
last-month\t''
this-year\t''
last-year\t''"
complete -c calls -n "__fish_calls_using_subcommand recording" -l to -d 'End, in the forms of --from: a date includes that whole day, a period ends with it, a datetime is exclusive [default: now, or the end of a --from period]' -r -f -a "today\t''
yesterday\t''
this-week\t''
last-week\t''
this-month\t''
last-month\t''
this-year\t''
last-year\t''"
complete -c calls -n "__fish_calls_using_subcommand recording" -l direction -d 'inbound, outbound, internal or web' -r -f -a "inbound\t''
outbound\t''
internal\t''
web\t''"
complete -c calls -n "__fish_calls_using_subcommand recording" -l status -d 'answered, missed, busy, failed, voicemail, canceled, in-progress, unknown (repeatable, or a,b)' -r -f -a "answered\t''
missed\t''
busy\t''
failed\t''
voicemail\t''
canceled\t''
in-progress\t''
unknown\t''"
complete -c calls -n "__fish_calls_using_subcommand recording" -l number -d 'The customer\'s number; spaces, dashes and + are ignored' -r
complete -c calls -n "__fish_calls_using_subcommand recording" -l agent -d 'Agent / assistant: a name as shown (any case) or an id (repeatable)' -r
complete -c calls -n "__fish_calls_using_subcommand recording" -l campaign -d 'Campaign / project: a name as shown (any case) or an id (repeatable)' -r
complete -c calls -n "__fish_calls_using_subcommand recording" -l min-duration -d 'Only calls lasting at least this long: seconds (90), or 2m, 1m30s, 1h' -r
complete -c calls -n "__fish_calls_using_subcommand recording" -l max-duration -d 'Only calls lasting at most this long: seconds (90), or 2m, 1m30s, 1h' -r
complete -c calls -n "__fish_calls_using_subcommand recording" -l search -d 'Free text: the vendor\'s search where it has one, else every field of the record' -r
complete -c calls -n "__fish_calls_using_subcommand recording" -l limit -d 'Stop after N calls [list default: 25]' -r
complete -c calls -n "__fish_calls_using_subcommand recording" -l param -d 'Raw vendor query parameter, sent as given (repeatable)' -r
complete -c calls -n "__fish_calls_using_subcommand recording" -l dir -d 'Folder to save into' -r -F
complete -c calls -n "__fish_calls_using_subcommand recording" -l name -d 'File name: {vendor} {id} {date} {time} {direction} {status} {customer_number} {agent} {campaign} {ext} (what the file is: wav, mp3, ...); \'/\' makes folders' -r
complete -c calls -n "__fish_calls_using_subcommand recording" -l output -d '\'-\': write the audio of a single id to stdout' -r
complete -c calls -n "__fish_calls_using_subcommand recording" -l manifest -d 'Write a CSV of id,path,bytes,sha256,status' -r -F
complete -c calls -n "__fish_calls_using_subcommand recording" -s p -l profile -d 'Profile from the config [default: the config\'s default_profile]; `sync` takes several' -r -f -a "(calls __complete profiles 2>/dev/null)"
complete -c calls -n "__fish_calls_using_subcommand recording" -l vendor -d 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends' -r -f -a "famulor\t''
evolux\t''
callcap\t''
brightcall\t''
mycrm\t''"
complete -c calls -n "__fish_calls_using_subcommand recording" -l config -d 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]' -r -F
complete -c calls -n "__fish_calls_using_subcommand recording" -l base-url -d 'Override the vendor API\'s base URL' -r
complete -c calls -n "__fish_calls_using_subcommand recording" -l token-url -d 'myCRM\'s OAuth2 token endpoint, required with a base URL of one\'s own [default: the profile\'s token_url, else the vendor\'s]' -r
complete -c calls -n "__fish_calls_using_subcommand recording" -l tz -d 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile\'s timezone, else the local zone; csv, tsv, json, ndjson: UTC]' -r
complete -c calls -n "__fish_calls_using_subcommand recording" -l timeout -d 'Seconds per request' -r
complete -c calls -n "__fish_calls_using_subcommand recording" -l retries -d 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)' -r
complete -c calls -n "__fish_calls_using_subcommand recording" -l concurrency -d 'Requests in flight (pages fetched ahead) [default: the profile\'s, else 4]' -r
complete -c calls -n "__fish_calls_using_subcommand recording" -l rate -d 'At most N requests per second to the vendor API [default: the profile\'s, else the vendor\'s documented limit on its own host (famulor: 100 a minute), else none]' -r
complete -c calls -n "__fish_calls_using_subcommand recording" -l color -d 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set (or TERM=dumb)'
always\t''
never\t''"
complete -c calls -n "__fish_calls_using_subcommand recording" -l overwrite -d 'Download again files that are already complete'
complete -c calls -n "__fish_calls_using_subcommand recording" -l sandbox -d 'Run against an embedded sandbox started in-process (no config or secrets needed)'
complete -c calls -n "__fish_calls_using_subcommand recording" -s v -l verbose -d 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
complete -c calls -n "__fish_calls_using_subcommand recording" -s q -l quiet -d 'No progress, no summary; errors only'
complete -c calls -n "__fish_calls_using_subcommand recording" -l no-progress -d 'No progress bars (they are also off when stderr is not a terminal)'
complete -c calls -n "__fish_calls_using_subcommand recording" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c calls -n "__fish_calls_using_subcommand assign" -l user -d 'Assign to this user id' -r
complete -c calls -n "__fish_calls_using_subcommand assign" -l property -d 'Assign to this property id' -r
complete -c calls -n "__fish_calls_using_subcommand assign" -l lead -d 'Assign to this lead id' -r
complete -c calls -n "__fish_calls_using_subcommand assign" -s p -l profile -d 'Profile from the config [default: the config\'s default_profile]; `sync` takes several' -r -f -a "(calls __complete profiles 2>/dev/null)"
complete -c calls -n "__fish_calls_using_subcommand assign" -l vendor -d 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends' -r -f -a "famulor\t''
evolux\t''
callcap\t''
brightcall\t''
mycrm\t''"
complete -c calls -n "__fish_calls_using_subcommand assign" -l config -d 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]' -r -F
complete -c calls -n "__fish_calls_using_subcommand assign" -l base-url -d 'Override the vendor API\'s base URL' -r
complete -c calls -n "__fish_calls_using_subcommand assign" -l token-url -d 'myCRM\'s OAuth2 token endpoint, required with a base URL of one\'s own [default: the profile\'s token_url, else the vendor\'s]' -r
complete -c calls -n "__fish_calls_using_subcommand assign" -l tz -d 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile\'s timezone, else the local zone; csv, tsv, json, ndjson: UTC]' -r
complete -c calls -n "__fish_calls_using_subcommand assign" -l timeout -d 'Seconds per request' -r
complete -c calls -n "__fish_calls_using_subcommand assign" -l retries -d 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)' -r
complete -c calls -n "__fish_calls_using_subcommand assign" -l concurrency -d 'Requests in flight (pages fetched ahead) [default: the profile\'s, else 4]' -r
complete -c calls -n "__fish_calls_using_subcommand assign" -l rate -d 'At most N requests per second to the vendor API [default: the profile\'s, else the vendor\'s documented limit on its own host (famulor: 100 a minute), else none]' -r
complete -c calls -n "__fish_calls_using_subcommand assign" -l color -d 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set (or TERM=dumb)'
always\t''
never\t''"
complete -c calls -n "__fish_calls_using_subcommand assign" -l seen -d 'Mark as seen'
complete -c calls -n "__fish_calls_using_subcommand assign" -l dry-run -d 'Print the requests that would be sent, and send nothing'
complete -c calls -n "__fish_calls_using_subcommand assign" -l sandbox -d 'Run against an embedded sandbox started in-process (no config or secrets needed)'
complete -c calls -n "__fish_calls_using_subcommand assign" -s v -l verbose -d 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
complete -c calls -n "__fish_calls_using_subcommand assign" -s q -l quiet -d 'No progress, no summary; errors only'
complete -c calls -n "__fish_calls_using_subcommand assign" -l no-progress -d 'No progress bars (they are also off when stderr is not a terminal)'
complete -c calls -n "__fish_calls_using_subcommand assign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c calls -n "__fish_calls_using_subcommand delete" -l from -d 'Start (inclusive): YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], an RFC 3339 datetime, now, today, yesterday, an age (30m, 12h, 7d, 2w, 3mo, 1y ago), or a period: this-week, last-week, this-month, last-month, this-year, last-year (alone: the whole period; weeks start on Monday). Read in --tz, else the profile\'s timezone, else the local zone [default: 30d]' -r -f -a "today\t''
yesterday\t''
this-week\t''
last-week\t''
this-month\t''
last-month\t''
this-year\t''
last-year\t''"
complete -c calls -n "__fish_calls_using_subcommand delete" -l to -d 'End, in the forms of --from: a date includes that whole day, a period ends with it, a datetime is exclusive [default: now, or the end of a --from period]' -r -f -a "today\t''
yesterday\t''
this-week\t''
last-week\t''
this-month\t''
last-month\t''
this-year\t''
last-year\t''"
complete -c calls -n "__fish_calls_using_subcommand delete" -l direction -d 'inbound, outbound, internal or web' -r -f -a "inbound\t''
outbound\t''
internal\t''
web\t''"
complete -c calls -n "__fish_calls_using_subcommand delete" -l status -d 'answered, missed, busy, failed, voicemail, canceled, in-progress, unknown (repeatable, or a,b)' -r -f -a "answered\t''
missed\t''
busy\t''
failed\t''
voicemail\t''
canceled\t''
in-progress\t''
unknown\t''"
complete -c calls -n "__fish_calls_using_subcommand delete" -l number -d 'The customer\'s number; spaces, dashes and + are ignored' -r
complete -c calls -n "__fish_calls_using_subcommand delete" -l agent -d 'Agent / assistant: a name as shown (any case) or an id (repeatable)' -r
complete -c calls -n "__fish_calls_using_subcommand delete" -l campaign -d 'Campaign / project: a name as shown (any case) or an id (repeatable)' -r
complete -c calls -n "__fish_calls_using_subcommand delete" -l min-duration -d 'Only calls lasting at least this long: seconds (90), or 2m, 1m30s, 1h' -r
complete -c calls -n "__fish_calls_using_subcommand delete" -l max-duration -d 'Only calls lasting at most this long: seconds (90), or 2m, 1m30s, 1h' -r
complete -c calls -n "__fish_calls_using_subcommand delete" -l search -d 'Free text: the vendor\'s search where it has one, else every field of the record' -r
complete -c calls -n "__fish_calls_using_subcommand delete" -l limit -d 'Stop after N calls [list default: 25]' -r
complete -c calls -n "__fish_calls_using_subcommand delete" -l param -d 'Raw vendor query parameter, sent as given (repeatable)' -r
complete -c calls -n "__fish_calls_using_subcommand delete" -s p -l profile -d 'Profile from the config [default: the config\'s default_profile]; `sync` takes several' -r -f -a "(calls __complete profiles 2>/dev/null)"
complete -c calls -n "__fish_calls_using_subcommand delete" -l vendor -d 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends' -r -f -a "famulor\t''
evolux\t''
callcap\t''
brightcall\t''
mycrm\t''"
complete -c calls -n "__fish_calls_using_subcommand delete" -l config -d 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]' -r -F
complete -c calls -n "__fish_calls_using_subcommand delete" -l base-url -d 'Override the vendor API\'s base URL' -r
complete -c calls -n "__fish_calls_using_subcommand delete" -l token-url -d 'myCRM\'s OAuth2 token endpoint, required with a base URL of one\'s own [default: the profile\'s token_url, else the vendor\'s]' -r
complete -c calls -n "__fish_calls_using_subcommand delete" -l tz -d 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile\'s timezone, else the local zone; csv, tsv, json, ndjson: UTC]' -r
complete -c calls -n "__fish_calls_using_subcommand delete" -l timeout -d 'Seconds per request' -r
complete -c calls -n "__fish_calls_using_subcommand delete" -l retries -d 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)' -r
complete -c calls -n "__fish_calls_using_subcommand delete" -l concurrency -d 'Requests in flight (pages fetched ahead) [default: the profile\'s, else 4]' -r
complete -c calls -n "__fish_calls_using_subcommand delete" -l rate -d 'At most N requests per second to the vendor API [default: the profile\'s, else the vendor\'s documented limit on its own host (famulor: 100 a minute), else none]' -r
complete -c calls -n "__fish_calls_using_subcommand delete" -l color -d 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set (or TERM=dumb)'
always\t''
never\t''"
complete -c calls -n "__fish_calls_using_subcommand delete" -l dry-run -d 'Print the requests that would be sent, and send nothing'
complete -c calls -n "__fish_calls_using_subcommand delete" -s y -l yes -d 'Do not ask (required when stdin is not a terminal)'
complete -c calls -n "__fish_calls_using_subcommand delete" -l sandbox -d 'Run against an embedded sandbox started in-process (no config or secrets needed)'
complete -c calls -n "__fish_calls_using_subcommand delete" -s v -l verbose -d 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
complete -c calls -n "__fish_calls_using_subcommand delete" -s q -l quiet -d 'No progress, no summary; errors only'
complete -c calls -n "__fish_calls_using_subcommand delete" -l no-progress -d 'No progress bars (they are also off when stderr is not a terminal)'
complete -c calls -n "__fish_calls_using_subcommand delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c calls -n "__fish_calls_using_subcommand vendors" -s o -l format -d 'Output format [default: table on a terminal, else json]' -r -f -a "table\t''
csv\t''
tsv\t'Tab-separated, the CSV columns; a tab, line break or backslash in a value as `\\t`, `\\n`, `\\r`, `\\\\`'
json\t''
ndjson\t''
parquet\t'Typed columns (export to a file or folder only)'"
complete -c calls -n "__fish_calls_using_subcommand vendors" -s p -l profile -d 'Profile from the config [default: the config\'s default_profile]; `sync` takes several' -r -f -a "(calls __complete profiles 2>/dev/null)"
complete -c calls -n "__fish_calls_using_subcommand vendors" -l vendor -d 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends' -r -f -a "famulor\t''
evolux\t''
callcap\t''
brightcall\t''
mycrm\t''"
complete -c calls -n "__fish_calls_using_subcommand vendors" -l config -d 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]' -r -F
complete -c calls -n "__fish_calls_using_subcommand vendors" -l base-url -d 'Override the vendor API\'s base URL' -r
complete -c calls -n "__fish_calls_using_subcommand vendors" -l token-url -d 'myCRM\'s OAuth2 token endpoint, required with a base URL of one\'s own [default: the profile\'s token_url, else the vendor\'s]' -r
complete -c calls -n "__fish_calls_using_subcommand vendors" -l tz -d 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile\'s timezone, else the local zone; csv, tsv, json, ndjson: UTC]' -r
complete -c calls -n "__fish_calls_using_subcommand vendors" -l timeout -d 'Seconds per request' -r
complete -c calls -n "__fish_calls_using_subcommand vendors" -l retries -d 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)' -r
complete -c calls -n "__fish_calls_using_subcommand vendors" -l concurrency -d 'Requests in flight (pages fetched ahead) [default: the profile\'s, else 4]' -r
complete -c calls -n "__fish_calls_using_subcommand vendors" -l rate -d 'At most N requests per second to the vendor API [default: the profile\'s, else the vendor\'s documented limit on its own host (famulor: 100 a minute), else none]' -r
complete -c calls -n "__fish_calls_using_subcommand vendors" -l color -d 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set (or TERM=dumb)'
always\t''
never\t''"
complete -c calls -n "__fish_calls_using_subcommand vendors" -l sandbox -d 'Run against an embedded sandbox started in-process (no config or secrets needed)'
complete -c calls -n "__fish_calls_using_subcommand vendors" -s v -l verbose -d 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
complete -c calls -n "__fish_calls_using_subcommand vendors" -s q -l quiet -d 'No progress, no summary; errors only'
complete -c calls -n "__fish_calls_using_subcommand vendors" -l no-progress -d 'No progress bars (they are also off when stderr is not a terminal)'
complete -c calls -n "__fish_calls_using_subcommand vendors" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c calls -n "__fish_calls_using_subcommand config; and not __fish_seen_subcommand_from init path show profiles check help" -s p -l profile -d 'Profile from the config [default: the config\'s default_profile]; `sync` takes several' -r -f -a "(calls __complete profiles 2>/dev/null)"
complete -c calls -n "__fish_calls_using_subcommand config; and not __fish_seen_subcommand_from init path show profiles check help" -l vendor -d 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends' -r -f -a "famulor\t''
evolux\t''
callcap\t''
brightcall\t''
mycrm\t''"
complete -c calls -n "__fish_calls_using_subcommand config; and not __fish_seen_subcommand_from init path show profiles check help" -l config -d 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]' -r -F
complete -c calls -n "__fish_calls_using_subcommand config; and not __fish_seen_subcommand_from init path show profiles check help" -l base-url -d 'Override the vendor API\'s base URL' -r
complete -c calls -n "__fish_calls_using_subcommand config; and not __fish_seen_subcommand_from init path show profiles check help" -l token-url -d 'myCRM\'s OAuth2 token endpoint, required with a base URL of one\'s own [default: the profile\'s token_url, else the vendor\'s]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and not __fish_seen_subcommand_from init path show profiles check help" -l tz -d 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile\'s timezone, else the local zone; csv, tsv, json, ndjson: UTC]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and not __fish_seen_subcommand_from init path show profiles check help" -l timeout -d 'Seconds per request' -r
complete -c calls -n "__fish_calls_using_subcommand config; and not __fish_seen_subcommand_from init path show profiles check help" -l retries -d 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)' -r
complete -c calls -n "__fish_calls_using_subcommand config; and not __fish_seen_subcommand_from init path show profiles check help" -l concurrency -d 'Requests in flight (pages fetched ahead) [default: the profile\'s, else 4]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and not __fish_seen_subcommand_from init path show profiles check help" -l rate -d 'At most N requests per second to the vendor API [default: the profile\'s, else the vendor\'s documented limit on its own host (famulor: 100 a minute), else none]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and not __fish_seen_subcommand_from init path show profiles check help" -l color -d 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set (or TERM=dumb)'
always\t''
never\t''"
complete -c calls -n "__fish_calls_using_subcommand config; and not __fish_seen_subcommand_from init path show profiles check help" -l sandbox -d 'Run against an embedded sandbox started in-process (no config or secrets needed)'
complete -c calls -n "__fish_calls_using_subcommand config; and not __fish_seen_subcommand_from init path show profiles check help" -s v -l verbose -d 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
complete -c calls -n "__fish_calls_using_subcommand config; and not __fish_seen_subcommand_from init path show profiles check help" -s q -l quiet -d 'No progress, no summary; errors only'
complete -c calls -n "__fish_calls_using_subcommand config; and not __fish_seen_subcommand_from init path show profiles check help" -l no-progress -d 'No progress bars (they are also off when stderr is not a terminal)'
complete -c calls -n "__fish_calls_using_subcommand config; and not __fish_seen_subcommand_from init path show profiles check help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c calls -n "__fish_calls_using_subcommand config; and not __fish_seen_subcommand_from init path show profiles check help" -f -a "init" -d 'Write a commented starter config (mode 0600): one active profile, Famulor\'s or --vendor V\'s, and the other vendors\' as comments'
complete -c calls -n "__fish_calls_using_subcommand config; and not __fish_seen_subcommand_from init path show profiles check help" -f -a "path" -d 'Print the config file\'s path'
complete -c calls -n "__fish_calls_using_subcommand config; and not __fish_seen_subcommand_from init path show profiles check help" -f -a "show" -d 'Print the config with secrets redacted (-p NAME: that profile only)'
complete -c calls -n "__fish_calls_using_subcommand config; and not __fish_seen_subcommand_from init path show profiles check help" -f -a "profiles" -d 'List the profiles: vendor, API, and where each secret comes from (never the secret)'
complete -c calls -n "__fish_calls_using_subcommand config; and not __fish_seen_subcommand_from init path show profiles check help" -f -a "check" -d 'Validate the config and every profile (-p NAME: that profile only)'
complete -c calls -n "__fish_calls_using_subcommand config; and not __fish_seen_subcommand_from init path show profiles check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from init" -s p -l profile -d 'Profile from the config [default: the config\'s default_profile]; `sync` takes several' -r -f -a "(calls __complete profiles 2>/dev/null)"
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from init" -l vendor -d 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends' -r -f -a "famulor\t''
evolux\t''
callcap\t''
brightcall\t''
mycrm\t''"
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from init" -l config -d 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]' -r -F
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from init" -l base-url -d 'Override the vendor API\'s base URL' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from init" -l token-url -d 'myCRM\'s OAuth2 token endpoint, required with a base URL of one\'s own [default: the profile\'s token_url, else the vendor\'s]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from init" -l tz -d 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile\'s timezone, else the local zone; csv, tsv, json, ndjson: UTC]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from init" -l timeout -d 'Seconds per request' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from init" -l retries -d 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from init" -l concurrency -d 'Requests in flight (pages fetched ahead) [default: the profile\'s, else 4]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from init" -l rate -d 'At most N requests per second to the vendor API [default: the profile\'s, else the vendor\'s documented limit on its own host (famulor: 100 a minute), else none]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from init" -l color -d 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set (or TERM=dumb)'
always\t''
never\t''"
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from init" -l force -d 'Replace an existing file'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from init" -l sandbox -d 'Run against an embedded sandbox started in-process (no config or secrets needed)'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from init" -s v -l verbose -d 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from init" -s q -l quiet -d 'No progress, no summary; errors only'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from init" -l no-progress -d 'No progress bars (they are also off when stderr is not a terminal)'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from path" -s p -l profile -d 'Profile from the config [default: the config\'s default_profile]; `sync` takes several' -r -f -a "(calls __complete profiles 2>/dev/null)"
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from path" -l vendor -d 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends' -r -f -a "famulor\t''
evolux\t''
callcap\t''
brightcall\t''
mycrm\t''"
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from path" -l config -d 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]' -r -F
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from path" -l base-url -d 'Override the vendor API\'s base URL' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from path" -l token-url -d 'myCRM\'s OAuth2 token endpoint, required with a base URL of one\'s own [default: the profile\'s token_url, else the vendor\'s]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from path" -l tz -d 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile\'s timezone, else the local zone; csv, tsv, json, ndjson: UTC]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from path" -l timeout -d 'Seconds per request' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from path" -l retries -d 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from path" -l concurrency -d 'Requests in flight (pages fetched ahead) [default: the profile\'s, else 4]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from path" -l rate -d 'At most N requests per second to the vendor API [default: the profile\'s, else the vendor\'s documented limit on its own host (famulor: 100 a minute), else none]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from path" -l color -d 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set (or TERM=dumb)'
always\t''
never\t''"
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from path" -l sandbox -d 'Run against an embedded sandbox started in-process (no config or secrets needed)'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from path" -s v -l verbose -d 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from path" -s q -l quiet -d 'No progress, no summary; errors only'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from path" -l no-progress -d 'No progress bars (they are also off when stderr is not a terminal)'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from show" -s p -l profile -d 'Profile from the config [default: the config\'s default_profile]; `sync` takes several' -r -f -a "(calls __complete profiles 2>/dev/null)"
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from show" -l vendor -d 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends' -r -f -a "famulor\t''
evolux\t''
callcap\t''
brightcall\t''
mycrm\t''"
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]' -r -F
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from show" -l base-url -d 'Override the vendor API\'s base URL' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from show" -l token-url -d 'myCRM\'s OAuth2 token endpoint, required with a base URL of one\'s own [default: the profile\'s token_url, else the vendor\'s]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from show" -l tz -d 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile\'s timezone, else the local zone; csv, tsv, json, ndjson: UTC]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from show" -l timeout -d 'Seconds per request' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from show" -l retries -d 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from show" -l concurrency -d 'Requests in flight (pages fetched ahead) [default: the profile\'s, else 4]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from show" -l rate -d 'At most N requests per second to the vendor API [default: the profile\'s, else the vendor\'s documented limit on its own host (famulor: 100 a minute), else none]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from show" -l color -d 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set (or TERM=dumb)'
always\t''
never\t''"
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from show" -l sandbox -d 'Run against an embedded sandbox started in-process (no config or secrets needed)'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'No progress, no summary; errors only'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from show" -l no-progress -d 'No progress bars (they are also off when stderr is not a terminal)'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from profiles" -s p -l profile -d 'Profile from the config [default: the config\'s default_profile]; `sync` takes several' -r -f -a "(calls __complete profiles 2>/dev/null)"
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from profiles" -l vendor -d 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends' -r -f -a "famulor\t''
evolux\t''
callcap\t''
brightcall\t''
mycrm\t''"
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from profiles" -l config -d 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]' -r -F
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from profiles" -l base-url -d 'Override the vendor API\'s base URL' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from profiles" -l token-url -d 'myCRM\'s OAuth2 token endpoint, required with a base URL of one\'s own [default: the profile\'s token_url, else the vendor\'s]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from profiles" -l tz -d 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile\'s timezone, else the local zone; csv, tsv, json, ndjson: UTC]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from profiles" -l timeout -d 'Seconds per request' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from profiles" -l retries -d 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from profiles" -l concurrency -d 'Requests in flight (pages fetched ahead) [default: the profile\'s, else 4]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from profiles" -l rate -d 'At most N requests per second to the vendor API [default: the profile\'s, else the vendor\'s documented limit on its own host (famulor: 100 a minute), else none]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from profiles" -l color -d 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set (or TERM=dumb)'
always\t''
never\t''"
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from profiles" -l sandbox -d 'Run against an embedded sandbox started in-process (no config or secrets needed)'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from profiles" -s v -l verbose -d 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from profiles" -s q -l quiet -d 'No progress, no summary; errors only'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from profiles" -l no-progress -d 'No progress bars (they are also off when stderr is not a terminal)'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from profiles" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from check" -s p -l profile -d 'Profile from the config [default: the config\'s default_profile]; `sync` takes several' -r -f -a "(calls __complete profiles 2>/dev/null)"
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from check" -l vendor -d 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends' -r -f -a "famulor\t''
evolux\t''
callcap\t''
brightcall\t''
mycrm\t''"
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from check" -l config -d 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]' -r -F
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from check" -l base-url -d 'Override the vendor API\'s base URL' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from check" -l token-url -d 'myCRM\'s OAuth2 token endpoint, required with a base URL of one\'s own [default: the profile\'s token_url, else the vendor\'s]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from check" -l tz -d 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile\'s timezone, else the local zone; csv, tsv, json, ndjson: UTC]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from check" -l timeout -d 'Seconds per request' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from check" -l retries -d 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from check" -l concurrency -d 'Requests in flight (pages fetched ahead) [default: the profile\'s, else 4]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from check" -l rate -d 'At most N requests per second to the vendor API [default: the profile\'s, else the vendor\'s documented limit on its own host (famulor: 100 a minute), else none]' -r
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from check" -l color -d 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set (or TERM=dumb)'
always\t''
never\t''"
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from check" -l online -d 'Also make one cheap authenticated request per profile'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from check" -l sandbox -d 'Run against an embedded sandbox started in-process (no config or secrets needed)'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from check" -s q -l quiet -d 'No progress, no summary; errors only'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from check" -l no-progress -d 'No progress bars (they are also off when stderr is not a terminal)'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "init" -d 'Write a commented starter config (mode 0600): one active profile, Famulor\'s or --vendor V\'s, and the other vendors\' as comments'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print the config file\'s path'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print the config with secrets redacted (-p NAME: that profile only)'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "profiles" -d 'List the profiles: vendor, API, and where each secret comes from (never the secret)'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "check" -d 'Validate the config and every profile (-p NAME: that profile only)'
complete -c calls -n "__fish_calls_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c calls -n "__fish_calls_using_subcommand completions" -s p -l profile -d 'Profile from the config [default: the config\'s default_profile]; `sync` takes several' -r -f -a "(calls __complete profiles 2>/dev/null)"
complete -c calls -n "__fish_calls_using_subcommand completions" -l vendor -d 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends' -r -f -a "famulor\t''
evolux\t''
callcap\t''
brightcall\t''
mycrm\t''"
complete -c calls -n "__fish_calls_using_subcommand completions" -l config -d 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]' -r -F
complete -c calls -n "__fish_calls_using_subcommand completions" -l base-url -d 'Override the vendor API\'s base URL' -r
complete -c calls -n "__fish_calls_using_subcommand completions" -l token-url -d 'myCRM\'s OAuth2 token endpoint, required with a base URL of one\'s own [default: the profile\'s token_url, else the vendor\'s]' -r
complete -c calls -n "__fish_calls_using_subcommand completions" -l tz -d 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile\'s timezone, else the local zone; csv, tsv, json, ndjson: UTC]' -r
complete -c calls -n "__fish_calls_using_subcommand completions" -l timeout -d 'Seconds per request' -r
complete -c calls -n "__fish_calls_using_subcommand completions" -l retries -d 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)' -r
complete -c calls -n "__fish_calls_using_subcommand completions" -l concurrency -d 'Requests in flight (pages fetched ahead) [default: the profile\'s, else 4]' -r
complete -c calls -n "__fish_calls_using_subcommand completions" -l rate -d 'At most N requests per second to the vendor API [default: the profile\'s, else the vendor\'s documented limit on its own host (famulor: 100 a minute), else none]' -r
complete -c calls -n "__fish_calls_using_subcommand completions" -l color -d 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set (or TERM=dumb)'
always\t''
never\t''"
complete -c calls -n "__fish_calls_using_subcommand completions" -l sandbox -d 'Run against an embedded sandbox started in-process (no config or secrets needed)'
complete -c calls -n "__fish_calls_using_subcommand completions" -s v -l verbose -d 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
complete -c calls -n "__fish_calls_using_subcommand completions" -s q -l quiet -d 'No progress, no summary; errors only'
complete -c calls -n "__fish_calls_using_subcommand completions" -l no-progress -d 'No progress bars (they are also off when stderr is not a terminal)'
complete -c calls -n "__fish_calls_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l port -d 'Port for the vendor APIs (0: any free port); recordings are served on another port' -r
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l calls -d 'Calls per vendor' -r
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l seed -d 'Seed for the generated data' -r
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l until -d 'Calls spread over the 90 days before this date [default: now]' -r
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l latency -d 'Milliseconds each API answer takes, counted from the request\'s arrival' -r
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l fail-rate -d 'Share of API requests that fail (500/503, 429 with Retry-After, cut bodies)' -r
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l token-ttl -d 'Seconds after which the myCRM API refuses an access token (its answer still says 1800)' -r
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l recording-faults -d 'Share of recording links that are broken (expired, or a 200 with an error page)' -r
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l change-rate -d 'Share of calls that change after they are first served, within 2 h of their start: an in-progress call finishes, a status is corrected, a recording appears' -r
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l rate-limit -d 'Rate limit per credential, as Famulor documents its own: N requests per window (100/60s, 30/3s), with X-RateLimit-* headers and a 429 whose JSON body says retry_after' -r
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l short-page -d 'Serve the second page of a listing with a record missing (its counts still say the full page): the first time only, or every time' -r -f -a "once\t''
always\t''"
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l order -d 'Serve listings in this order whatever the client asks: oldest-first, newest-first, or shuffled (a vendor that ignores `sort`)' -r -f -a "oldest-first\t''
newest-first\t''
shuffled\t''"
complete -c calls -n "__fish_calls_using_subcommand sandbox" -s p -l profile -d 'Profile from the config [default: the config\'s default_profile]; `sync` takes several' -r -f -a "(calls __complete profiles 2>/dev/null)"
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l vendor -d 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends' -r -f -a "famulor\t''
evolux\t''
callcap\t''
brightcall\t''
mycrm\t''"
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l config -d 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]' -r -F
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l base-url -d 'Override the vendor API\'s base URL' -r
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l token-url -d 'myCRM\'s OAuth2 token endpoint, required with a base URL of one\'s own [default: the profile\'s token_url, else the vendor\'s]' -r
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l tz -d 'IANA zone for reading dates and printing times [default: reading dates and tables: the profile\'s timezone, else the local zone; csv, tsv, json, ndjson: UTC]' -r
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l timeout -d 'Seconds per request' -r
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l retries -d 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)' -r
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l concurrency -d 'Requests in flight (pages fetched ahead) [default: the profile\'s, else 4]' -r
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l rate -d 'At most N requests per second to the vendor API [default: the profile\'s, else the vendor\'s documented limit on its own host (famulor: 100 a minute), else none]' -r
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l color -d 'Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set (or TERM=dumb)'
always\t''
never\t''"
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l rate-limit-silent -d 'With --rate-limit: send no X-RateLimit-* headers (only the 429\'s body says when)'
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l sandbox -d 'Run against an embedded sandbox started in-process (no config or secrets needed)'
complete -c calls -n "__fish_calls_using_subcommand sandbox" -s v -l verbose -d 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
complete -c calls -n "__fish_calls_using_subcommand sandbox" -s q -l quiet -d 'No progress, no summary; errors only'
complete -c calls -n "__fish_calls_using_subcommand sandbox" -l no-progress -d 'No progress bars (they are also off when stderr is not a terminal)'
complete -c calls -n "__fish_calls_using_subcommand sandbox" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c calls -n "__fish_calls_using_subcommand help; and not __fish_seen_subcommand_from list export sync stats show recording assign delete vendors config completions sandbox help" -f -a "list" -d 'The most recent matching calls, newest first'
complete -c calls -n "__fish_calls_using_subcommand help; and not __fish_seen_subcommand_from list export sync stats show recording assign delete vendors config completions sandbox help" -f -a "export" -d 'Every matching call, all pages, streamed: for files, pipes and cron'
complete -c calls -n "__fish_calls_using_subcommand help; and not __fish_seen_subcommand_from list export sync stats show recording assign delete vendors config completions sandbox help" -f -a "sync" -d 'Keep a database (SQLite or PostgreSQL) up to date: new calls inserted, changed calls updated'
complete -c calls -n "__fish_calls_using_subcommand help; and not __fish_seen_subcommand_from list export sync stats show recording assign delete vendors config completions sandbox help" -f -a "stats" -d 'Counts, answer rate and talk time per day, hour, agent, campaign, ... with a bar chart'
complete -c calls -n "__fish_calls_using_subcommand help; and not __fish_seen_subcommand_from list export sync stats show recording assign delete vendors config completions sandbox help" -f -a "show" -d 'One call in full (transcript, evaluation, all vendor fields)'
complete -c calls -n "__fish_calls_using_subcommand help; and not __fish_seen_subcommand_from list export sync stats show recording assign delete vendors config completions sandbox help" -f -a "recording" -d 'Download recordings: of the given ids, or of every matching call'
complete -c calls -n "__fish_calls_using_subcommand help; and not __fish_seen_subcommand_from list export sync stats show recording assign delete vendors config completions sandbox help" -f -a "assign" -d 'Assign call records to a user, property or lead, or mark them seen (myCRM)'
complete -c calls -n "__fish_calls_using_subcommand help; and not __fish_seen_subcommand_from list export sync stats show recording assign delete vendors config completions sandbox help" -f -a "delete" -d 'Delete call records (Famulor, myCRM): by ids, or every call matching the filters'
complete -c calls -n "__fish_calls_using_subcommand help; and not __fish_seen_subcommand_from list export sync stats show recording assign delete vendors config completions sandbox help" -f -a "vendors" -d 'The vendors and what each supports'
complete -c calls -n "__fish_calls_using_subcommand help; and not __fish_seen_subcommand_from list export sync stats show recording assign delete vendors config completions sandbox help" -f -a "config" -d 'Write, locate, print or check the config file; list its profiles'
complete -c calls -n "__fish_calls_using_subcommand help; and not __fish_seen_subcommand_from list export sync stats show recording assign delete vendors config completions sandbox help" -f -a "completions" -d 'Print a shell completion script (profile names are completed from the config)'
complete -c calls -n "__fish_calls_using_subcommand help; and not __fish_seen_subcommand_from list export sync stats show recording assign delete vendors config completions sandbox help" -f -a "sandbox" -d 'Serve the built-in fake vendor APIs on 127.0.0.1'
complete -c calls -n "__fish_calls_using_subcommand help; and not __fish_seen_subcommand_from list export sync stats show recording assign delete vendors config completions sandbox help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c calls -n "__fish_calls_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "init" -d 'Write a commented starter config (mode 0600): one active profile, Famulor\'s or --vendor V\'s, and the other vendors\' as comments'
complete -c calls -n "__fish_calls_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print the config file\'s path'
complete -c calls -n "__fish_calls_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print the config with secrets redacted (-p NAME: that profile only)'
complete -c calls -n "__fish_calls_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "profiles" -d 'List the profiles: vendor, API, and where each secret comes from (never the secret)'
complete -c calls -n "__fish_calls_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "check" -d 'Validate the config and every profile (-p NAME: that profile only)'
