#!/usr/bin/env bash
# The int8 Active Shift benchmark (benchmarks/RESULTS.md, "int8"): builds the models, quantizes
# each with the uint8 ASL, with the float sandwich and in the portable depthwise form, and times
# them against the float models (the NCHWc rewrite on, as asnet runs them), 1 intra-op thread,
# level all, batch 1 and 8, interleaved medians of thread CPU time. Then the op-level kernel timings (asnet_kernel_bench u8).
#   benchmarks/int8-asl.sh [OUT]     (default OUT: benchmarks/results/int8)
# ASNET overrides the command (default: ./asnet, which builds the project first when needed).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/benchmarks/results/int8}"
asnet="${ASNET:-$root/asnet}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"  # absolute: the benches run inside the models folder
models="$(mktemp -d)"
trap 'rm -rf "$models"' EXIT
cd "$root"
pretrained=models/pretrained/as-resnet20-16x3-fashion-mnist.onnx
$asnet export as-resnet-w32 -o "$models/w32.onnx"
$asnet export as-resnet-w32 --shift-range 4.7 -o "$models/w32-spread.onnx"
$asnet export mobilenetv2-0.5 -o "$models/mb05.onnx"
cp "$root/$pretrained" "$models/p16x3.onnx"
for asl in uint8 float depthwise; do
  $asnet quantize "$models/p16x3.onnx" -o "$models/p16x3-int8-$asl.onnx" --asl "$asl"
  for m in w32 w32-spread; do
    $asnet quantize "$models/$m.onnx" -o "$models/$m-int8-$asl.onnx" --asl "$asl" --calibration synthetic --images 16
  done
done
$asnet quantize "$models/mb05.onnx" -o "$models/mb05-int8.onnx" --calibration synthetic --images 16
# Benchmarked by file name (the reports name models by the path given).
cd "$models"
for b in 1 8; do
  $asnet bench p16x3.onnx p16x3-int8-float.onnx p16x3-int8-uint8.onnx p16x3-int8-depthwise.onnx \
      --cpu-time --threads 1 --levels all --batch-size "$b" --rounds 15 -o "$out/p16x3-b$b"
  $asnet bench w32.onnx w32-int8-float.onnx w32-int8-uint8.onnx w32-int8-depthwise.onnx \
      w32-spread.onnx w32-spread-int8-float.onnx w32-spread-int8-uint8.onnx w32-spread-int8-depthwise.onnx \
      mb05.onnx mb05-int8.onnx \
      --cpu-time --threads 1 --levels all --batch-size "$b" --rounds 10 -o "$out/w32-b$b"
done
# The channels-last rewrite against ONNX Runtime's own graph (Transposes around the NCHW uint8 op).
$asnet bench p16x3-int8-uint8.onnx w32-int8-uint8.onnx w32-spread-int8-uint8.onnx \
    --nchwc-rewrite both --cpu-time --threads 1 --levels all --batch-size 1 --rounds 10 -o "$out/rewrite-b1"
# Op level: the kernels called directly (no ONNX Runtime), single thread.
build="$root/onnx-ops/target/native-build"
cmake --build "$build" --target asnet_kernel_bench >/dev/null
"$build/asnet_kernel_bench" 11 u8 | tee "$out/kernels-u8.txt"
echo "results in $out"
