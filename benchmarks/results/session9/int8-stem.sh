#!/usr/bin/env bash
# int8 with the float stem (session 9): run in the scratch folder holding the files named in
# README.md; writes the reports into OUT (default: this folder). One intra-op thread, ALL, CPU time.
out=${OUT:-$(dirname "$0")}
asnet() { java -jar "$(dirname "$0")/../../../cli/target/asnet.jar" "$@"; }
common="--threads 1 --levels all --cpu-time --no-progress --no-profile"
for r in 1 2 3; do
  asnet bench p.onnx q-default.onnx q-int8stem.onnx dw.onnx --batch-size 1 --rounds 9 $common -o "$out/int8-b1-$r" > /dev/null 2>&1
done
for r in 1 2; do
  asnet bench p.onnx q-default.onnx q-int8stem.onnx --batch-size 8 --rounds 7 $common -o "$out/int8-b8-$r" > /dev/null 2>&1
  asnet bench w32.onnx w32-q9.onnx w32-int8-aff.onnx mb05-q9.onnx mb05-int8.onnx --rounds 7 $common -o "$out/int8-224-$r" > /dev/null 2>&1
done
