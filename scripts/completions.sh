#!/usr/bin/env bash
# Regenerates the committed shell completion scripts in completions/ and the man pages in man/.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin="${CARGO_TARGET_DIR:-target}/debug/calls"
"$bin" completions bash > completions/calls.bash
"$bin" completions zsh > completions/_calls
"$bin" completions fish > completions/calls.fish
"$bin" completions powershell > completions/_calls.ps1
"$bin" completions elvish > completions/calls.elv
mkdir -p man
rm -f man/*.1
"$bin" __man > man/calls.1
for command in $("$bin" __man --list); do
    "$bin" __man "$command" > "man/calls-$command.1"
done
echo "completions/ and man/ regenerated"
