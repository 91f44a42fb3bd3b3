#!/bin/bash
# Session 11: AS-ResNet-w32's 17 shift layers with spread shifts (asnet export as-resnet-w32
# --shift-range 4.7, then asnet optimize: channels sorted; l<k>.f32 dumped by dump-shifts.py from the
# optimized file), the NCHWc kernel of the session's first commit (OLD) and this session's (NEW),
# alternated, three rounds.
OLD=${OLD:-/tmp/nt-old/asnet_kernel_bench}
NEW=${NEW:-/tmp/nt/asnet_kernel_bench}
cd "${DIR:-/tmp/m}" || exit 1
dims=(32x112x112/1 32x112x112/2 32x56x56/1 32x56x56/1 64x56x56/2 64x28x28/1 64x28x28/1 64x28x28/1
      128x28x28/2 128x14x14/1 128x14x14/1 128x14x14/1 128x14x14/1 128x14x14/1 256x14x14/2 256x7x7/1 256x7x7/1)
args=""
for k in $(seq 0 16); do args="$args l$k.f32:${dims[$k]}"; done
for round in 1 2 3; do
  for which in OLD NEW; do
    echo "== round $round $which"
    "${!which}" 7 layers $args | tail -n +3
  done
done
