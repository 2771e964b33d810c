#!/usr/bin/env python3
"""Passages between documents, against the generator's truth: how many
document pairs with a passage are related (one family of copies in
C.clusters.jsonl, or a planted pair of C.pairs.tsv) and how many are not;
the share of planted copy pairs with a passage; and, for those, how much
of each document the pair's passages cover (the smaller of the two
shares, averaged over the pairs) and how many passages a pair has.

  benches/scripts/copy-passages.py /tmp/bench/c10k.jsonl /tmp/bench/c10k.report.jsonl
"""
import collections
import json
import sys

import reports


def covered(spans, length):
    total, reach = 0, 0
    for start, end in sorted(spans):
        start = max(start, reach)
        if end > start:
            total += end - start
        reach = max(reach, end)
    return total / length if length else 0.0


def main(corpus, report):
    stem = corpus[: -len(".jsonl")]
    sizes = {}
    with open(corpus) as f:
        for line in f:
            d = json.loads(line)
            sizes[d["id"]] = len(d["text"].encode("utf-8"))
    family = {}
    with open(stem + ".clusters.jsonl") as f:
        for line in f:
            r = json.loads(line)
            family[r["id"]] = r["cluster"]
    with open(stem + ".pairs.tsv") as f:
        planted = [
            tuple(sorted(line.split("\t")[:2])) for line in f if not line.startswith("#")
        ]
    passages = collections.defaultdict(list)
    for a, b in reports.passages(report):
        if a["doc"] != b["doc"]:
            spans = {a["doc"]: (a["start"], a["end"]), b["doc"]: (b["start"], b["end"])}
            passages[tuple(sorted(spans))].append(spans)
    known = set(planted)
    related = sum(1 for p in passages if family[p[0]] == family[p[1]] or p in known)
    print(
        f"document pairs with a passage: {len(passages)}, "
        f"unrelated: {len(passages) - related}"
    )
    found = [p for p in planted if p in passages]
    print(f"planted copy pairs with a passage: {len(found) / len(planted):.4f} of {len(planted)}")
    cover = [
        min(covered([s[doc] for s in passages[p]], sizes[doc]) for doc in p)
        for p in found
    ]
    per_pair = sum(len(passages[p]) for p in found) / len(found)
    print(
        f"share of a document its pair's passages cover (the smaller side's, "
        f"mean): {sum(cover) / len(cover):.4f}; passages per pair: {per_pair:.2f}"
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
