#!/usr/bin/env bash
# HTTP overhead of the limiter: a server under wrk on loopback, an endpoint without a limit against
# the same endpoint behind a limit per address that never rejects. For every wrk run it reads the
# server process's CPU time (utime + stime of /proc/<pid>/stat, in clock ticks) just before and just
# after, and divides it by the requests wrk completed: server CPU microseconds per request.
#
#   TARGET=demo (the default): the demo server (Jetty 12, Jersey 4, the JAX-RS feature, Caffeine
#     store), GET /api/bench/plain against GET /api/bench/limited.
#   TARGET=peer: the benchmarks' HttpPeerServer (Jetty 12 servlets), GET /plain against GET /limited
#     (our servlet filter, Caffeine store) and GET /bucket4j (a filter written as Bucket4j's
#     documentation writes one, on its Caffeine proxy manager).
#
# Each round runs every endpoint once, back to back, in an order that rotates from round to round.
# Prints one Markdown table (per endpoint: the rounds' requests/s and server CPU per request, and
# their means), then, for each limited endpoint against the plain one (and on the peer, ours against
# Bucket4j), the ratio of the throughputs and the ratio of the CPU per request: of the means, and
# the mean, median and spread of the rounds' own ratios. The rounds' ratios compare runs seconds
# apart, so their median is the figure the VM's swings between rounds move least.
#
#   HEADERS=x|ietf|draft6|both|none TARGET=demo|peer benchmarks/http-overhead.sh [--quick]
#   HTTP_ROUNDS=N (default 10) and HTTP_WARMUP=S (seconds per endpoint, default 8) shorten or lengthen a run.
#
# after: mvn -B -q package -DskipTests. HEADERS is the header dialect of the limited endpoints
# (default x, the library's). Needs wrk (Debian/Ubuntu: apt-get install -y wrk). wrk and the server
# share this machine's cores. HTTP_PORT (default 18080), WRK_THREADS (1), WRK_CONNECTIONS (16).
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=0
case "${1:-}" in
  --quick) QUICK=1 ;;
  "") ;;
  *) echo "usage: [HEADERS=x|ietf|draft6|both|none] [TARGET=demo|peer] $0 [--quick]" >&2; exit 2 ;;
esac
THREADS=${WRK_THREADS:-1}
CONNECTIONS=${WRK_CONNECTIONS:-16}
if (( QUICK )); then ROUNDS=2; DURATION=3; WARMUP=5; else ROUNDS=${HTTP_ROUNDS:-10}; DURATION=4; WARMUP=${HTTP_WARMUP:-8}; fi
PORT=${HTTP_PORT:-18080}
HEAP=(-Xms512m -Xmx512m -XX:+AlwaysPreTouch)
DIALECT=${HEADERS:-x}
TARGET=${TARGET:-demo}

case "$TARGET" in
  demo)
    JAR=demo-app/target/demo-app.jar
    SERVER_COMMAND=(java "${HEAP[@]}" -jar "$JAR" --port "$PORT" --headers "$DIALECT")
    SERVER_NAME="the demo server (Jetty 12, Jersey 4, the JAX-RS feature, Caffeine store)"
    ENDPOINTS=(/api/bench/plain /api/bench/limited)
    PLAIN=/api/bench/plain
    OURS=/api/bench/limited
    PEER=
    ;;
  peer)
    JAR=benchmarks/target/benchmarks.jar
    SERVER_COMMAND=(java "${HEAP[@]}" -cp "$JAR" dev.limiter.benchmarks.http.HttpPeerServer
      --port "$PORT" --headers "$DIALECT")
    SERVER_NAME="HttpPeerServer (Jetty 12 servlets; our filter on the Caffeine store, Bucket4j's on its Caffeine proxy manager)"
    ENDPOINTS=(/plain /limited /bucket4j)
    PLAIN=/plain
    OURS=/limited
    PEER=/bucket4j
    ;;
  *) echo "TARGET must be demo or peer, was \"$TARGET\"" >&2; exit 2 ;;
esac
# a header field the limited endpoint must answer with, to show that the limiter is on its path
case "${DIALECT,,}" in
  x|both) FIELD=X-RateLimit-Limit ;;
  ietf) FIELD=RateLimit-Policy ;;
  draft6) FIELD=RateLimit-Limit ;;
  *) FIELD= ;;
esac

if ! command -v wrk >/dev/null 2>&1; then
  echo "wrk is not installed; install it with: apt-get install -y wrk (Debian/Ubuntu)" >&2
  exit 2
fi
if [[ ! -f "$JAR" ]]; then
  echo "$JAR is missing; build it first: mvn -B -q package -DskipTests" >&2
  exit 2
fi
# another server on the port would be measured in place of ours
if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/"; then
  echo "something already answers on 127.0.0.1:$PORT; stop it or choose another HTTP_PORT" >&2
  exit 2
fi

LOG=$(mktemp)
"${SERVER_COMMAND[@]}" >"$LOG" 2>&1 &
SERVER=$!
stop_server() {
  if kill -0 "$SERVER" 2>/dev/null; then
    kill "$SERVER" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$SERVER" 2>/dev/null || true
  fi
  wait "$SERVER" 2>/dev/null || true
  rm -f "$LOG"
}
trap stop_server EXIT
trap 'exit 130' INT TERM
for _ in $(seq 1 150); do
  if curl -fs -o /dev/null "http://127.0.0.1:$PORT/health"; then break; fi
  if ! kill -0 "$SERVER" 2>/dev/null; then cat "$LOG" >&2; echo "the server exited" >&2; exit 1; fi
  sleep 0.2
done
curl -fs -o /dev/null "http://127.0.0.1:$PORT/health" || {
  cat "$LOG" >&2; echo "the server does not answer /health after 30 s" >&2; exit 1; }

check() { # GET $1 must answer 2xx, with the header field $2 unless it is empty
  local head
  head=$(curl -fsS -D - -o /dev/null "http://127.0.0.1:$PORT$1") || {
    echo "GET $1 did not answer 2xx" >&2; exit 1; }
  if [[ -n "$2" ]] && ! grep -qi "^$2:" <<<"$head"; then
    printf 'GET %s answered without %s:\n%s\n' "$1" "$2" "$head" >&2
    exit 1
  fi
}
check "$PLAIN" ""
check "$OURS" "$FIELD"
if [[ -n "$PEER" ]]; then check "$PEER" X-Rate-Limit-Remaining; fi

TICKS=$(getconf CLK_TCK)
cpu_ticks() { # the server's user + system CPU time so far, all threads, in clock ticks
  local stat fields
  stat=$(<"/proc/$SERVER/stat")
  # after "pid (comm) ", field 3 (state) comes first: utime (14) and stime (15) are 11 and 12
  read -ra fields <<<"${stat##*) }"
  echo $(( fields[11] + fields[12] ))
}

run() { # one wrk run against $1 for $2 seconds; prints requests/s and server CPU us per request
  local before after out requests rate
  before=$(cpu_ticks)
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2"s "http://127.0.0.1:$PORT$1")
  after=$(cpu_ticks)
  if grep -q 'Non-2xx or 3xx responses' <<<"$out"; then
    printf 'GET %s answered other than 2xx under wrk:\n%s\n' "$1" "$out" >&2
    exit 1
  fi
  if grep -q 'Socket errors' <<<"$out"; then
    echo "GET $1: $(grep 'Socket errors' <<<"$out" | sed 's/^ *//')" >&2
  fi
  requests=$(awk '/ requests in / {print $1}' <<<"$out")
  rate=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  if [[ -z "$requests" || -z "$rate" || "$requests" -eq 0 ]]; then
    printf 'GET %s: no requests completed:\n%s\n' "$1" "$out" >&2
    exit 1
  fi
  awk -v r="$rate" -v n="$requests" -v t=$(( after - before )) -v hz="$TICKS" \
    'BEGIN {printf "%s %.2f\n", r, t * 1e6 / hz / n}'
}

for endpoint in "${ENDPOINTS[@]}"; do run "$endpoint" "$WARMUP" >/dev/null; done
# what the server burns with no request (a JIT compiler still at work, a collector): it is in
# every run's CPU time too, so it should be near nothing
idle_before=$(cpu_ticks)
sleep 2
IDLE_MS=$(( ( $(cpu_ticks) - idle_before ) * 1000 / TICKS / 2 ))
if (( IDLE_MS > 50 )); then
  echo "warning: the server burned $IDLE_MS ms/s idle after the warm-up (a JIT compiler still at work?);" \
    "its CPU per request includes that work" >&2
fi

declare -A RATES CPU
COUNT=${#ENDPOINTS[@]}
for round in $(seq 1 "$ROUNDS"); do
  for k in $(seq 0 $(( COUNT - 1 ))); do
    endpoint=${ENDPOINTS[$(( (k + round - 1) % COUNT ))]}
    measured=$(run "$endpoint" "$DURATION")
    read -r rate cpu <<<"$measured"
    RATES[$endpoint]+="$rate "
    CPU[$endpoint]+="$cpu "
  done
done

mean() { # $1: numbers separated by spaces; $2: decimals
  awk -v list="$1" -v d="$2" 'BEGIN {n = split(list, x, " "); for (i = 1; i <= n; i++) s += x[i];
    printf "%.*f", d, s / n}'
}
ratio() { # $1 label, $2 and $3 the rounds' figures of the two endpoints, $4 unit of their difference
  awk -v label="$1" -v a="$2" -v b="$3" -v unit="$4" 'BEGIN {
    n = split(a, x, " "); split(b, y, " ")
    for (i = 1; i <= n; i++) { sa += x[i]; sb += y[i]; r[i] = x[i] / y[i]; sr += r[i] }
    for (i = 2; i <= n; i++) { v = r[i]; for (j = i - 1; j >= 1 && r[j] > v; j--) r[j + 1] = r[j]; r[j + 1] = v }
    median = (n % 2) ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2
    diff = unit == "" ? "" : sprintf(" (%+.1f %s)", (sa - sb) / n, unit)
    printf "- %s = %.3f of the means%s; the %d rounds'"'"' ratios: mean %.3f, median %.3f, from %.3f to %.3f\n",
      label, sa / sb, diff, n, sr / n, median, r[1], r[n]}'
}
both_ratios() { # $1 and $2: the endpoints compared
  ratio "requests/s $1 / $2" "${RATES[$1]}" "${RATES[$2]}" ""
  ratio "server CPU per request $1 / $2" "${CPU[$1]}" "${CPU[$2]}" "us"
}

echo "wrk $THREADS thread(s), $CONNECTIONS connections, $ROUNDS rounds of ${DURATION} s per endpoint" \
  "(every endpoint once a round, the order rotating) after ${WARMUP} s warm-up each;" \
  "$SERVER_NAME, heap ${HEAP[*]}, header dialect $DIALECT;" \
  "server CPU = utime + stime of /proc/<pid>/stat ($TICKS ticks/s) over the run / requests completed;" \
  "server CPU while idle after the warm-up: $IDLE_MS ms/s"
echo
echo "| endpoint | requests/s per round | mean requests/s | server CPU us/request per round | mean server CPU us/request |"
echo "|---|---|---:|---|---:|"
for endpoint in "${ENDPOINTS[@]}"; do
  echo "| GET $endpoint | ${RATES[$endpoint]% } | $(mean "${RATES[$endpoint]}" 0)" \
    "| ${CPU[$endpoint]% } | $(mean "${CPU[$endpoint]}" 1) |"
done
echo
both_ratios "$OURS" "$PLAIN"
if [[ -n "$PEER" ]]; then
  both_ratios "$PEER" "$PLAIN"
  both_ratios "$OURS" "$PEER"
fi
stop_server
trap - EXIT
