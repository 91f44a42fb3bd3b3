#!/bin/bash
# alternate session-7 jar and the new build on the int8 files; ratios within each run
cd /tmp/i8
for r in 1 2; do
  for j in s7 new; do
    jar=/tmp/asnet-s7.jar; [ $j = new ] && jar=/work/main/cli/target/asnet.jar
    java -jar $jar bench p.onnx p-int8-aff.onnx dw.onnx w32-int8-aff.onnx mb05-int8.onnx --threads 1 --levels all --cpu-time --rounds 7 --no-progress --no-profile -o /tmp/s8cmp/$j-$r > /tmp/s8cmp/$j-$r.log 2>&1
    echo "== $j run $r"; grep -E "^\| (p|dw|w32|mb05)" /tmp/s8cmp/$j-$r/files.md | awk -F'|' '{print $2,$6}'
  done
done
