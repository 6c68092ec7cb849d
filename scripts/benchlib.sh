# Shared by the bench scripts: run Go benchmarks and report medians.
# shellcheck shell=bash

COUNT=${COUNT:-5}
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT

# bench PATTERN BENCHTIME PACKAGE [LABEL]: run the benchmarks, keep every
# ns/op line, tagged with LABEL (the engine, say).
bench() {
	local pattern=$1 benchtime=$2 pkg=$3 label=${4:-}
	go test -run '^$' -bench "$pattern" -benchtime "$benchtime" -count "$COUNT" "$pkg" |
		awk -v label="$label" '/^Benchmark/ && / ns\/op/ { name=$1; sub(/-[0-9]+$/, "", name); print label name, $3 }' >>"$RESULTS"
}

# median NAME: the median ns/op of a benchmark over the runs.
median() {
	awk -v n="$1" '$1 == n { print $2 }' "$RESULTS" | sort -g |
		awk '{ v[NR] = $1 } END { if (NR == 0) { print "NaN"; exit } if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# report LABEL NAME [BASELINE]: print a median, and its ratio to a baseline.
report() {
	local label=$1 name=$2 base=${3:-}
	local m
	m=$(median "$name")
	if [[ -n $base ]]; then
		local b
		b=$(median "$base")
		awk -v l="$label" -v m="$m" -v b="$b" 'BEGIN { printf "  %-58s %12.3f ms   %8.2f × baseline (%.3f ms)\n", l, m / 1e6, m / b, b / 1e6 }'
	else
		awk -v l="$label" -v m="$m" 'BEGIN { printf "  %-58s %12.3f ms\n", l, m / 1e6 }'
	fi
}
