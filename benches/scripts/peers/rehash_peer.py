#!/usr/bin/env python3
"""rehash as a peer of ../shared/bench: runs `rehash scan --format json` and
writes its duplicate pairs as `id_a<TAB>id_b` lines, like the other peers.

The binary is $REHASH_BIN (default: target/release/rehash of this checkout).
Extra scan flags can be passed in $REHASH_ARGS (split on spaces); by default
rehash runs with its own defaults, not the peers' common settings.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import parser, Phases, version  # noqa: E402,F401

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    a = parser(__doc__).parse_args()
    binary = os.environ.get("REHASH_BIN") or os.path.join(HERE, "..", "..", "target", "release", "rehash")
    extra = os.environ.get("REHASH_ARGS", "").split()
    ph = Phases()
    cmd = [binary, "scan", "--format", "json", "--no-progress", "-j", str(a.procs)] + extra + [a.input]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, check=False)
    if proc.returncode not in (0, 2):
        sys.exit("rehash failed with exit code %d" % proc.returncode)
    ph.mark("scan")
    pairs, summary = set(), {}
    for line in proc.stdout.splitlines():
        # Only duplicates and the summary matter here; boilerplate spans and
        # passages are most of the lines, so skip them unparsed.
        if not line.startswith((b'{"type":"duplicate"', b'{"type":"summary"')):
            continue
        msg = json.loads(line)
        if msg["type"] == "duplicate":
            x, y = sorted((msg["data"]["a"], msg["data"]["b"]))
            pairs.add((x, y))
        elif msg["type"] == "summary":
            summary = msg["data"]
    with open(a.out, "w") as f:
        for x, y in sorted(pairs):
            f.write("%s\t%s\n" % (x, y))
    ver = subprocess.run([binary, "--version"], stdout=subprocess.PIPE, text=True).stdout.split()[-1]
    meta = dict(peer="rehash", version=ver, threads=a.procs, settings=dict(args=extra, params=summary.get("params")),
                phases=ph.d, seconds=ph.total(), pairs=len(pairs), summary=summary)
    with open(a.out + ".meta.json", "w") as f:
        json.dump(meta, f, indent=1)
    ph.mark("write")


if __name__ == "__main__":
    main()
