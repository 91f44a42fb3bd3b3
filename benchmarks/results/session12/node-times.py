#!/usr/bin/env python3
"""Per-node kernel times from ONNX Runtime traces kept by `asnet bench --keep-profiles`.

Usage: node-times.py TRACE.json [TRACE.json ...]
Prints, per node in execution order, the median of its kernel times (microseconds) over all runs
in all the given traces (the traces of one model), its operator and its input / output shapes.
"""
import collections
import json
import statistics
import sys

times = collections.OrderedDict()
info = {}
for path in sys.argv[1:]:
    with open(path) as f:
        events = json.load(f)
    for e in events:
        if e.get("cat") != "Node" or not e.get("name", "").endswith("_kernel_time"):
            continue
        node = e["name"][: -len("_kernel_time")]
        args = e.get("args", {})
        times.setdefault(node, []).append(e["dur"])
        shapes = lambda key: [list(d.values())[0] for d in args.get(key, [])]
        info[node] = (args.get("op_name", "?"), shapes("input_type_shape"), shapes("output_type_shape"))
total = 0.0
for node, ts in times.items():
    med = statistics.median(ts)
    total += med
    op, ins, outs = info[node]
    print(f"{med:8.1f}  {op:18s} {node[:44]:44s} {ins} -> {outs}")
print(f"{total:8.1f}  total of the medians (us)")
