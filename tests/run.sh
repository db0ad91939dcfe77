#!/usr/bin/env bash
# Runs every test project (`dotnet test` on the solution) and prints the totals of all of them as
# one last line: `tests: N passed, N failed, N skipped`. Extra arguments go to `dotnet test`.
set -uo pipefail
cd "$(dirname "$0")/.."

results=$(mktemp -d)
dotnet test Metrics.Functions.sln --logger "trx" --results-directory "$results" "$@"
status=$?

passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed)))
  skipped=$((skipped + $(get notExecuted)))
done
rm -rf "$results"
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1   # a crash or build failure is a failure too
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
