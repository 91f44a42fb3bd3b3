#!/bin/bash
# Session 10 (AMD EPYC): ImageNet-size models at 224x224, float and int8 (asnet quantize
# --calibration synthetic --images 16), batch 1, as asnet runs them; 1 thread, level ALL, thread
# CPU time. Files: wNN.onnx = asnet export as-resnet-wNN, mnv2-*.onnx = asnet export
# mobilenetv2-*, *-q.onnx their quantized forms. Run in the folder holding them.
out=${OUT:-$(dirname "$(readlink -f "$0")")/int8-224}
asnet() { java -jar "$(dirname "$(readlink -f "$0")")/../../../cli/target/asnet.jar" "$@"; }
common="--threads 1 --levels all --cpu-time --no-progress --no-profile"
for r in 1 2; do
  asnet bench w32.onnx w32-q.onnx mnv2-05.onnx mnv2-05-q.onnx --rounds 9 $common -o "$out/w32-$r" | grep -E "^\| [a-z0-9-]+\.onnx \|"
  asnet bench w50.onnx w50-q.onnx mnv2-075.onnx mnv2-075-q.onnx --rounds 5 $common -o "$out/w50-$r" | grep -E "^\| [a-z0-9-]+\.onnx \|"
  asnet bench w68.onnx w68-q.onnx mnv2-10.onnx mnv2-10-q.onnx --rounds 5 $common -o "$out/w68-$r" | grep -E "^\| [a-z0-9-]+\.onnx \|"
done
asnet bench w32.onnx w32-q.onnx mnv2-05.onnx mnv2-05-q.onnx --batch-size 8 --rounds 5 $common -o "$out/w32-b8" | grep -E "^\| [a-z0-9-]+\.onnx \|"
