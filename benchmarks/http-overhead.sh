#!/usr/bin/env bash
# HTTP overhead of the limiter: the demo server under wrk on loopback, GET /api/bench/plain (no
# limit) against GET /api/bench/limited (one limit per address that never rejects), in alternating
# runs. Prints one Markdown table, the ratio limited/plain of the mean throughputs, and the median
# of the rounds' own ratios: each round runs both endpoints back to back, so that median is the
# figure the VM's swings between rounds move least.
#
#   benchmarks/http-overhead.sh [--quick]      (after: mvn -B -q package -DskipTests)
#
# Needs wrk (Debian/Ubuntu: apt-get install -y wrk). wrk and the server share this machine's cores.
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=0
[[ "${1:-}" == "--quick" ]] && QUICK=1
THREADS=${WRK_THREADS:-1}
CONNECTIONS=${WRK_CONNECTIONS:-16}
if (( QUICK )); then ROUNDS=2; DURATION=3; WARMUP=5; else ROUNDS=10; DURATION=4; WARMUP=8; fi
PORT=${HTTP_PORT:-18080}
JAR=demo-app/target/demo-app.jar
HEAP=(-Xms512m -Xmx512m -XX:+AlwaysPreTouch)

if ! command -v wrk >/dev/null 2>&1; then
  echo "wrk is not installed; install it with: apt-get install -y wrk (Debian/Ubuntu)" >&2
  exit 2
fi
if [[ ! -f "$JAR" ]]; then
  echo "$JAR is missing; build it first: mvn -B -q package -DskipTests" >&2
  exit 2
fi

DIALECT=${HEADERS:-x}
LOG=$(mktemp)
java "${HEAP[@]}" -jar "$JAR" --port "$PORT" --headers "$DIALECT" >"$LOG" 2>&1 &
SERVER=$!
stop_server() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -f "$LOG"; }
trap stop_server EXIT
for _ in $(seq 1 100); do
  if curl -fs -o /dev/null "http://127.0.0.1:$PORT/health"; then break; fi
  if ! kill -0 "$SERVER" 2>/dev/null; then cat "$LOG" >&2; exit 1; fi
  sleep 0.2
done
curl -fs -o /dev/null "http://127.0.0.1:$PORT/api/bench/limited" || { echo "the demo does not answer" >&2; exit 1; }

rate() { # prints Requests/sec of one wrk run against $1 for $2 seconds
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2"s "http://127.0.0.1:$PORT$1" | awk '/^Requests\/sec:/ {print $2}'
}

rate /api/bench/plain "$WARMUP" >/dev/null
rate /api/bench/limited "$WARMUP" >/dev/null

PLAIN=()
LIMITED=()
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then
    PLAIN+=("$(rate /api/bench/plain "$DURATION")"); LIMITED+=("$(rate /api/bench/limited "$DURATION")")
  else
    LIMITED+=("$(rate /api/bench/limited "$DURATION")"); PLAIN+=("$(rate /api/bench/plain "$DURATION")")
  fi
done

mean() { printf '%s\n' "$@" | awk '{s += $1} END {printf "%.0f", s / NR}'; }
P=$(mean "${PLAIN[@]}")
L=$(mean "${LIMITED[@]}")
echo "wrk $THREADS thread(s), $CONNECTIONS connections, $ROUNDS alternating rounds of ${DURATION} s per endpoint after ${WARMUP} s warm-up each; server heap ${HEAP[*]}, header dialect $DIALECT"
echo
echo "| endpoint | requests/s per round | mean requests/s |"
echo "|---|---|---|"
echo "| GET /api/bench/plain | ${PLAIN[*]} | $P |"
echo "| GET /api/bench/limited | ${LIMITED[*]} | $L |"
echo
awk -v l="$L" -v p="$P" 'BEGIN {printf "limited / plain = %.3f (mean throughputs)\n", l / p}'
for i in "${!PLAIN[@]}"; do
  awk -v l="${LIMITED[$i]}" -v p="${PLAIN[$i]}" 'BEGIN {printf "%.4f\n", l / p}'
done | sort -n | awk '{r[NR] = $1} END {m = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2;
  printf "limited / plain = %.3f (median of the %d rounds'"'"' ratios, from %.3f to %.3f)\n", m, NR, r[1], r[NR]}'
stop_server
trap - EXIT
