#!/bin/bash
cd /tmp/i8
for j in s7 new; do
  jar=/tmp/asnet-s7.jar; [ $j = new ] && jar=/work/main/cli/target/asnet.jar
  java -jar $jar bench p.onnx p-int8-aff.onnx --batch-size 8 --threads 1 --levels all --cpu-time --rounds 7 --no-progress --no-profile -o /tmp/s8cmp/$j-b8 > /tmp/s8cmp/$j-b8.log 2>&1
  echo "== $j batch 8"; grep -E "^\| p" /tmp/s8cmp/$j-b8/files.md | awk -F'|' '{print $2,$6}' | head -2
  java -jar $jar bench w32.onnx w32-int8-aff.onnx mb05-int8.onnx --threads 1 --levels all --cpu-time --rounds 7 --no-progress --no-profile -o /tmp/s8cmp/$j-w32 > /tmp/s8cmp/$j-w32.log 2>&1
  echo "== $j w32"; grep -E "^\| (w32|mb05)" /tmp/s8cmp/$j-w32/files.md | awk -F'|' '{print $2,$6}' | head -3
done
