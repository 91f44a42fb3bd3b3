#!/bin/bash
# Ratios from models-old-new.txt: per round and library, pretrained / dwresnet20-16x3 at batch 1
# and 64, AS-ResNet-w32 (spread and default shifts) / MobileNetV2-0.5 (medians of the same run).
awk '/^== round/{tag=$3" "$4" "($5=="w32" ? "w32" : $6)} /onnx \|/{split($0,a,"|"); gsub(/ /,"",a[2]); v[tag" "a[2]]=a[6]}
END{for (r=1;r<=3;r++) for (w=0;w<2;w++){W=(w==0?"OLD":"NEW"); t=r" "W;
  printf "round %d %s: p/dw b1 %.2f  b64 %.2f  spread/mnv2 %.2f  default/mnv2 %.2f  (mnv2 %s ms)\n", r, W,
    v[t" 1 p.onnx"]/v[t" 1 dw.onnx"], v[t" 64 p.onnx"]/v[t" 64 dw.onnx"],
    v[t" w32 w32-spread.onnx"]/v[t" w32 mnv2-05.onnx"], v[t" w32 w32.onnx"]/v[t" w32 mnv2-05.onnx"],
    v[t" w32 mnv2-05.onnx"]}}' "${1:-$(dirname "$0")/models-old-new.txt}"
