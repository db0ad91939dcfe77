#!/usr/bin/env bash
# Cold start, launch -> first 200 from /api/health, through Metrics.LocalHost started directly (`dotnet Metrics.LocalHost.dll`,
# no `dotnet run` in front), for several builds of the worker given as folders (the build output, a ReadyToRun publish...)
# and runtime settings given as environment variables. Also prints the worker alone: the local host's own log line
# "Worker loaded N functions in X ms" (worker process start -> its functions loaded). Rounds alternate the variants so a
# shared machine's load hits all alike; medians at the end. docs/performance/cold-start.md.
#
#   tests/Metrics.Benchmarks/scripts/coldstart-variants.sh ROUNDS AZURITE_JS 'name|app folder|ENV=1 ENV2=0' ...
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
rounds=$1; azurite=$2; shift 2
host=$root/functions/Metrics.LocalHost/bin/Release/net10.0/Metrics.LocalHost.dll
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

ports=($(free_port) $(free_port) $(free_port))
node "$azurite" --silent --skipApiVersionCheck --loose --inMemoryPersistence --blobHost 127.0.0.1 --blobPort "${ports[0]}" \
  --queueHost 127.0.0.1 --queuePort "${ports[1]}" --tableHost 127.0.0.1 --tablePort "${ports[2]}" > /dev/null 2>&1 &
azurite_pid=$!
trap 'kill $azurite_pid 2>/dev/null || true' EXIT
sleep 3
storage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:${ports[0]}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:${ports[1]}/devstoreaccount1;TableEndpoint=http://127.0.0.1:${ports[2]}/devstoreaccount1;"
results=$(mktemp)
for round in $(seq 1 "$rounds"); do
  for variant in "$@"; do
    IFS='|' read -r name app env <<< "$variant"
    port=$(free_port); log=$(mktemp)
    start=$(date +%s.%N)
    env $env AzureWebJobsStorage="$storage" dotnet "$host" --urls "http://127.0.0.1:$port" --script-root "$app" > "$log" 2>&1 &
    pid=$!
    until curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/health" 2>/dev/null | grep -q 200; do
      kill -0 $pid 2>/dev/null || { echo "$name: the host exited before answering"; cat "$log"; exit 1; }
      sleep 0.02
    done
    total=$(echo "$(date +%s.%N) - $start" | bc)
    kill -TERM $pid; wait $pid 2>/dev/null || true
    worker=$(grep -o 'Worker loaded [0-9]* functions in [0-9]* ms' "$log" | grep -o '[0-9]* ms' | tr -d ' ms' || echo NaN)
    rm -f "$log"
    printf 'round %s %-28s launch->200 %.2f s, worker alone %s ms\n' "$round" "$name" "$total" "$worker"
    echo "$name $total $worker" >> "$results"
  done
done
echo "medians:"
for variant in "$@"; do
  name=${variant%%|*}
  median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
  t=$(awk -v n="$name" '$1==n {print $2}' "$results" | median)
  w=$(awk -v n="$name" '$1==n {print $3}' "$results" | median)
  printf '  %-28s launch->200 %.2f s, worker alone %s ms\n' "$name" "$t" "$w"
done
rm -f "$results"
