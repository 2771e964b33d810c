#!/usr/bin/env python3
"""Planted recaps found whole: the share of the generator's recaps
(C.recaps.tsv, character offsets) with at least one passage inside the
document that has its b side in the recap and its a side in one of the
recap's source spans. The recap *sentences* are scored by `rehash eval
--truth C.recaps.jsonl`; this counts recaps, the unit of the target.

  benches/scripts/whole-recaps.py /tmp/bench/c10k.jsonl /tmp/bench/c10k.report.jsonl
"""
import collections
import json
import sys

import reports


def main(corpus, report):
    texts = {}
    with open(corpus) as f:
        for line in f:
            d = json.loads(line)
            texts[d["id"]] = d["text"]
    within = collections.defaultdict(list)
    for a, b in reports.passages(report):
        if a["doc"] == b["doc"]:
            within[a["doc"]].append(((a["start"], a["end"]), (b["start"], b["end"])))

    def byte(doc, char):
        return len(texts[doc][:char].encode())

    def overlap(x, y):
        return x[0] < y[1] and y[0] < x[1]

    found = total = 0
    truth = corpus[: -len(".jsonl")] + ".recaps.tsv"
    with open(truth) as f:
        for line in f:
            if line.startswith("#"):
                continue
            doc, start, end, sources = line.rstrip("\n").split("\t")
            total += 1
            recap = (byte(doc, int(start)), byte(doc, int(end)))
            spans = [
                (byte(doc, int(s)), byte(doc, int(e)))
                for s, e in (x.split(":") for x in sources.split(","))
            ]
            if any(
                overlap(pb, recap) and any(overlap(pa, s) for s in spans)
                for pa, pb in within[doc]
            ):
                found += 1
    print("whole recaps found: %d of %d = %.3f" % (found, total, found / max(total, 1)))


if __name__ == "__main__":
    main(*sys.argv[1:3])
