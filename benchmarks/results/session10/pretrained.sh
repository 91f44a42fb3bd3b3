#!/bin/bash
# Session 10 (AMD EPYC): the pretrained as-resnet20-16x3 (p.onnx), its int8 form (q.onnx =
# asnet quantize p.onnx), its depthwise form (p-dwl.onnx = asnet convert p.onnx --lowering
# depthwise) and dwresnet20-16x3 (dw.onnx = asnet export dwresnet20-16x3), as asnet runs them;
# 1 thread, level ALL, thread CPU time. Run in the folder holding the files.
out=${OUT:-$(dirname "$(readlink -f "$0")")/pretrained}
asnet() { java -jar "$(dirname "$(readlink -f "$0")")/../../../cli/target/asnet.jar" "$@"; }
common="--threads 1 --levels all --cpu-time --no-progress --no-profile"
for r in 1 2 3; do
  asnet bench p.onnx q.onnx dw.onnx p-dwl.onnx --batch-size 1 --rounds 15 $common -o "$out/b1-$r" | grep -E "^\| [a-z-]+\.onnx \|"
done
for r in 1 2; do
  asnet bench p.onnx q.onnx --batch-size 8 --rounds 9 $common -o "$out/b8-$r" | grep -E "^\| [a-z-]+\.onnx \|"
  asnet bench p.onnx dw.onnx p-dwl.onnx --batch-size 64 --rounds 7 $common -o "$out/b64-$r" | grep -E "^\| [a-z-]+\.onnx \|"
done
