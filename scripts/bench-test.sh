#!/usr/bin/env bash
# Times the throwaway-container check of a ten-line test block against one
# bare "runc run /bin/true" on the same bundle setup, both measured in one
# "go test -bench" run, and prints the ratio (goal: <= 1.3x). Also prints
# the ratio to the same ten commands run as a plain script in a bare
# container: what the engine itself adds, apart from the commands' own cost.
# Needs root and runc (scripts/setup.sh). Extra arguments go to go test,
# e.g. -benchtime=200x -count=10.
set -euo pipefail
cd "$(dirname "$0")/.."

out=$(go test -run '^$' \
	-bench '^(BenchmarkRunTenChecks|BenchmarkBareRuncTrue|BenchmarkPlainScriptTenCommands|BenchmarkPairedRatio)$' \
	-benchtime=50x -count=5 "$@" ./verify/container/)
printf '%s\n' "$out" | grep '^Benchmark' || { printf '%s\n' "$out" >&2; exit 1; }

# The machine may be shared and its load drift: report medians of the
# repeated runs, and the paired benchmark, which alternates the check run
# and the bare run in one loop so both see the same load.
printf '%s\n' "$out" | awk '
	/^BenchmarkRunTenChecks/           { run[nr++] = $3 }
	/^BenchmarkBareRuncTrue/           { bare[nb++] = $3 }
	/^BenchmarkPlainScriptTenCommands/ { plain[np++] = $3 }
	/^BenchmarkPairedRatio/            { for (i = 4; i < NF; i++) if ($(i+1) == "ratio") pair[nq++] = $i }
	function sort(a, n,   i, j, t) {
		for (i = 1; i < n; i++)
			for (j = i; j > 0 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
	}
	END {
		if (!nr || !nb || !np || !nq) { print "bench-test: missing results" > "/dev/stderr"; exit 1 }
		sort(run, nr); sort(bare, nb); sort(plain, np); sort(pair, nq)
		mr = run[int(nr/2)]; mb = bare[int(nb/2)]; mp = plain[int(np/2)]
		printf "secprof, ten checks in one container:  median %6.1f ms (min %.1f)\n", mr/1e6, run[0]/1e6
		printf "bare runc run /bin/true:               median %6.1f ms (min %.1f)\n", mb/1e6, bare[0]/1e6
		printf "bare runc run, same ten commands:      median %6.1f ms (min %.1f)\n", mp/1e6, plain[0]/1e6
		printf "ratio to /bin/true: %.2fx of medians, %.2fx paired (goal <= 1.30x)\n", mr/mb, pair[int(nq/2)]
		printf "ratio to the plain script (the engine'"'"'s own cost): %.2fx\n", mr/mp
	}'
