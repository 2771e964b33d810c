#!/usr/bin/env python3
"""Turns the ground truth of ../shared/bench/gen_corpus.py into truth files
for `rehash eval`:

  C.clusters.jsonl   {"id", "cluster"} for every document: its family of
                     edited copies (documents in no family are their own)
  C.spans.jsonl      {"id", "start", "end", "label"} for every line with a
                     word: boilerplate when it is one of the planted lines
                     of C.boilerplate.tsv or a photo credit of its pattern
                     ("Photo: First Last / Outlet"), content otherwise
  C.recaps.jsonl     {"a", "a_start", "a_end", "b", "b_start", "b_end"}:
                     each sentence of a planted recap against the source
                     sentence it rewrites, in UTF-8 bytes (the generator
                     counts characters)

  benches/scripts/bench-truth.py /tmp/bench/c10k.jsonl
"""
import json
import re
import sys


SPLIT = re.compile(r"(?<=[.!?\"])\s+(?=[A-Z\"])")
LEAD = re.compile(r"(In summary, |To recap: |Earlier, |As reported above, |Recap: |In short, )")
WORD = re.compile(r"\w+")


def sentences(text, start, end):
    """Character spans of the sentences of text[start:end], split as the
    generator splits them."""
    out, at = [], start
    for m in SPLIT.finditer(text, start, end):
        out.append((at, m.start()))
        at = m.end()
    out.append((at, end))
    return out


def best(text, spans, other):
    """The span of `spans` with the most distinct words in common with
    `other`."""
    words = set(WORD.findall(other.lower()))
    return max(spans, key=lambda sp: len(words & set(WORD.findall(text[sp[0]:sp[1]].lower()))))


def main(corpus):
    stem = corpus[: -len(".jsonl")] if corpus.endswith(".jsonl") else corpus
    texts, order = {}, []
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            texts[d["id"]] = d["text"]
            order.append(d["id"])

    parent = {i: i for i in order}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    with open(stem + ".pairs.tsv", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            a, b = line.split("\t")[:2]
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    with open(stem + ".clusters.jsonl", "w", encoding="utf-8") as out:
        for i in order:
            out.write(json.dumps({"id": i, "cluster": find(i)}) + "\n")

    planted = set()
    with open(stem + ".boilerplate.tsv", encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                kind, _, text = line.rstrip("\n").split("\t", 2)
                if kind != "credit-pattern":
                    planted.add(text.strip())
    credit = re.compile(r"Photo: \w+ \w+ / \S")
    with open(stem + ".spans.jsonl", "w", encoding="utf-8") as out:
        for i in order:
            at = 0
            for line in texts[i].encode("utf-8").split(b"\n"):
                text = line.decode("utf-8").strip()
                if any(c.isalnum() for c in text):
                    bp = text in planted or credit.match(text)
                    label = "boilerplate" if bp else "content"
                    out.write(json.dumps({"id": i, "start": at, "end": at + len(line), "label": label}) + "\n")
                at += len(line) + 1

    def byte(doc, char):
        return len(texts[doc][:char].encode("utf-8"))

    # The generator writes a recap as a lead ("In summary, ") and one
    # sentence from each source paragraph, lightly edited, in order; its
    # truth gives whole paragraphs. A case here pairs the sentence taken
    # with the recap's sentence made from it: each source paragraph's
    # sentence with the most words in common with the recap sentence in
    # the same place (or, when the numbers of sentences disagree, with the
    # whole recap, and then its best match among the recap's sentences).
    cases = 0
    with open(stem + ".recaps.tsv", encoding="utf-8") as f, open(
        stem + ".recaps.jsonl", "w", encoding="utf-8"
    ) as out:
        for line in f:
            if line.startswith("#"):
                continue
            doc, start, end, sources = line.rstrip("\n").split("\t")
            text = texts[doc]
            recap = sentences(text, int(start), int(end))
            lead = LEAD.match(text, recap[0][0]) if recap else None
            if lead:
                recap[0] = (lead.end(), recap[0][1])
            sources = [tuple(int(x) for x in span.split(":")) for span in sources.split(",")]
            if len(recap) == len(sources):
                pairs = [(best(text, sentences(text, s, e), text[r0:r1]), (r0, r1))
                         for (s, e), (r0, r1) in zip(sources, recap)]
            else:
                whole = text[int(start):int(end)]
                picked = [best(text, sentences(text, s, e), whole) for s, e in sources]
                pairs = [(p, best(text, recap, text[p[0]:p[1]])) for p in picked]
            for (a0, a1), (b0, b1) in pairs:
                case = {"a": doc, "a_start": byte(doc, a0), "a_end": byte(doc, a1),
                        "b": doc, "b_start": byte(doc, b0), "b_end": byte(doc, b1)}
                out.write(json.dumps(case) + "\n")
                cases += 1
    print(f"{stem}.clusters.jsonl, .spans.jsonl: {len(order)} documents; "
          f"{stem}.recaps.jsonl: {cases} cases", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
