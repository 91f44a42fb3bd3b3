#!/bin/bash
# Session 12: models with the op library of the session's first commit (OLD, 80c3136) and of this
# session's kernel (the ring path with 9-12 groups, the planar path reusing permuted tap rows)
# (NEW), the same jar, alternated (ASNET_OPS_LIBRARY; one NCHWc cache per library). 1 thread,
# level ALL, thread CPU time. Files as in session 10:
#   p.onnx  = models/pretrained/as-resnet20-16x3-fashion-mnist.onnx
#   dw.onnx = asnet export dwresnet20-16x3
#   w32-spread.onnx / w32.onnx / mnv2-05.onnx = asnet export as-resnet-w32 [--shift-range 4.7] /
#   asnet export mobilenetv2-0.5
OLD=${OLD:-/tmp/nt-base/lib/libasnet_ops.so}
NEW=${NEW:-/tmp/nt/lib/libasnet_ops.so}
JAR=${JAR:-/work/main/cli/target/asnet.jar}
OUT=${OUT:-$(dirname "$(readlink -f "$0")")/models-old-new}
mkdir -p "$OUT"
cd "${DIR:-/tmp/m}" || exit 1
rm -rf /tmp/asnet-cache-OLD /tmp/asnet-cache-NEW
common="--threads 1 --levels all --cpu-time --no-progress --no-profile"
for round in 1 2 3; do
  for which in OLD NEW; do
    lib=${!which}
    run() { ASNET_OPS_LIBRARY=$lib ASNET_NCHWC_CACHE=/tmp/asnet-cache-$which java -jar "$JAR" bench "$@" $common | grep -E "^\| [a-z0-9-]+\.onnx \|"; }
    echo "== round $round $which batch 1"
    run p.onnx dw.onnx --batch-size 1 --rounds 15 -o "$OUT/$which-b1-$round"
    echo "== round $round $which batch 64"
    run p.onnx dw.onnx --batch-size 64 --rounds 5 -o "$OUT/$which-b64-$round"
    echo "== round $round $which w32"
    run w32-spread.onnx w32.onnx mnv2-05.onnx --rounds 11 -o "$OUT/$which-w32-$round"
  done
done
