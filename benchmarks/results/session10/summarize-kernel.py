#!/usr/bin/env python3
"""Medians over the rounds of kernel-old-new.txt: the planned kernel (us) old -> new, and new / ReLU."""
import re, statistics, sys, collections
rows = collections.defaultdict(lambda: collections.defaultdict(list))
which = None
for line in open(sys.argv[1] if len(sys.argv) > 1 else "kernel-old-new.txt"):
    m = re.match(r"== round \d+ (OLD|NEW) ", line)
    if m:
        which = m.group(1)
        continue
    f = line.split()
    if len(f) == 10 and "x" in f[0]:
        key = (f[0], f[1], f[2], f[3], f[4])
        rows[key][which].append(float(f[6]))
        rows[key][which + "relu"].append(float(f[7]))
print("| shape | isa | b | shifts | groups/block | old us | new us | old/new | new/ReLU |")
print("|---|---|---|---|---|---|---|---|---|")
for key, v in rows.items():
    o, n = statistics.median(v["OLD"]), statistics.median(v["NEW"])
    relu = statistics.median(v["NEWrelu"])
    print(f"| {key[0]} | {key[1]} | {key[2]} | {key[3]} | {key[4]} | {o:.1f} | {n:.1f} | {o / n:.2f} | {n / relu:.2f} |")
