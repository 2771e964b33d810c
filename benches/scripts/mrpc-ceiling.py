#!/usr/bin/env python3
"""How well word overlap alone can tell MRPC's paraphrases from the rest.

    mrpc-ceiling.py DOCS.jsonl TRUTH.jsonl [REPORT.jsonl]

DOCS and TRUTH are ../shared/data/mrpc-train's files; REPORT, a
`rehash scan --format json` report of DOCS, adds rehash's own decision
and its passage features. For each overlap score, the accuracy and F1 of
the best threshold chosen on the very pairs it is scored on (an upper
bound for that score), then a logistic regression on all the scores
together, scored by 5-fold cross-validation (folds by pair order, so that
runs agree). Pure Python: no packages beyond the standard library.
"""

import collections
import json
import math
import re
import sys

WORD = re.compile(r"[a-z0-9]+(?:[.,'][a-z0-9]+)*")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def words(text):
    return WORD.findall(text.lower())


def stem(w):
    # The first six characters, as rehash's passage stems.
    return w[:6]


def best_threshold(scores, labels):
    """(accuracy, F1) at the threshold that maximizes accuracy, and at
    the one that maximizes F1."""
    pairs = sorted(zip(scores, labels), key=lambda p: -p[0])
    pos = sum(labels)
    n = len(labels)
    tp = fp = 0
    best_f1 = (0.0, 0.0)
    # A threshold above every score: nothing predicted.
    best_acc = ((n - pos) / n, 0.0)
    for i, (s, y) in enumerate(pairs):
        tp += y
        fp += 1 - y
        if i + 1 < n and pairs[i + 1][0] == s:
            continue
        fn = pos - tp
        tn = n - pos - fp
        acc = (tp + tn) / n
        f1 = 2 * tp / (2 * tp + fp + fn)
        if acc > best_acc[0]:
            best_acc = (acc, f1)
        if f1 > best_f1[1]:
            best_f1 = (acc, f1)
    return best_acc, best_f1


def logistic(train_x, train_y, steps=400, rate=0.5, l2=1e-3):
    d = len(train_x[0])
    w = [0.0] * (d + 1)
    n = len(train_x)
    for _ in range(steps):
        grad = [0.0] * (d + 1)
        for x, y in zip(train_x, train_y):
            z = w[d] + sum(wi * xi for wi, xi in zip(w, x))
            p = 1 / (1 + math.exp(-max(-30, min(30, z))))
            g = p - y
            for i in range(d):
                grad[i] += g * x[i]
            grad[d] += g
        for i in range(d):
            w[i] -= rate * (grad[i] / n + l2 * w[i])
        w[d] -= rate * grad[d] / n
    return w


def predict(w, x):
    return w[-1] + sum(wi * xi for wi, xi in zip(w, x)) > 0


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    docs = {}
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            docs[str(r["id"])] = r["text"]
    truth = []
    with open(sys.argv[2], encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            truth.append((str(r["a"]), str(r["b"]), r["label"] in ("dup", True, 1)))
    passages = collections.defaultdict(list)
    if len(sys.argv) == 4:
        with open(sys.argv[3], encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                if r["type"] == "passage":
                    d = r["data"]
                    passages[frozenset((d["a"]["doc"], d["b"]["doc"]))].append(d)

    df = collections.Counter()
    for t in docs.values():
        df.update(set(words(t)))
    n_docs = len(docs)

    def idf(w):
        return math.log((n_docs + 1) / (df[w] + 1))

    def jaccard(a, b):
        return len(a & b) / max(1, len(a | b))

    def weighted(a, b):
        return sum(map(idf, a & b)) / max(1e-9, sum(map(idf, a | b)))

    def containments(a, b):
        common = sum(map(idf, a & b))
        return sorted(
            (common / max(1e-9, sum(map(idf, a))), common / max(1e-9, sum(map(idf, b))))
        )

    def bigrams(ws):
        return set(zip(ws, ws[1:]))

    names = [
        "word-unigram Jaccard",
        "stem-unigram Jaccard",
        "idf-weighted Jaccard",
        "idf containment (smaller)",
        "idf containment (larger)",
        "word-bigram Jaccard",
        "length ratio",
        "same numbers",
    ]
    if len(sys.argv) == 4:
        names += ["rehash: passage found", "rehash: best similarity", "rehash: share covered (smaller)"]
    rows = []
    labels = []
    for a, b, y in truth:
        wa, wb = words(docs[a]), words(docs[b])
        sa, sb = set(wa), set(wb)
        ta, tb = {stem(w) for w in wa}, {stem(w) for w in wb}
        lo, hi = containments(sa, sb)
        na, nb = set(NUMBER.findall(docs[a])), set(NUMBER.findall(docs[b]))
        x = [
            jaccard(sa, sb),
            jaccard(ta, tb),
            weighted(sa, sb),
            lo,
            hi,
            jaccard(bigrams(wa), bigrams(wb)),
            min(len(wa), len(wb)) / max(1, len(wa), len(wb)),
            1.0 if na == nb else 0.0,
        ]
        if len(sys.argv) == 4:
            found = passages.get(frozenset((a, b)), [])
            if found:
                cover = collections.Counter()
                for p in found:
                    cover[p["a"]["doc"]] += p["a"]["end"] - p["a"]["start"]
                    cover[p["b"]["doc"]] += p["b"]["end"] - p["b"]["start"]
                share = min(
                    cover[d] / max(1, len(docs[d].encode())) for d in (a, b)
                )
                x += [1.0, max(p["similarity"] for p in found), min(1.0, share)]
            else:
                x += [0.0, 0.0, 0.0]
        rows.append(x)
        labels.append(1 if y else 0)

    n = len(labels)
    pos = sum(labels)
    print(f"{n} pairs, {pos} paraphrases")
    print(f"every pair a paraphrase: accuracy {pos / n:.3f}, F1 {2 * pos / (n + pos):.3f}")
    print()
    print(f"{'score (best threshold on these pairs)':48} {'acc':>6} {'F1':>6}   {'acc':>6} {'F1':>6}")
    print(f"{'':48} {'(best accuracy)':>13}   {'(best F1)':>13}")
    for i, name in enumerate(names):
        (acc, f1), (acc2, f12) = best_threshold([r[i] for r in rows], labels)
        print(f"{name:48} {acc:6.3f} {f1:6.3f}   {acc2:6.3f} {f12:6.3f}")
    print()
    # Standardized features, 5 folds by pair order.
    means = [sum(r[i] for r in rows) / n for i in range(len(names))]
    sds = [
        math.sqrt(sum((r[i] - means[i]) ** 2 for r in rows) / n) or 1.0
        for i in range(len(names))
    ]
    z = [[(r[i] - means[i]) / sds[i] for i in range(len(names))] for r in rows]
    for label, cols in (
        ("logistic regression, overlap scores", list(range(8))),
        ("logistic regression, all scores", list(range(len(names)))),
    ):
        tp = fp = fn = tn = 0
        for fold in range(5):
            train = [i for i in range(n) if i % 5 != fold]
            test = [i for i in range(n) if i % 5 == fold]
            w = logistic([[z[i][c] for c in cols] for i in train], [labels[i] for i in train])
            for i in test:
                p = predict(w, [z[i][c] for c in cols])
                y = labels[i]
                tp += p and y
                fp += p and not y
                fn += (not p) and y
                tn += (not p) and not y
        acc = (tp + tn) / n
        f1 = 2 * tp / (2 * tp + fp + fn)
        print(f"{label + ' (5-fold)':48} {acc:6.3f} {f1:6.3f}")
        if len(sys.argv) == 3:
            break


if __name__ == "__main__":
    main()
