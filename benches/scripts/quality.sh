#!/usr/bin/env bash
# The quality rows of the README: rehash eval, at default settings, on the
# labelled development data of ../shared/data (MRPC sentence pairs; Utomo
# pages with boilerplate spans and gold main text) and on the ground truth
# of ../shared/bench corpora (families of copies as clusters, also after
# rehash clean --drop-covered 0.8, via clean-families.py; recap
# sentences as passages; planted boilerplate lines as spans; via
# bench-truth.py; passages between planted copies, via copy-passages.py),
# also with the corpora's line breaks taken out; and, via
# mrpc-ceiling.py, what word overlap can do on the MRPC pairs.
#
#   benches/scripts/quality.sh [SIZE ...]     (default: 10k)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
DATA=${DATA:-/tmp/bench}
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(10k)
(cd "$ROOT" && cargo build --release --locked --quiet)
BIN=$ROOT/target/release/rehash
run() { echo; echo "\$ rehash eval $*"; "$BIN" eval --no-progress "$@"; }

M=$SHARED/data/mrpc-train
# One scan of the sentences: scored as rehash's decision, then beside what
# word overlap of any kind can do on the same pairs.
MREPORT=$(mktemp)
trap 'rm -f "$MREPORT"' EXIT
"$BIN" scan --format json --no-progress -o "$MREPORT" "$M/docs.jsonl" || [ $? -eq 2 ]
run --truth "$M/truth.jsonl" --match passages --report "$MREPORT"
python3 "$HERE/mrpc-ceiling.py" "$M/docs.jsonl" "$M/truth.jsonl" "$MREPORT"
U=$SHARED/data/utomo-dev
# Groups by site: clusters_site.jsonl groups by site and year.
SITES=$(mktemp)
trap 'rm -f "$MREPORT" "$SITES"' EXIT
python3 -c 'import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l); r["cluster"] = r["cluster"].split("-")[0]; print(json.dumps(r))' \
  "$U/clusters_site.jsonl" > "$SITES"
run --truth "$U/truth.jsonl" --gold-text "$U/gold_main_text.jsonl" \
  --groups "$SITES" "$U/docs.jsonl"
for size in "${SIZES[@]}"; do
  c=$DATA/c$size
  [ -f "$c.jsonl" ] || python3 "$SHARED/bench/gen_corpus.py" --size "$size" --seed 1 --out "$c.jsonl" >&2
  python3 "$HERE/bench-truth.py" "$c.jsonl"
  "$BIN" scan --format json --no-progress -o "$c.report.jsonl" "$c.jsonl" || [ $? -eq 2 ]
  run --truth "$c.clusters.jsonl" --report "$c.report.jsonl"
  # What clean keeps of each family, removing copies below the threshold.
  "$BIN" clean --no-progress --drop-covered 0.8 -o "$c.kept.jsonl" \
    --report "$c.audit.jsonl" "$c.jsonl" || [ $? -eq 2 ]
  run --truth "$c.clusters.jsonl" --report "$c.audit.jsonl"
  python3 "$HERE/clean-families.py" "$c.jsonl" "$c.kept.jsonl" "$c.audit.jsonl"
  run --truth "$c.recaps.jsonl" --report "$c.report.jsonl"
  python3 "$HERE/whole-recaps.py" "$c.jsonl" "$c.report.jsonl"
  python3 "$HERE/copy-passages.py" "$c.jsonl" "$c.report.jsonl"
  run --truth "$c.spans.jsonl" --report "$c.report.jsonl" "$c.jsonl"
  # The same corpus without line breaks (each turned into a space, so that
  # byte offsets and the span truth still hold): boilerplate by sentence.
  f=$DATA/f$size
  python3 -c 'import json, sys
with open(sys.argv[2], "w") as out:
    for l in open(sys.argv[1]):
        r = json.loads(l); r["text"] = r["text"].replace("\n", " ")
        out.write(json.dumps(r) + "\n")' "$c.jsonl" "$f.jsonl"
  "$BIN" scan --format json --no-progress --no-passages -o "$f.report.jsonl" "$f.jsonl" || [ $? -eq 2 ]
  run --truth "$c.spans.jsonl" --report "$f.report.jsonl" "$f.jsonl"
  run --truth "$c.clusters.jsonl" --report "$f.report.jsonl"
done
