#!/usr/bin/env python3
"""Median (min-max) per layer of layers-old-new.txt (rows: "<build> t1 t2 ... total", builds alternated):
AS-ResNet-w32's 17 layers (l0-l16, shifts U(-4.7, 4.7) sorted), the op benchmark's five shapes
(U(-2, 2) sorted) and the pretrained as-resnet20-16x3's nine layers (p0-p8)."""
import statistics, sys
names = ("l0 32x112x112/1 l1 32x112x112/2 l2 32x56x56/1 l3 32x56x56/1 l4 64x56x56/2 l5 64x28x28/1 "
         "l6 64x28x28/1 l7 64x28x28/1 l8 128x28x28/2 l9 128x14x14/1 l10 128x14x14/1 l11 128x14x14/1 "
         "l12 128x14x14/1 l13 128x14x14/1 l14 256x14x14/2 l15 256x7x7/1 l16 256x7x7/1 "
         "op 32x112x112/1 op 32x56x56/1 op 64x28x28/1 op 128x14x14/1 op 256x7x7/1 "
         "p0 48x28x28/1 p1 48x28x28/1 p2 48x28x28/1 p3 96x28x28/2 p4 96x14x14/1 p5 96x14x14/1 "
         "p6 192x14x14/2 p7 192x7x7/1 p8 192x7x7/1 sum -").split()
labels = [f"{names[2*i]} {names[2*i+1]}".strip(" -") for i in range(len(names) // 2)]
runs = {}
for line in open(sys.argv[1] if len(sys.argv) > 1 else "layers-old-new.txt"):
    f = line.split()
    if len(f) == len(labels) + 1:
        runs.setdefault(f[0], []).append([float(v) for v in f[1:]])
old, new = runs["nt-base"], runs["nt"]
print("| layer | OLD median (min-max) us | NEW median (min-max) us | OLD/NEW |")
print("|---|---|---|---|")
for i, label in enumerate(labels):
    o = [r[i] for r in old]; n = [r[i] for r in new]
    mo, mn = statistics.median(o), statistics.median(n)
    print(f"| {label} | {mo:.2f} ({min(o):.2f}-{max(o):.2f}) | {mn:.2f} ({min(n):.2f}-{max(n):.2f}) | {mo / mn:.2f} |")
