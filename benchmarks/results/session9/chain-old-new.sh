#!/usr/bin/env bash
# Fixed cost per node: the chains of make-chains.py timed with the op library before (old) and
# after (new) the constant-input change, alternated twice. Usage: chain-old-new.sh OLD.so NEW.so
# (run in the folder holding the chain models; asnet jar from the build).
old=$1 new=$2
for r in 1 2; do for v in old new; do
  lib=$old; [ $v = new ] && lib=$new
  echo "== $v"
  ASNET_OPS_LIBRARY=$lib java -jar "$(dirname "$0")/../../../cli/target/asnet.jar" bench chain-affine.onnx chain-nchwc.onnx chain-u8.onnx \
    chain-neg16.onnx --threads 1 --levels all --cpu-time --rounds 5 --no-progress --no-profile -o /tmp/b-chain-$v-$r 2>&1 \
    | grep -E '^\| chain' | grep -v ' / ' | awk -F'|' '{print $2,$6}'
done; done
