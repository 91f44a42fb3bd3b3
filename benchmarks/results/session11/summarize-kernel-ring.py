#!/usr/bin/env python3
"""Summarizes kernel-ring.txt: per layer, OLD and NEW median, min and max us over all rounds and
stack offsets, the ReLU median, and NEW/ReLU. Usage: summarize-kernel-ring.py kernel-ring.txt"""
import collections
import statistics
import sys

times = collections.defaultdict(list)  # (which, layer) -> us
relu = collections.defaultdict(list)
shape = {}
order = []
which = None
for line in open(sys.argv[1]):
    if line.startswith("=="):
        which = line.split()[-1]
        continue
    f = line.split()
    if not f or f[0] in ("file", "total") or which is None:
        continue
    # file CxHxW[/S] groups planned relu ratio (the shape may hold spaces: "192x  7x7  /1")
    name, rest = f[0], f[1:]
    planned, r = float(rest[-3]), float(rest[-2])
    if name not in shape:
        shape[name] = "".join(rest[:-4])
        order.append(name)
    times[(which, name)].append(planned)
    relu[name].append(r)

print("| layer | shape | OLD median (min-max) us | NEW median (min-max) us | OLD/NEW | NEW/ReLU |")
print("|---|---|---|---|---|---|")
tot = collections.Counter()
for name in order:
    o, n, r = times[("OLD", name)], times[("NEW", name)], statistics.median(relu[name])
    mo, mn = statistics.median(o), statistics.median(n)
    tot["OLD"] += mo
    tot["NEW"] += mn
    tot["relu"] += r
    print(f"| {name} | {shape[name]} | {mo:.2f} ({min(o):.2f}-{max(o):.2f}) | {mn:.2f} ({min(n):.2f}-{max(n):.2f}) "
          f"| {mo / mn:.2f} | {mn / r:.2f} |")
print(f"| sum of medians | | {tot['OLD']:.2f} | {tot['NEW']:.2f} | {tot['OLD'] / tot['NEW']:.2f} | {tot['NEW'] / tot['relu']:.2f} |")
