# cmp3.sh TAG RUNS BATCH: old/new alternated; p, p-dwl (own depthwise form), dw
tag=$1; runs=$2; batch=${3:-64}
cd ${MODELS:-.}
for r in $(seq 1 $runs); do for v in old new; do
  o=/tmp/$tag-$v-$r
  ASNET_OPS_LIBRARY=${LIBDIR:-/tmp}/libasnet-$v.so java -jar /work/main/cli/target/asnet.jar bench p.onnx p-dwl.onnx dw.onnx --batch-size $batch --threads 1 --levels all --cpu-time --rounds 7 --no-progress --no-profile -o $o > /dev/null 2>&1
  grep -E '^\| (p|dw)' $o/files.md | grep -v ' / ' | awk -F'|' -v v=$v -v r=$r '{gsub(/ /,"",$2); m[$2]=$6} END {printf "%s %d  p %.2f  p-dwl %.2f  dw %.2f   p/dw %.3f  dwl/p %.3f\n", v, r, m["p.onnx"], m["p-dwl.onnx"], m["dw.onnx"], m["p.onnx"]/m["dw.onnx"], m["p-dwl.onnx"]/m["p.onnx"]}'
done; done
