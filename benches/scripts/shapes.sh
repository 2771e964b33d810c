#!/usr/bin/env bash
# Corpora of unusual shapes, made from the texts of CORPUS (JSON Lines
# with a "text" field, such as ../shared/bench's c10k), each scanned with
# default settings:
#
#   one N       the first N texts as one document, blank lines between
#   flat N      the same with every line break made a space: one line
#   tiny        a million records of 3 to 12 words drawn from the texts
#               (seeded)
#
# Prints wall time, peak memory, the slowest stage (REHASH_TIMINGS) and
# what the report holds. BIN=path runs another build (a version before,
# say) instead of this checkout's.
#
#   benches/scripts/shapes.sh CORPUS [N ...]          (default: 1600 6400)
#
# The README's numbers for long documents and short records come from
# `shapes.sh /tmp/bench/c10k.jsonl 1600 6400`.
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ $# -ge 1 ] || usage 18
CORPUS=$1
shift
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(1600 6400)
release_bin
scratch
python3 - "$CORPUS" "$OUT" "${SIZES[@]}" <<'EOF'
import json, random, sys
corpus, out, sizes = sys.argv[1], sys.argv[2], [int(n) for n in sys.argv[3:]]
texts = []
with open(corpus) as f:
    for line in f:
        texts.append(json.loads(line)["text"])
        if len(texts) >= max(sizes) and len(texts) >= 2000:
            break
for n in sizes:
    if n > len(texts):
        sys.exit("%s has %d texts, fewer than %d" % (corpus, len(texts), n))
    one = "\n\n".join(texts[:n])
    with open("%s/one%d.txt" % (out, n), "w") as f:
        f.write(one)
    with open("%s/flat%d.txt" % (out, n), "w") as f:
        f.write(one.replace("\n", " "))
rng = random.Random(3)
words = [w for t in texts[:2000] for w in t.split()]
with open(out + "/tiny.jsonl", "w") as f:
    for i in range(1000000):
        n = rng.randint(3, 12)
        text = " ".join(rng.choice(words) for _ in range(n))
        f.write(json.dumps({"id": "t%d" % i, "text": text}) + "\n")
EOF
echo "| input | MB | wall s | peak MB | slowest stage | records |"
echo "|---|---|---|---|---|---|"
inputs=()
for n in "${SIZES[@]}"; do inputs+=("one$n.txt" "flat$n.txt"); done
inputs+=(tiny.jsonl)
for input in "${inputs[@]}"; do
  rm -f "$OUT/report.jsonl"
  REHASH_TIMINGS=1 /usr/bin/time -f "%e %M" -o "$OUT/time" "$BIN" scan \
    --format json --no-progress -o "$OUT/report.jsonl" "$OUT/$input" \
    2> "$OUT/timings" || [ $? -eq 2 ]
  [ -f "$OUT/report.jsonl" ] || { echo "no report from: $input" >&2; exit 1; }
  read -r wall kb < <(tail -n 1 "$OUT/time")
  mb=$(( $(stat -c %s "$OUT/$input") / 1000000 ))
  slowest=$(grep '^rehash: timing:' "$OUT/timings" |
    sed 's/^rehash: timing: *//' |
    awk '{t=$(NF-1); $NF=""; $(NF-1)=""; if (t > best) {best=t; name=$0}}
         END {sub(/ +$/, "", name); printf "%s %.2f s", name, best}')
  records=$(grep -o '"type":"[a-z_]*"' "$OUT/report.jsonl" | cut -d'"' -f4 |
    sort | uniq -c | awk '{printf "%s%s %s", sep, $1, $2; sep=", "}')
  echo "| $input | $mb | $wall | $(( kb / 1024 )) | $slowest | $records |"
done
