#!/usr/bin/env bash
# make bench: every benchmark, each reported as the median of COUNT runs
# (default 5) and, where it has one, as a ratio to a baseline measured in
# the same run. STORY_ROWS (default 1,000,000) sizes the full-text search.
# The PostgreSQL figures use a throwaway cluster (scripts/with-postgres.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin
# shellcheck source=scripts/benchlib.sh
source scripts/benchlib.sh
export WHATMATTERS_BENCH_STORY_ROWS=${STORY_ROWS:-1000000}

echo "== whatmatters benchmarks ($(go version | awk '{print $3}'), $(nproc) cores, median of $COUNT runs)"
echo "   (building $WHATMATTERS_BENCH_STORY_ROWS story entries for the search benchmark takes a few minutes per engine)"

# Foundation (issue 2). Anchored, so that RawInsert does not also run
# StoryEntryRawInsert (which would pool two runs into one baseline). Run
# COUNT times one after another rather than with -count, so that each path
# and its baseline are measured close together in time: -count runs all of
# one benchmark's repetitions before the next, and on a busy machine the
# load can change in between, which skews the ratio more than the median
# can absorb.
for _ in $(seq "$COUNT"); do
	COUNT=1 bench '^Benchmark(WritePath|RawInsert|ReadPath|RawRead)$' 300x ./internal/people/ sqlite:
done
bench 'StoryEntryWrite|StoryEntryRawInsert' 300x ./internal/people/ sqlite:
bench 'RecordPage' 50x ./internal/web/ sqlite:
COUNT=1 bench 'StorySearch' 20x ./internal/people/ sqlite:
if [[ -z ${SKIP_POSTGRES:-} ]]; then
	scripts/with-postgres.sh bash -c "source scripts/benchlib.sh; RESULTS=$RESULTS; trap - EXIT
		bench 'StoryEntryWrite|StoryEntryRawInsert' 300x ./internal/people/ postgres:
		bench 'RecordPage' 50x ./internal/web/ postgres:
		COUNT=1 bench 'StorySearch' 20x ./internal/people/ postgres:"
fi

echo
echo "Foundation (issue 2), SQLite, durable writes (synchronous=FULL):"
report "update a person + audit row" sqlite:BenchmarkWritePath sqlite:BenchmarkRawInsert
report "open a record (rule, read audit, About me)" sqlite:BenchmarkReadPath sqlite:BenchmarkRawRead
echo
echo "The record (issue 3):"
for engine in sqlite postgres; do
	[[ $engine == postgres && -n ${SKIP_POSTGRES:-} ]] && continue
	report "$engine: story entry + search index + audit row" $engine:BenchmarkStoryEntryWrite $engine:BenchmarkStoryEntryRawInsert
	report "$engine: record page, 500 entries and 20 outcomes" $engine:BenchmarkRecordPage
	report "$engine: full-text search, $WHATMATTERS_BENCH_STORY_ROWS entries" $engine:BenchmarkStorySearch
done
# --- planning (issue 4): the Balance of Care engine's own benchmarks ---
if [[ -d internal/planning && -x scripts/bench-planning.sh ]]; then
	echo
	scripts/bench-planning.sh
fi
