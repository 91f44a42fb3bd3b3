#!/usr/bin/env bash
# Op level, thread CPU time, session 8's op library (old) then this one (new):
# ops-old-new.sh OLD.so NEW.so (writes ops-old/ and ops-new/ next to this script).
here=$(dirname "$0")
for v in old new; do
  lib=$1; [ $v = new ] && lib=$2
  ASNET_OPS_LIBRARY=$lib java -jar "$here/../../../cli/target/asnet.jar" bench --suite ops --cpu-time \
    --shapes "1x64x56x56;1x128x28x28;1x256x14x14;1x512x7x7;32x64x56x56" --threads 1 --levels all --rounds 7 \
    --no-progress -o "$here/ops-$v" > /dev/null 2>&1
done
