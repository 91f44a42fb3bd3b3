#!/bin/bash
cd /tmp/i8
for r in 1 2; do
  for j in s7 new; do
    jar=/tmp/asnet-s7.jar; [ $j = new ] && jar=/work/main/cli/target/asnet.jar
    java -jar $jar bench p.onnx dw.onnx p-dwl.onnx --batch-size 64 --threads 1 --levels all --cpu-time --rounds 7 --no-progress --no-profile -o /tmp/s8g/$j-$r > /tmp/s8g/$j-$r.log 2>&1
    echo "== $j run $r"; grep -E "^\| (p|dw)" /tmp/s8g/$j-$r/files.md | awk -F'|' '{print $2,$6}' | head -3
  done
done
