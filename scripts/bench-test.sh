#!/usr/bin/env bash
# Times "secprof test --engine runc" (the built CLI, a process of its own)
# on a profile with ten run lines, verify/container/testdata/ten.sp,
# against one bare "runc run /bin/true" on the same bundle setup (the test
# tree, capabilities, and the profile's own seccomp section), and prints
# the ratio of medians (goal: <= 1.3x). Secondary lines: the engine's Run
# of ten checks within one process, and the same ten commands as a plain
# script in a bare container (what the commands cost by themselves).
# Everything is measured in one "go test -bench" loop that rotates the
# order every iteration, so all see the same load.
# Needs root and runc (scripts/setup.sh). Extra arguments go to go test,
# e.g. -benchtime=200x.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/secprof" ./cmd/secprof
"$work/secprof" compile --format oci -o "$work/ten.oci.json" verify/container/testdata/ten.sp 2>/dev/null

out=$(SECPROF_BENCH_CLI="$work/secprof" SECPROF_BENCH_OCI="$work/ten.oci.json" \
	go test -run '^$' -bench '^BenchmarkPairedRatio$' -benchtime=100x -count=1 "$@" ./verify/container/)
printf '%s\n' "$out" | grep '^Benchmark' || { printf '%s\n' "$out" >&2; exit 1; }

printf '%s\n' "$out" | awk '
	/^BenchmarkPairedRatio/ { for (i = 4; i < NF; i++) m[$(i+1)] = $i; n++ }
	END {
		if (n != 1 || !("cli-ms" in m) || !("bare-ms" in m)) { print "bench-test: missing results" > "/dev/stderr"; exit 1 }
		printf "secprof test, ten run lines (CLI):      median %6.1f ms\n", m["cli-ms"]
		printf "bare runc run /bin/true:                median %6.1f ms\n", m["bare-ms"]
		printf "CLI ratio to /bin/true: %.2fx (goal <= 1.30x)\n", m["cli-ratio"]
		printf "engine Run in-process, ten checks:      median %6.1f ms, %.2fx\n", m["engine-ms"], m["engine-ratio"]
		printf "bare runc run, same ten commands:       median %6.1f ms, %.2fx\n", m["plain-ms"], m["plain-ratio"]
	}'
