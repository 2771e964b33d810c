#!/usr/bin/env bash
# Ratios of scan runs on a shared, noisy machine: runs of each kind in
# turn (a, b, c, a, b, c, ...), so that a change in the machine's load
# hits every kind alike; then each kind's median wall time, its ratio to
# the first kind's, median CPU time and largest peak RSS (/usr/bin/time).
# The report goes to a file (-o), as a user would write it.
#
#   benches/scripts/alternate.sh REPS CORPUS 'NAME|FLAGS' ['NAME|FLAGS|BIN' ...]
#
# BIN defaults to $BIN, or else this checkout's release build; give
# another to compare versions. The README's ratios of boilerplate
# detection to the doc-level scan come from
#
#   benches/scripts/alternate.sh 7 /tmp/bench/c100k.jsonl \
#     'doc-level|--no-boilerplate --no-passages' 'boilerplate|--no-passages'
#
# With WARM=1, each timed run follows an untimed run of the same kind.
# On a virtual machine whose host takes back the memory a process frees
# (free page reporting), the first touch of memory beyond what the last
# process used costs the host's work too: on the 2-core machine of this
# project, about 3 s per GB against 0.1 s for memory a process had just
# freed. In turn, the kind that needs more memory pays that for its
# excess on every run; after a run of its own kind, neither pays it.
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ $# -ge 3 ] || usage 15
REPS=$1
CORPUS=$2
shift 2
release_bin
scratch
for rep in $(seq "$REPS"); do
  for spec in "$@"; do
    IFS='|' read -r name flags bin <<< "$spec"
    bin=${bin:-$BIN}
    if [ "${WARM:-0}" = 1 ]; then
      # shellcheck disable=SC2086
      "$bin" scan --format json --no-progress $flags -o "$OUT/report.jsonl" \
        "$CORPUS" || [ $? -eq 2 ]
    fi
    rm -f "$OUT/report.jsonl"
    # shellcheck disable=SC2086
    /usr/bin/time -f "%e %U %S %M" -o "$OUT/time" \
      "$bin" scan --format json --no-progress $flags -o "$OUT/report.jsonl" \
      "$CORPUS" || [ $? -eq 2 ]
    # Exit status 2 is skipped input, or a usage error: only the first
    # writes a report.
    [ -f "$OUT/report.jsonl" ] || { echo "no report from: $name" >&2; exit 1; }
    # The last line: before it, time says when the exit status was not 0.
    printf '%s\t%s\n' "$name" "$(tail -n 1 "$OUT/time")" >> "$OUT/times"
  done
done
python3 - "$OUT/times" <<'EOF'
import statistics
import sys

runs = {}
for line in open(sys.argv[1]):
    name, times = line.rstrip("\n").split("\t")
    wall, user, system, rss = times.split()
    runs.setdefault(name, []).append(
        (float(wall), float(user) + float(system), int(rss)))
first = None
print("| run | wall s (median) | ratio | CPU s (median) | peak RSS MB | wall s, in order |")
print("|---|---|---|---|---|---|")
for name, rs in runs.items():
    wall = statistics.median(r[0] for r in rs)
    first = first or wall
    cpu = statistics.median(r[1] for r in rs)
    rss = max(r[2] for r in rs) / 1024
    walls = ", ".join(f"{r[0]:.2f}" for r in rs)
    print(f"| {name} | {wall:.2f} | {wall / first:.2f} | {cpu:.2f} | {rss:,.0f} | {walls} |")
EOF
