"""Reading rehash's JSON Lines reports, for the scripts beside this one."""
import json


def passages(path):
    """The two sides (`a`, `b`) of each passage record of a report."""
    with open(path) as f:
        for line in f:
            m = json.loads(line)
            if m["type"] == "passage":
                yield m["data"]["a"], m["data"]["b"]
