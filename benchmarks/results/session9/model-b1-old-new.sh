# cmp2.sh TAG RUNS BATCH: old/new op library alternated; prints p, int8, dw medians and ratios
tag=$1; runs=$2; batch=${3:-1}
cd ${MODELS:-.}
for r in $(seq 1 $runs); do for v in old new; do
  o=/tmp/$tag-$v-$r
  ASNET_OPS_LIBRARY=${LIBDIR:-/tmp}/libasnet-$v.so java -jar /work/main/cli/target/asnet.jar bench p.onnx p-int8-aff.onnx dw.onnx --batch-size $batch --threads 1 --levels all --cpu-time --rounds 9 --no-progress --no-profile -o $o > /dev/null 2>&1
  grep -E '^\| (p|dw)' $o/files.md | grep -v ' / ' | awk -F'|' -v v=$v -v r=$r '{gsub(/ /,"",$2); m[$2]=$6} END {printf "%s %d  p %.3f  int8 %.3f  dw %.3f   p/dw %.3f  p/int8 %.3f\n", v, r, m["p.onnx"], m["p-int8-aff.onnx"], m["dw.onnx"], m["p.onnx"]/m["dw.onnx"], m["p.onnx"]/m["p-int8-aff.onnx"]}'
done; done
