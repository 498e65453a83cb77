
use builtin;
use str;

set edit:completion:arg-completer[calls] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'calls'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'calls'= {
            cand -p 'Profile from the config [default: the config''s default_profile]'
            cand --profile 'Profile from the config [default: the config''s default_profile]'
            cand --vendor 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends'
            cand --config 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]'
            cand --base-url 'Override the vendor API''s base URL'
            cand --tz 'IANA zone for reading dates and printing times [default: the profile''s timezone, else UTC; tables: else the local zone]'
            cand --timeout 'Seconds per request'
            cand --retries 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)'
            cand --concurrency 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]'
            cand --rate 'At most N requests per second to the vendor API [default: the profile''s, else no limit]'
            cand --sandbox 'Run against an embedded sandbox started in-process (no config or secrets needed)'
            cand -v 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand --verbose 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand -q 'No progress, no summary; errors only'
            cand --quiet 'No progress, no summary; errors only'
            cand --no-progress 'No progress bars (they are also off when stderr is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'The most recent matching calls, newest first'
            cand export 'Every matching call, all pages, streamed: for files, pipes and cron'
            cand show 'One call in full (transcript, evaluation, all vendor fields)'
            cand vendors 'The vendors and what each supports'
            cand config 'Write, locate, print or check the config file'
            cand completions 'Print a shell completion script'
            cand sandbox 'Serve the built-in fake vendor APIs on 127.0.0.1'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'calls;list'= {
            cand --from 'Start (inclusive): YYYY-MM-DD, RFC 3339, today, yesterday, or 30m / 12h / 7d ago [default: 30d]'
            cand --to 'End: a date includes that whole day, a datetime is exclusive [default: now]'
            cand --direction 'inbound, outbound, internal or web'
            cand --status 'answered, missed, busy, failed, voicemail, canceled, in-progress, unknown (repeatable, or a,b)'
            cand --number 'The customer''s number; spaces, dashes and + are ignored'
            cand --agent 'Agent / assistant id (repeatable)'
            cand --campaign 'Campaign id (repeatable)'
            cand --min-duration 'Only calls lasting at least SECS'
            cand --max-duration 'Only calls lasting at most SECS'
            cand --search 'Free text: the vendor''s search where it has one, else every field of the record'
            cand --limit 'Stop after N calls [list default: 25]'
            cand --param 'Raw vendor query parameter, sent as given (repeatable)'
            cand -o 'Output format [default: table on a terminal, else ndjson]'
            cand --format 'Output format [default: table on a terminal, else ndjson]'
            cand --fields 'Pick and order fields, e.g. id,started_at,status (all formats)'
            cand --output 'Write to FILE atomically (replaced only when complete)'
            cand -p 'Profile from the config [default: the config''s default_profile]'
            cand --profile 'Profile from the config [default: the config''s default_profile]'
            cand --vendor 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends'
            cand --config 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]'
            cand --base-url 'Override the vendor API''s base URL'
            cand --tz 'IANA zone for reading dates and printing times [default: the profile''s timezone, else UTC; tables: else the local zone]'
            cand --timeout 'Seconds per request'
            cand --retries 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)'
            cand --concurrency 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]'
            cand --rate 'At most N requests per second to the vendor API [default: the profile''s, else no limit]'
            cand --raw 'Add the vendor''s original record as `raw` (json, ndjson)'
            cand --sandbox 'Run against an embedded sandbox started in-process (no config or secrets needed)'
            cand -v 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand --verbose 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand -q 'No progress, no summary; errors only'
            cand --quiet 'No progress, no summary; errors only'
            cand --no-progress 'No progress bars (they are also off when stderr is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'calls;export'= {
            cand --from 'Start (inclusive): YYYY-MM-DD, RFC 3339, today, yesterday, or 30m / 12h / 7d ago [default: 30d]'
            cand --to 'End: a date includes that whole day, a datetime is exclusive [default: now]'
            cand --direction 'inbound, outbound, internal or web'
            cand --status 'answered, missed, busy, failed, voicemail, canceled, in-progress, unknown (repeatable, or a,b)'
            cand --number 'The customer''s number; spaces, dashes and + are ignored'
            cand --agent 'Agent / assistant id (repeatable)'
            cand --campaign 'Campaign id (repeatable)'
            cand --min-duration 'Only calls lasting at least SECS'
            cand --max-duration 'Only calls lasting at most SECS'
            cand --search 'Free text: the vendor''s search where it has one, else every field of the record'
            cand --limit 'Stop after N calls [list default: 25]'
            cand --param 'Raw vendor query parameter, sent as given (repeatable)'
            cand -o 'Output format [default: table on a terminal, else ndjson]'
            cand --format 'Output format [default: table on a terminal, else ndjson]'
            cand --fields 'Pick and order fields, e.g. id,started_at,status (all formats)'
            cand --output 'Write to FILE atomically (replaced only when complete)'
            cand --state 'State file for --since-last [default: the OS data dir, e.g. ~/.local/share/calls/state/]'
            cand --lookback 'How far before the newest call already exported the next run starts, for calls the vendor records late: 30m, 2h, 1d'
            cand -p 'Profile from the config [default: the config''s default_profile]'
            cand --profile 'Profile from the config [default: the config''s default_profile]'
            cand --vendor 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends'
            cand --config 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]'
            cand --base-url 'Override the vendor API''s base URL'
            cand --tz 'IANA zone for reading dates and printing times [default: the profile''s timezone, else UTC; tables: else the local zone]'
            cand --timeout 'Seconds per request'
            cand --retries 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)'
            cand --concurrency 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]'
            cand --rate 'At most N requests per second to the vendor API [default: the profile''s, else no limit]'
            cand --raw 'Add the vendor''s original record as `raw` (json, ndjson)'
            cand --since-last 'Resume after the last successful run of this profile, filter set and destination'
            cand --append 'Append to an existing --output file (no second CSV header; csv and ndjson only)'
            cand --sandbox 'Run against an embedded sandbox started in-process (no config or secrets needed)'
            cand -v 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand --verbose 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand -q 'No progress, no summary; errors only'
            cand --quiet 'No progress, no summary; errors only'
            cand --no-progress 'No progress bars (they are also off when stderr is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'calls;show'= {
            cand -o 'Output format [default: table on a terminal, else ndjson]'
            cand --format 'Output format [default: table on a terminal, else ndjson]'
            cand --fields 'Pick and order fields, e.g. id,started_at,status (all formats)'
            cand --output 'Write to FILE atomically (replaced only when complete)'
            cand -p 'Profile from the config [default: the config''s default_profile]'
            cand --profile 'Profile from the config [default: the config''s default_profile]'
            cand --vendor 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends'
            cand --config 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]'
            cand --base-url 'Override the vendor API''s base URL'
            cand --tz 'IANA zone for reading dates and printing times [default: the profile''s timezone, else UTC; tables: else the local zone]'
            cand --timeout 'Seconds per request'
            cand --retries 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)'
            cand --concurrency 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]'
            cand --rate 'At most N requests per second to the vendor API [default: the profile''s, else no limit]'
            cand --raw 'Add the vendor''s original record as `raw` (json, ndjson)'
            cand --sandbox 'Run against an embedded sandbox started in-process (no config or secrets needed)'
            cand -v 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand --verbose 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand -q 'No progress, no summary; errors only'
            cand --quiet 'No progress, no summary; errors only'
            cand --no-progress 'No progress bars (they are also off when stderr is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'calls;vendors'= {
            cand -o 'Output format [default: table on a terminal, else json]'
            cand --format 'Output format [default: table on a terminal, else json]'
            cand -p 'Profile from the config [default: the config''s default_profile]'
            cand --profile 'Profile from the config [default: the config''s default_profile]'
            cand --vendor 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends'
            cand --config 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]'
            cand --base-url 'Override the vendor API''s base URL'
            cand --tz 'IANA zone for reading dates and printing times [default: the profile''s timezone, else UTC; tables: else the local zone]'
            cand --timeout 'Seconds per request'
            cand --retries 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)'
            cand --concurrency 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]'
            cand --rate 'At most N requests per second to the vendor API [default: the profile''s, else no limit]'
            cand --sandbox 'Run against an embedded sandbox started in-process (no config or secrets needed)'
            cand -v 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand --verbose 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand -q 'No progress, no summary; errors only'
            cand --quiet 'No progress, no summary; errors only'
            cand --no-progress 'No progress bars (they are also off when stderr is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'calls;config'= {
            cand -p 'Profile from the config [default: the config''s default_profile]'
            cand --profile 'Profile from the config [default: the config''s default_profile]'
            cand --vendor 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends'
            cand --config 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]'
            cand --base-url 'Override the vendor API''s base URL'
            cand --tz 'IANA zone for reading dates and printing times [default: the profile''s timezone, else UTC; tables: else the local zone]'
            cand --timeout 'Seconds per request'
            cand --retries 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)'
            cand --concurrency 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]'
            cand --rate 'At most N requests per second to the vendor API [default: the profile''s, else no limit]'
            cand --sandbox 'Run against an embedded sandbox started in-process (no config or secrets needed)'
            cand -v 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand --verbose 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand -q 'No progress, no summary; errors only'
            cand --quiet 'No progress, no summary; errors only'
            cand --no-progress 'No progress bars (they are also off when stderr is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand init 'Write a commented starter config (mode 0600)'
            cand path 'Print the config file''s path'
            cand show 'Print the config with secrets redacted'
            cand check 'Validate the config and every profile'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'calls;config;init'= {
            cand -p 'Profile from the config [default: the config''s default_profile]'
            cand --profile 'Profile from the config [default: the config''s default_profile]'
            cand --vendor 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends'
            cand --config 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]'
            cand --base-url 'Override the vendor API''s base URL'
            cand --tz 'IANA zone for reading dates and printing times [default: the profile''s timezone, else UTC; tables: else the local zone]'
            cand --timeout 'Seconds per request'
            cand --retries 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)'
            cand --concurrency 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]'
            cand --rate 'At most N requests per second to the vendor API [default: the profile''s, else no limit]'
            cand --force 'Replace an existing file'
            cand --sandbox 'Run against an embedded sandbox started in-process (no config or secrets needed)'
            cand -v 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand --verbose 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand -q 'No progress, no summary; errors only'
            cand --quiet 'No progress, no summary; errors only'
            cand --no-progress 'No progress bars (they are also off when stderr is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'calls;config;path'= {
            cand -p 'Profile from the config [default: the config''s default_profile]'
            cand --profile 'Profile from the config [default: the config''s default_profile]'
            cand --vendor 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends'
            cand --config 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]'
            cand --base-url 'Override the vendor API''s base URL'
            cand --tz 'IANA zone for reading dates and printing times [default: the profile''s timezone, else UTC; tables: else the local zone]'
            cand --timeout 'Seconds per request'
            cand --retries 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)'
            cand --concurrency 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]'
            cand --rate 'At most N requests per second to the vendor API [default: the profile''s, else no limit]'
            cand --sandbox 'Run against an embedded sandbox started in-process (no config or secrets needed)'
            cand -v 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand --verbose 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand -q 'No progress, no summary; errors only'
            cand --quiet 'No progress, no summary; errors only'
            cand --no-progress 'No progress bars (they are also off when stderr is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'calls;config;show'= {
            cand -p 'Profile from the config [default: the config''s default_profile]'
            cand --profile 'Profile from the config [default: the config''s default_profile]'
            cand --vendor 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends'
            cand --config 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]'
            cand --base-url 'Override the vendor API''s base URL'
            cand --tz 'IANA zone for reading dates and printing times [default: the profile''s timezone, else UTC; tables: else the local zone]'
            cand --timeout 'Seconds per request'
            cand --retries 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)'
            cand --concurrency 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]'
            cand --rate 'At most N requests per second to the vendor API [default: the profile''s, else no limit]'
            cand --sandbox 'Run against an embedded sandbox started in-process (no config or secrets needed)'
            cand -v 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand --verbose 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand -q 'No progress, no summary; errors only'
            cand --quiet 'No progress, no summary; errors only'
            cand --no-progress 'No progress bars (they are also off when stderr is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'calls;config;check'= {
            cand -p 'Profile from the config [default: the config''s default_profile]'
            cand --profile 'Profile from the config [default: the config''s default_profile]'
            cand --vendor 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends'
            cand --config 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]'
            cand --base-url 'Override the vendor API''s base URL'
            cand --tz 'IANA zone for reading dates and printing times [default: the profile''s timezone, else UTC; tables: else the local zone]'
            cand --timeout 'Seconds per request'
            cand --retries 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)'
            cand --concurrency 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]'
            cand --rate 'At most N requests per second to the vendor API [default: the profile''s, else no limit]'
            cand --online 'Also make one cheap authenticated request per profile'
            cand --sandbox 'Run against an embedded sandbox started in-process (no config or secrets needed)'
            cand -v 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand --verbose 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand -q 'No progress, no summary; errors only'
            cand --quiet 'No progress, no summary; errors only'
            cand --no-progress 'No progress bars (they are also off when stderr is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'calls;config;help'= {
            cand init 'Write a commented starter config (mode 0600)'
            cand path 'Print the config file''s path'
            cand show 'Print the config with secrets redacted'
            cand check 'Validate the config and every profile'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'calls;config;help;init'= {
        }
        &'calls;config;help;path'= {
        }
        &'calls;config;help;show'= {
        }
        &'calls;config;help;check'= {
        }
        &'calls;config;help;help'= {
        }
        &'calls;completions'= {
            cand -p 'Profile from the config [default: the config''s default_profile]'
            cand --profile 'Profile from the config [default: the config''s default_profile]'
            cand --vendor 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends'
            cand --config 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]'
            cand --base-url 'Override the vendor API''s base URL'
            cand --tz 'IANA zone for reading dates and printing times [default: the profile''s timezone, else UTC; tables: else the local zone]'
            cand --timeout 'Seconds per request'
            cand --retries 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)'
            cand --concurrency 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]'
            cand --rate 'At most N requests per second to the vendor API [default: the profile''s, else no limit]'
            cand --sandbox 'Run against an embedded sandbox started in-process (no config or secrets needed)'
            cand -v 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand --verbose 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand -q 'No progress, no summary; errors only'
            cand --quiet 'No progress, no summary; errors only'
            cand --no-progress 'No progress bars (they are also off when stderr is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'calls;sandbox'= {
            cand --port 'Port for the vendor APIs (0: any free port); recordings are served on another port'
            cand --calls 'Calls per vendor'
            cand --seed 'Seed for the generated data'
            cand --until 'Calls spread over the 90 days before this date [default: now]'
            cand --latency 'Milliseconds each API answer takes, counted from the request''s arrival'
            cand --fail-rate 'Share of API requests that fail (500/503, 429 with Retry-After, cut bodies)'
            cand --token-ttl 'Seconds after which the myCRM API refuses an access token (its answer still says 1800)'
            cand -p 'Profile from the config [default: the config''s default_profile]'
            cand --profile 'Profile from the config [default: the config''s default_profile]'
            cand --vendor 'Use a vendor without a profile; secrets come from CALLS_TOKEN and friends'
            cand --config 'Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]'
            cand --base-url 'Override the vendor API''s base URL'
            cand --tz 'IANA zone for reading dates and printing times [default: the profile''s timezone, else UTC; tables: else the local zone]'
            cand --timeout 'Seconds per request'
            cand --retries 'Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)'
            cand --concurrency 'Requests in flight (pages fetched ahead) [default: the profile''s, else 4]'
            cand --rate 'At most N requests per second to the vendor API [default: the profile''s, else no limit]'
            cand --sandbox 'Run against an embedded sandbox started in-process (no config or secrets needed)'
            cand -v 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand --verbose 'Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers'
            cand -q 'No progress, no summary; errors only'
            cand --quiet 'No progress, no summary; errors only'
            cand --no-progress 'No progress bars (they are also off when stderr is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'calls;help'= {
            cand list 'The most recent matching calls, newest first'
            cand export 'Every matching call, all pages, streamed: for files, pipes and cron'
            cand show 'One call in full (transcript, evaluation, all vendor fields)'
            cand vendors 'The vendors and what each supports'
            cand config 'Write, locate, print or check the config file'
            cand completions 'Print a shell completion script'
            cand sandbox 'Serve the built-in fake vendor APIs on 127.0.0.1'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'calls;help;list'= {
        }
        &'calls;help;export'= {
        }
        &'calls;help;show'= {
        }
        &'calls;help;vendors'= {
        }
        &'calls;help;config'= {
            cand init 'Write a commented starter config (mode 0600)'
            cand path 'Print the config file''s path'
            cand show 'Print the config with secrets redacted'
            cand check 'Validate the config and every profile'
        }
        &'calls;help;config;init'= {
        }
        &'calls;help;config;path'= {
        }
        &'calls;help;config;show'= {
        }
        &'calls;help;config;check'= {
        }
        &'calls;help;completions'= {
        }
        &'calls;help;sandbox'= {
        }
        &'calls;help;help'= {
        }
    ]
    $completions[$command]
}
