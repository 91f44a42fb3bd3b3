for b in 1 2 4 8 16 32; do
  java -jar /work/main/cli/target/asnet.jar bench p.onnx --cpu-time --threads 1 --levels all --rounds 5 --no-profile --no-progress --batch-size $b -o bb$b 2>/dev/null | grep "^| p.onnx" | awk -v b=$b -F'|' '{printf "batch %d: %s ms per batch, %.4f ms per image\n", b, $6, $6/b}'
done
