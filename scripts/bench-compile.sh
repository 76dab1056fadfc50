#!/bin/sh
# bench-compile.sh [COUNT]: how long compiling Docker's default profile takes
# (parse, resolve, Docker JSON) relative to moby's seccomp.LoadProfile of the
# same JSON, both measured in one `go test -bench` run. Prints the median
# ns/op of each over COUNT runs (default 10) and their ratio; the goal is a
# ratio of at most 1.5.
set -eu
count=${1:-10}
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
go test -run '^$' -bench '^Benchmark(CompileDockerDefault|MobyLoadProfileDockerDefault)$' \
	-benchmem -count "$count" ./pipeline >"$out" || { cat "$out" >&2; exit 1; }
awk '
function median(name,    n, i, j, t, v) {
	n = cnt[name]
	if (n == 0) { print "bench-compile: no result for " name > "/dev/stderr"; exit 1 }
	for (i = 1; i <= n; i++) v[i] = ns[name, i]
	for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j-1] > v[j]; j--) { t = v[j]; v[j] = v[j-1]; v[j-1] = t }
	return n % 2 ? v[(n+1)/2] : (v[n/2] + v[n/2+1]) / 2
}
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name); sub(/^Benchmark/, "", name)
	for (i = 2; i < NF; i++) if ($(i+1) == "ns/op") ns[name, ++cnt[name]] = $i
}
END {
	c = median("CompileDockerDefault"); m = median("MobyLoadProfileDockerDefault")
	printf "compile (secprof, Docker default -> Docker JSON): %12.0f ns/op  (median of %d)\n", c, cnt["CompileDockerDefault"]
	printf "LoadProfile (moby, Docker default JSON):         %12.0f ns/op  (median of %d)\n", m, cnt["MobyLoadProfileDockerDefault"]
	printf "ratio compile/moby: %.2fx (goal <= 1.5x)\n", c / m
}' "$out"
