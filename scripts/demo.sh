#!/usr/bin/env bash
# Sets the machine up, then compiles and proves the built-in example:
# the seed profile (default allow, deny chmod chown) and its fix.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
go build -o bin/secprof ./cmd/secprof
echo "== secprof compile examples/seed.sp (Docker seccomp JSON)"
bin/secprof compile examples/seed.sp
echo "== secprof test examples/seed.sp"
bin/secprof test examples/seed.sp
echo "== secprof test examples/no-chmod.sp"
bin/secprof test examples/no-chmod.sp
