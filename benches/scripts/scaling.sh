#!/usr/bin/env bash
# The scaling table of the README: rehash scan on generated corpora of
# ../shared/bench at several sizes, as doc-level only, with boilerplate,
# and the default (boilerplate and passages); wall time, CPU time, peak
# RSS from /usr/bin/time -v, median of REPS runs by wall time. The report
# goes to a file (-o), as a user would write it.
#
#   benches/scripts/scaling.sh [REPS] [SIZE ...]     (default: 3 1k 10k 100k)
#
# Corpora are $DATA/cSIZE.jsonl (default /tmp/bench), made with
# ../shared/bench/gen_corpus.py --size SIZE --seed 1 if missing. BIN=path
# runs another build (a version before, say) instead of this checkout's.
set -euo pipefail
. "$(dirname "$0")/common.sh"
SHARED=${SHARED:-$ROOT/../shared/bench}
DATA=${DATA:-/tmp/bench}
REPS=${1:-3}
shift $(( $# < 1 ? $# : 1 ))
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(1k 10k 100k)
release_bin
scratch
declare -A ARGS=(
  [doc-level]="--no-boilerplate --no-passages"
  [boilerplate]="--no-passages"
  [default]=""
)
echo "| corpus | run | docs | MB | wall s | MB/s | CPU s | MB/CPU-s | peak RSS MB | load1 |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for size in "${SIZES[@]}"; do
  corpus=$DATA/c$size.jsonl
  [ -f "$corpus" ] || python3 "$SHARED/gen_corpus.py" --size "$size" --seed 1 --out "$corpus" >&2
  for run in doc-level boilerplate default; do
    for rep in $(seq "$REPS"); do
      # shellcheck disable=SC2086
      /usr/bin/time -v "$BIN" scan --format json --no-progress ${ARGS[$run]} \
        -o "$OUT/report.jsonl" "$corpus" 2> "$OUT/time.$rep" || [ $? -eq 2 ]
      cut -d' ' -f1 /proc/loadavg > "$OUT/load.$rep"
    done
    python3 - "$corpus" "$run" "$OUT" "$REPS" <<'PY'
import json, os, re, statistics, sys
corpus, run, out, reps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def field(text, name):
    return re.search(re.escape(name) + r": (.*)", text).group(1)
rows = []
for rep in range(1, reps + 1):
    t = open(os.path.join(out, "time.%d" % rep)).read()
    h, m, s = ([0, 0] + field(t, "Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":"))[-3:]
    wall = int(h) * 3600 + int(m) * 60 + float(s)
    cpu = float(field(t, "User time (seconds)")) + float(field(t, "System time (seconds)"))
    rss = int(field(t, "Maximum resident set size (kbytes)")) / 1024
    load = float(open(os.path.join(out, "load.%d" % rep)).read())
    rows.append((wall, cpu, rss, load))
wall, cpu, rss, load = sorted(rows)[len(rows) // 2]
docs = sum(1 for _ in open(corpus, "rb"))
mb = os.path.getsize(corpus) / 1e6
print("| %s | %s | %d | %.0f | %.2f | %.1f | %.2f | %.1f | %.0f | %.1f |" % (
    os.path.basename(corpus), run, docs, mb, wall, mb / wall, cpu, mb / cpu, rss, load))
PY
  done
done
