#!/bin/bash
# Session 10: the pretrained model (p.onnx) and its int8 form (q.onnx = asnet quantize p.onnx) at
# batch 1, with the op library before (BEFORE) and after (AFTER) the channels-last ChannelAffineU8
# change, alternated; 1 thread, level ALL, thread CPU time. Run in the folder holding the files.
BEFORE=${BEFORE:-/tmp/lib-new.so}
AFTER=${AFTER:-/tmp/lib-aff.so}
JAR=${JAR:-$(dirname "$(readlink -f "$0")")/../../../cli/target/asnet.jar}
for r in 1 2 3 4; do
  for which in BEFORE AFTER; do
    lib=${!which}
    echo "$r $which $(ASNET_OPS_LIBRARY=$lib java -jar "$JAR" bench p.onnx q.onnx --batch-size 1 --rounds 20 \
      --threads 1 --levels all --cpu-time --no-progress --no-profile -o /tmp/int8-affine-$which-$r 2>&1 \
      | grep -E '^\| (p|q)\.onnx \|' | awk -F'|' '{printf "%s %s ", $2, $6}')"
  done
done
