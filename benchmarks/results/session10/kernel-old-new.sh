#!/bin/bash
# Session 10: the NCHWc kernel with and without the transposed path, alternated in one run.
# OLD / NEW: asnet_kernel_bench built from the commit before and after (same kernel_bench.cc, so
# both have the "gK" / "u2" shift kinds). Filters: the block sizes ONNX Runtime uses (16 with
# AVX-512, 8 with AVX2) and 8 on AVX-512 too.
OLD=${OLD:-/tmp/nt-old/asnet_kernel_bench}
NEW=${NEW:-/tmp/nt/asnet_kernel_bench}
for round in 1 2 3; do
  for f in avx512/16 avx512/8 avx2/8; do
    for which in OLD NEW; do
      bin=${!which}
      echo "== round $round $which $f"
      "$bin" 9 "$f" | grep -v "^single\|^shape"
    done
  done
done
