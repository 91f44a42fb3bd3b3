#!/bin/bash
# Session 10: AS-ResNet-w32 (default and spread shifts) and MobileNetV2-0.5 at 224x224, batch 1,
# one thread, level ALL, thread CPU time, as asnet runs them (NCHWc rewrite on), with the jar of
# the commit before (OLD: rewrite rule "at most half a block of offsets", no planar-row path) and
# after (NEW), alternated. Models made by:
#   asnet export as-resnet-w32 -o w32.onnx
#   asnet export as-resnet-w32 --shift-range 4.7 -o w32-spread.onnx
#   asnet export mobilenetv2-0.5 -o mnv2-05.onnx
# (and w50 / w68 / mobilenetv2-0.75 / mobilenetv2-1.0 the same way when MODELS names them).
OLD=${OLD:-/tmp/old-src/cli/target/asnet.jar}
NEW=${NEW:-/work/main/cli/target/asnet.jar}
DIR=${DIR:-/tmp/m}
OUT=${OUT:-$(pwd)/model-old-new}
MODELS=${MODELS:-w32-spread.onnx w32.onnx mnv2-05.onnx}
mkdir -p "$OUT"
cd "$DIR" || exit 1
rm -rf /tmp/asnet-cache-old /tmp/asnet-cache-new
for round in 1 2 3; do
  for which in OLD NEW; do
    jar=${!which}
    cache=/tmp/asnet-cache-$(echo $which | tr A-Z a-z)
    echo "== round $round $which"
    ASNET_NCHWC_CACHE=$cache java -jar "$jar" bench $MODELS --threads 1 --levels all --cpu-time \
      --rounds ${ROUNDS:-15} --no-profile --no-progress -o "$OUT/$which-$round" 2>&1 | grep -E "^\| [a-z]"
  done
done
