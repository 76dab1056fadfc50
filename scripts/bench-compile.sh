#!/bin/sh
# bench-compile.sh [COUNT [RUNS [BASE]]]: how long compiling Docker's default profile takes
# (parse, resolve, Docker JSON) relative to moby's seccomp.LoadProfile of the
# same JSON, both measured by one test binary. The two benchmarks run in
# turns, COUNT times each (default 10), so that a machine loaded by other
# work slows both sides of each pair alike; the figure that counts is the
# median of the COUNT pairwise ratios. The goal is a ratio of at most 1.5.
# That is a microbenchmark; what a user waits for is the whole process, so
# it then runs scripts/bench-compile-process.sh RUNS BASE (defaults 200 and
# HEAD): secprof compile built from the working tree against the same
# command built from BASE, alternating. A change that moves only the first
# ratio is not worth code that is harder to read.
set -eu
count=${1:-10}
runs=${2:-200}
base=${3:-HEAD}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/pipeline.test" ./pipeline
i=0
while [ "$i" -lt "$count" ]; do
	for b in CompileDockerDefault MobyLoadProfileDockerDefault; do
		(cd pipeline && "$tmp/pipeline.test" -test.run '^$' -test.bench "^Benchmark$b\$" -test.benchmem -test.count 1) >"$tmp/run" ||
			{ cat "$tmp/run" >&2; exit 1; }
		grep '^Benchmark' "$tmp/run" >>"$tmp/out"
	done
	i=$((i + 1))
done
awk '
function median(v, n,    i, j, t) {
	for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j-1] > v[j]; j--) { t = v[j]; v[j] = v[j-1]; v[j-1] = t }
	return n % 2 ? v[(n+1)/2] : (v[n/2] + v[n/2+1]) / 2
}
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name); sub(/^Benchmark/, "", name)
	for (i = 2; i < NF; i++) {
		if ($(i+1) == "ns/op") ns[name, ++cnt[name]] = $i
		if ($(i+1) == "B/op") bytes[name] = $i
		if ($(i+1) == "allocs/op") allocs[name] = $i
	}
}
END {
	c = "CompileDockerDefault"; m = "MobyLoadProfileDockerDefault"
	if (cnt[c] == 0 || cnt[c] != cnt[m]) { print "bench-compile: missing results" > "/dev/stderr"; exit 1 }
	n = cnt[c]
	for (i = 1; i <= n; i++) { cv[i] = ns[c, i]; mv[i] = ns[m, i]; r[i] = ns[c, i] / ns[m, i] }
	printf "compile (secprof, Docker default -> Docker JSON): %10.0f ns/op %9d B/op %6d allocs/op (median of %d)\n", median(cv, n), bytes[c], allocs[c], n
	printf "LoadProfile (moby, Docker default JSON):         %10.0f ns/op %9d B/op %6d allocs/op (median of %d)\n", median(mv, n), bytes[m], allocs[m], n
	printf "ratio compile/moby: %.2fx, median of %d paired runs (goal <= 1.5x)\n", median(r, n), n
}' "$tmp/out"
scripts/bench-compile-process.sh "$runs" "$base"
