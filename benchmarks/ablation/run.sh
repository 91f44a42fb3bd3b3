#!/usr/bin/env bash
# The ablation of the README (learned shifts vs fixed shifts vs depthwise 3x3 at equal size):
# as-resnet20-16x3, shiftresnet20-16x3 and dwresnet20-16x3, seeds 1-3, the recipe of the pretrained
# model (20 epochs, batch 64, LR 0.05 cosine, Nesterov 0.9, weight decay 5e-4, crop pad 2 + flips),
# one thread each so that --resume continues bit-exactly.
#
#   benchmarks/ablation/run.sh RUNS_DIR [MODEL...]
#
# Runs one training at a time, in the order given (default: all three models, seed by seed), and
# is safe to stop at any moment (Ctrl-C, SIGTERM, a reboot): started runs continue from their
# checkpoint with --resume, finished ones (model.onnx and all epochs in metrics.csv) are skipped.
# It runs a copy of the asnet jar, so rebuilding the project meanwhile does not disturb it; lower
# its priority to use only otherwise idle CPU: nice -n 19, and where the kernel groups tasks by
# session (autogroup: a nice value then counts only inside its own session, and a run started with
# setsid shares the CPU equally with an interactive shell) also the group's:
#   echo 19 > /proc/$PID/autogroup
# Summarize (table and chart) with
#   java -cp cli/target/asnet.jar dev.asnet.bench.report.AblationReport RUNS_DIR OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${1:?usage: run.sh RUNS_DIR [MODEL...]}
shift
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(as-resnet20-16x3 shiftresnet20-16x3 dwresnet20-16x3)
epochs=${ASNET_ABLATION_EPOCHS:-20}
seeds=${ASNET_ABLATION_SEEDS:-"1 2 3"}
mkdir -p "$runs"
jar="$runs/asnet.jar"
if [ ! -f "$jar" ]; then
  [ -f "$root/cli/target/asnet.jar" ] || (cd "$root" && mvn -B -q package -DskipTests -pl cli -am)
  cp "$root/cli/target/asnet.jar" "$jar.tmp" && mv "$jar.tmp" "$jar"
fi

finished() {  # DIR: the model is written and metrics.csv has every epoch
  [ -f "$1/model.onnx" ] && [ -f "$1/metrics.csv" ] && [ "$(($(wc -l < "$1/metrics.csv") - 1))" -ge "$epochs" ]
}

for seed in $seeds; do
  for model in "${models[@]}"; do
    out="$runs/$model-seed$seed"
    if finished "$out"; then
      echo "$(date -u +%FT%TZ) $model seed $seed: finished, skipped"
      continue
    fi
    resume=()
    verb=starting
    if [ -f "$out/checkpoint.asnet" ]; then
      resume=(--resume "$out")
      verb=resuming
    fi
    echo "$(date -u +%FT%TZ) $model seed $seed: $verb in $out"
    ORT_DISABLE_TELEMETRY=1 java -Dasnet.home="$root" -jar "$jar" train "$model" --epochs "$epochs" \
      --batch-size 64 --lr 0.05 --schedule cosine --weight-decay 5e-4 --momentum 0.9 --pad 2 \
      --seed "$seed" --threads 1 --no-progress --out "$out" "${resume[@]}"
  done
done
echo "$(date -u +%FT%TZ) all runs finished"
