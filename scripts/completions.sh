#!/usr/bin/env bash
# Regenerates the committed shell completion scripts in completions/.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin=${CARGO_TARGET_DIR:-target}/debug/calls
"$bin" completions bash > completions/calls.bash
"$bin" completions zsh > completions/_calls
"$bin" completions fish > completions/calls.fish
"$bin" completions powershell > completions/_calls.ps1
"$bin" completions elvish > completions/calls.elv
echo "completions/ regenerated"
