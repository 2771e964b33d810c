#!/usr/bin/env python3
"""A cleaned corpus against the generator's families: of each family (an
article and its planted edited copies, C.clusters.jsonl of
bench-truth.py), how many documents `rehash clean` kept. Ideal is one
each. With the audit, how many removals of each kind went for a document
of the removed one's own family, and how many for one of another.

  rehash clean --drop-covered 0.8 /tmp/bench/c10k.jsonl -o kept.jsonl --report audit.jsonl
  benches/scripts/clean-families.py /tmp/bench/c10k.jsonl kept.jsonl audit.jsonl
"""
import collections
import json
import sys


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    corpus, kept_path = sys.argv[1], sys.argv[2]
    family = {}
    with open(corpus.removesuffix(".jsonl") + ".clusters.jsonl") as f:
        for line in f:
            r = json.loads(line)
            family[r["id"]] = r["cluster"]
    kept = collections.Counter()
    with open(kept_path) as f:
        for line in f:
            kept[family[json.loads(line)["id"]]] += 1
    families = set(family.values())
    extra = {f: k - 1 for f, k in kept.items() if k > 1}
    print(f"families {len(families):,}, documents {len(family):,}, "
          f"kept {sum(kept.values()):,}")
    print(f"families with more than one kept: {len(extra):,} "
          f"({sum(extra.values()):,} extra copies)")
    print(f"families with none kept: {len(families - set(kept)):,}")
    if len(sys.argv) == 4:
        counts = collections.Counter()
        with open(sys.argv[3]) as f:
            for line in f:
                if not line.startswith('{"type":"removed"'):
                    continue
                r = json.loads(line)["data"]
                same = family[r["doc"]] == family[r["kept"]]
                counts[(r["kind"], same)] += 1
        for kind in sorted({k for k, _ in counts}):
            print(f"removed as {kind}: {counts[(kind, True)]:,} for a document "
                  f"of their family, {counts[(kind, False)]:,} for another")


if __name__ == "__main__":
    main()
