#!/bin/bash
# Session 11: the NCHWc kernel's ring path with the row kernels inlined per group count (NEW) against
# the commit before (OLD, a row kernel called through a function pointer per output row), alternated.
# Each round runs both binaries at three stack offsets (environment padding, ASLR off): the old
# ring path's speed on small maps depended on where the stack lay relative to X and Y.
# Layers: the pretrained as-resnet20-16x3's nine shifts (p0..p8, sorted as `asnet optimize` leaves
# them; dumped by dump-shifts.py from p-opt.onnx) and single-offset planes (one*.f32: all shifts 0.3).
OLD=${OLD:-/tmp/nt-old/asnet_kernel_bench}
NEW=${NEW:-/tmp/nt/asnet_kernel_bench}
cd "${DIR:-/tmp/m}" || exit 1
P="p0.f32:48x28x28 p1.f32:48x28x28 p2.f32:48x28x28 p3.f32:96x28x28/2 p4.f32:96x14x14 p5.f32:96x14x14 p6.f32:192x14x14/2 p7.f32:192x7x7 p8.f32:192x7x7"
ONE="one128.f32:128x28x28 one256.f32:256x14x14 one512.f32:512x7x7"
for round in 1 2 3; do
  for pad in 0 1000 2600; do
    for which in OLD NEW; do
      echo "== round $round pad $pad $which"
      PAD=$(head -c "$pad" /dev/zero | tr '\0' x) setarch -R "${!which}" 7 layers $P $ONE | tail -n +3
    done
  done
done
