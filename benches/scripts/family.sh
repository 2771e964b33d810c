#!/usr/bin/env bash
# A family of near-copies, as a wire story on hundreds of sites makes:
# SIZE copies of one 200-word text, each with two words changed (seeded),
# scanned at each LSH bucket limit given, and checked with one more copy
# as the draft. Prints wall time, peak memory, pairs and report size of
# each run (/usr/bin/time). BIN=path runs another build (a version
# before, say) instead of this checkout's.
#
#   benches/scripts/family.sh SIZE [MAX_BUCKET ...]     (default: 100)
#
# The README's and the changelog's numbers for families of 1,000 and
# 20,000 copies come from `family.sh 1000 1000 100` and
# `family.sh 20000 1000 100`.
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ $# -ge 1 ] || usage 13
SIZE=$1
shift
LIMITS=("$@")
[ ${#LIMITS[@]} -eq 0 ] && LIMITS=(100)
release_bin
scratch
python3 - "$SIZE" "$OUT" <<'EOF'
import json, random, sys
size, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(3)
vocab = ["w%d" % i for i in range(5000)]
base = [rng.choice(vocab) for _ in range(200)]
def copy():
    t = list(base)
    for _ in range(2):
        t[rng.randrange(200)] = rng.choice(vocab)
    return " ".join(t) + "."
with open(out + "/family.jsonl", "w") as f:
    for i in range(size):
        f.write(json.dumps({"id": "d%d" % i, "text": copy()}) + "\n")
with open(out + "/draft.jsonl", "w") as f:
    f.write(json.dumps({"id": "draft", "text": copy()}) + "\n")
EOF
summary() { grep '"type":"summary"' "$1" | grep -o "\"$2\":[0-9]*" | cut -d: -f2; }
echo "| run | --max-bucket | wall s | peak MB | pairs | clusters | report MB |"
echo "|---|---|---|---|---|---|---|"
for limit in "${LIMITS[@]}"; do
  for run in scan check; do
    if [ "$run" = scan ]; then
      args=(scan "$OUT/family.jsonl")
    else
      args=(check "$OUT/draft.jsonl" -a "$OUT/family.jsonl")
    fi
    rm -f "$OUT/report.jsonl"
    /usr/bin/time -f "%e %M" -o "$OUT/time" "$BIN" "${args[@]}" \
      --max-bucket "$limit" --format json --no-progress -o "$OUT/report.jsonl" ||
      [ $? -le 2 ]
    # A check exits 1 when it finds something, and 2 on skipped input or a
    # usage error: only a written report tells them apart.
    [ -f "$OUT/report.jsonl" ] || { echo "no report from: $run" >&2; exit 1; }
    read -r wall kb < <(tail -n 1 "$OUT/time")
    mb=$(( $(stat -c %s "$OUT/report.jsonl") / 1000000 ))
    echo "| $run | $limit | $wall | $(( kb / 1024 )) | $(summary "$OUT/report.jsonl" duplicates) | $(summary "$OUT/report.jsonl" clusters) | $mb |"
  done
done
