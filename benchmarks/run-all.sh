#!/usr/bin/env bash
# Runs every benchmark of this folder into one results folder (default benchmarks/results):
# the op-level comparison and the paper, ops and small suites of `asnet bench`.
# Takes about 10 minutes on 2 cores; run it on an otherwise idle machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/benchmarks/results}"
mkdir -p "$out"
cd "$root"
mvn -B -q install -DskipTests
./asnet bench --suite ops --shapes "1x64x56x56;1x128x28x28;1x256x14x14;1x512x7x7;32x64x56x56" \
    --threads 1,2 --rounds 15 -o "$out/op-level"
./asnet bench --suite paper --rounds 10 -o "$out/paper"
./asnet bench --suite ops --rounds 10 -o "$out/ops"
./asnet bench --suite small --levels all --rounds 10 -o "$out/small"
echo "results in $out"
