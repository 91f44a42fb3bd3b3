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
mvn -B -q -pl benchmarks exec:java -Dexec.args="--rounds 15 --out $out/op-level"
./asnet bench --suite paper --rounds 10 -o "$out/paper"
./asnet bench --suite ops --rounds 10 -o "$out/ops"
./asnet bench --suite small --levels ALL --rounds 10 -o "$out/small"
echo "results in $out"
