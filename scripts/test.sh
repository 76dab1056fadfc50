#!/usr/bin/env bash
# The whole test suite, as CI runs it: set the machine up, check format and
# vet, run every test (containers, kernel, apparmor_parser included; under
# CI=true a missing dependency fails instead of skipping), then run each
# fuzz target for a bounded time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go'))
if [[ -n $unformatted ]]; then
	echo "not gofmt-ed:" $unformatted >&2
	exit 1
fi
echo "== go vet"
go vet ./...

echo "== go test"
# One package at a time: container and kernel tests share the machine.
go test -count=1 -p 1 -timeout 30m ./...

echo "== fuzz (${FUZZTIME:=30s} each)"
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
		echo "-- $pkg $target"
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" "$pkg" >/tmp/secprof-fuzz.log 2>&1 || { cat /tmp/secprof-fuzz.log; exit 1; }
	done
done
echo "fuzz: ok"
