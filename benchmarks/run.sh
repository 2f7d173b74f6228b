#!/usr/bin/env bash
# Runs every benchmark and writes the figures to benchmarks/results/<UTC time>[-quick]/:
# summary.md (the tables), local.json and cluster.json (JMH), memory.txt, http.md, machine.txt.
#
#   mvn -B -q package -DskipTests      # once, at the repository root
#   benchmarks/run.sh [--quick]
#
# Full: about 22 minutes on 2 cores, 17 of them the HTTP part (four header dialects on two servers);
# --quick: a few minutes, fewer subjects and shorter runs (for a smoke check, not for figures). Every
# forked JVM gets -Xms equal to -Xmx and -XX:+AlwaysPreTouch. The HTTP part needs wrk (apt-get
# install -y wrk); without it that part is skipped and says so.
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=0
[[ "${1:-}" == "--quick" ]] && QUICK=1
JAR=benchmarks/target/benchmarks.jar
for built in "$JAR" demo-app/target/demo-app.jar; do
  [[ -f "$built" ]] || { echo "$built is missing; build first: mvn -B -q package -DskipTests" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "python3 is needed to write the summary" >&2; exit 2; }

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=benchmarks/results/$STAMP$( ((QUICK)) && echo -quick || true)
mkdir -p "$OUT"
START=$SECONDS
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpus: $(nproc) ($(lscpu 2>/dev/null | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}'))"
  echo "memory: $(free -g | awk '/Mem:/ {print $2 " GiB"}')"
  echo "java: $(java -version 2>&1 | head -2 | tail -1)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"
# other work on the machine changes the figures: sample the load average while the benchmarks run
( while sleep 10; do cut -d' ' -f1 /proc/loadavg; done ) > "$OUT/load.txt" &
SAMPLER=$!
trap 'kill "$SAMPLER" 2>/dev/null || true' EXIT

echo "== local decisions (JMH)"
if ((QUICK)); then
  java -jar "$JAR" 'LocalDecisionBenchmark.(keyed1Thread|bucket4jLocal1Thread)' \
    -p limiter=caffeine-sliding,engine-sliding,bucket4j-caffeine -p keys=hot,uniform \
    -wi 1 -w 1 -i 2 -r 1 -prof gc -rf json -rff "$OUT/local.json" > "$OUT/local.txt"
else
  # one thread: every limiter; two threads: ours, the engine and the peer (each run on its own)
  java -jar "$JAR" 'LocalDecisionBenchmark.(keyed1Thread|bucket4jLocal.*)' -prof gc \
    -rf json -rff "$OUT/local.json" > "$OUT/local.txt"
  java -jar "$JAR" 'LocalDecisionBenchmark.keyed2Threads' -prof gc \
    -p limiter=caffeine-sliding,engine-sliding,bucket4j-caffeine \
    -rf json -rff "$OUT/local2.json" > "$OUT/local2.txt"
fi

echo "== memory per idle key"
HEAP=(-Xms2g -Xmx2g -XX:+AlwaysPreTouch -XX:+UseG1GC)
if ((QUICK)); then SUBJECTS=(caffeine-sliding bucket4j-caffeine); else
  SUBJECTS=(raw-caffeine caffeine-sliding caffeine-fixed caffeine-token compute-sliding bucket4j-caffeine
    caffeine-sliding-holding-63 caffeine-sliding-holding-255 caffeine-sliding-holding-4095
    caffeine-sliding-holding-65535 caffeine-sliding-holding-65536); fi
for subject in "${SUBJECTS[@]}"; do
  java "${HEAP[@]}" -cp "$JAR" dev.limiter.benchmarks.MemoryPerKey "$subject"
done | tee "$OUT/memory.txt"

echo "== sliding-window lateness"
java -cp "$JAR" dev.limiter.benchmarks.SlidingWindowLateness | tee "$OUT/lateness.md"

echo "== cluster decisions (JMH)"
if ((QUICK)); then
  java -jar "$JAR" ClusterDecisionBenchmark -p subject=hazelcast-sliding,bucket4j-hazelcast,floor-noop \
    -wi 1 -w 1 -i 1 -r 2 -rf json -rff "$OUT/cluster.json" > "$OUT/cluster.txt"
else
  java -jar "$JAR" ClusterDecisionBenchmark -rf json -rff "$OUT/cluster.json" > "$OUT/cluster.txt"
fi

echo "== HTTP overhead (wrk)"
if command -v wrk >/dev/null; then
  # every header dialect on the demo (JAX-RS) and on the peer server (our servlet filter beside
  # Bucket4j's); --quick: the library's default dialect on each, as a smoke check
  if ((QUICK)); then DIALECTS=(x); HTTP_ARGS=(--quick); else DIALECTS=(none x ietf both); HTTP_ARGS=(); fi
  for dialect in "${DIALECTS[@]}"; do
    for target in demo peer; do
      echo "### $target server, header dialect $dialect"
      echo
      HEADERS=$dialect TARGET=$target benchmarks/http-overhead.sh "${HTTP_ARGS[@]}" \
        || echo "failed: HEADERS=$dialect TARGET=$target benchmarks/http-overhead.sh ${HTTP_ARGS[*]}"
      echo
    done
  done | tee "$OUT/http.md"
else
  echo "skipped: wrk is not installed (apt-get install -y wrk)" | tee "$OUT/http.md"
fi

kill "$SAMPLER" 2>/dev/null || true
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); took $((SECONDS - START)) s" | tee -a "$OUT/machine.txt"
awk '{s += $1; if (NR == 1 || $1 > max) max = $1; if (NR == 1 || $1 < min) min = $1}
     END {if (NR) printf "1-minute load average during the run (every 10 s): min %.2f, mean %.2f, max %.2f\n", min, s / NR, max}' \
  "$OUT/load.txt" | tee -a "$OUT/machine.txt"
python3 benchmarks/summarize.py "$OUT" > "$OUT/summary.md"
echo "figures: $OUT/summary.md"
