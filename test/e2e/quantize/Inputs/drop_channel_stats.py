#!/usr/bin/env python3
"""Copies a calibration table (JSON) without the per-channel statistics of
one tensor (bad-input tests of passes that need them):

  drop_channel_stats.py IN.json OUT.json TENSOR

OUT.json keeps pointing at IN.json's sidecar (same directory)."""
import json
import sys


def main():
    src, dst, name = sys.argv[1:4]
    table = json.load(open(src))
    found = False
    for t in table["tensors"]:
        if t["name"] == name:
            for key in ("channel_axis", "channel_absmax", "channel_mean_abs"):
                t.pop(key, None)
            found = True
    if not found:
        sys.exit("no tensor '%s' in %s" % (name, src))
    json.dump(table, open(dst, "w"), indent=1)


if __name__ == "__main__":
    main()
