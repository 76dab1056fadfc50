#!/usr/bin/env bash
# bench-compile-process.sh [RUNS] [BASE]: what a user waits for. Times the
# whole "secprof compile" process, built from the working tree, against the
# same process built from the commit BASE (default HEAD, so uncommitted
# changes are measured against the last commit), on two inputs: the DSL
# profiles/docker-default.sp and moby's own default.json. The two binaries
# run alternately, RUNS times each per input (default 200), first one then
# the other in turns, so a machine loaded by other work slows both alike.
# Prints the median wall time of each and the median of the pairwise
# ratios (working tree / BASE), then the mean CPU time of each and their
# ratio, the steadier figure on a shared machine: 1.00x means no difference
# a user sees.
set -euo pipefail
runs=${1:-200}
base=${2:-HEAD}
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/new" ./cmd/secprof
mkdir "$tmp/src"
git archive "$(git rev-parse --verify "$base^{commit}")" | tar -x -C "$tmp/src"
(cd "$tmp/src" && go build -o "$tmp/base" ./cmd/secprof)
mobydefault=$(go list -m -f '{{.Dir}}' github.com/moby/profiles/seccomp)/default.json

# one BIN INPUT: run one compile, print its wall time and its CPU time
# (user + system) in microseconds. EPOCHREALTIME is read by the shell itself,
# so no extra process is timed; one runs in a subshell of its own, whose
# only child is the compile, so the second line of "times" is that child's
# (to the millisecond; over many runs the rounding averages out).
# CPU time barely moves when other work holds the CPUs; wall time does.
one() {
	local t0 t1 cpu out=$tmp/times.$BASHPID
	t0=${EPOCHREALTIME/./}
	"$1" compile "$2" -o "$tmp/out.json" 2>/dev/null
	t1=${EPOCHREALTIME/./}
	# Redirected, the builtin runs in this shell; in a pipe it would not.
	times >"$out"
	cpu=$(awk 'NR == 2 {
		for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); us += (t[1] * 60 + t[2]) * 1e6 }
		printf "%d", us
	}' "$out")
	echo "$((t1 - t0)) $cpu"
}

for input in profiles/docker-default.sp "$mobydefault"; do
	# Both must succeed and agree before their times mean anything.
	"$tmp/base" compile "$input" -o "$tmp/base.json" 2>/dev/null
	"$tmp/new" compile "$input" -o "$tmp/new.json" 2>/dev/null
	cmp -s "$tmp/base.json" "$tmp/new.json" || echo "note: the output for $input differs from $base's" >&2
	for ((i = 0; i < runs; i++)); do
		if ((i % 2)); then
			b=$(one "$tmp/base" "$input")
			n=$(one "$tmp/new" "$input")
		else
			n=$(one "$tmp/new" "$input")
			b=$(one "$tmp/base" "$input")
		fi
		echo "$b $n"
	done | awk -v input="${input##*/}" -v base="$base" '
	function median(v, n,    i, j, t) {
		for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j-1] > v[j]; j--) { t = v[j]; v[j] = v[j-1]; v[j-1] = t }
		return n % 2 ? v[(n+1)/2] : (v[n/2] + v[n/2+1]) / 2
	}
	{ n++; b[n] = $1; w[n] = $3; r[n] = $3 / $1; bcpu += $2; wcpu += $4 }
	END {
		printf "compile %s: %s %.2f ms, working tree %.2f ms (medians of %d runs each); ratio %.3fx (median of pairs)\n",
			input, base, median(b, n) / 1000, median(w, n) / 1000, n, median(r, n)
		printf "  CPU time (user+system, mean): %s %.2f ms, working tree %.2f ms; ratio %.3fx\n",
			base, bcpu / n / 1000, wcpu / n / 1000, wcpu / bcpu
	}'
done
