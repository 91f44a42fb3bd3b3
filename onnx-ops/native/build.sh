#!/usr/bin/env bash
# Builds the native library for Maven:  build.sh BUILD_DIR OUTPUT_DIR [sanitize-test]
# (and writes BUILD_DIR/registered-ops.txt, the ops the library registers: see test/list_ops.cc).
# With "sanitize-test" it instead builds the native tests with AddressSanitizer + UBSan in
# BUILD_DIR and runs them. Fails with a message that says what to install.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: build.sh BUILD_DIR OUTPUT_DIR [sanitize-test]}
out=${2:?usage: build.sh BUILD_DIR OUTPUT_DIR [sanitize-test]}
mode=${3:-library}
need() { command -v "$1" >/dev/null || { echo "asnet native build: '$1' not found. Install it: $2" >&2; exit 1; }; }
need cmake "apt-get install cmake (3.22 or newer)"
need c++ "apt-get install g++ (C++17)"
need make "apt-get install make"

args=(-S "$here" -B "$build" -DASNET_OUTPUT_DIR="$out")
# Reuse headers fetched by an earlier build of the library next to this build dir.
if [ -z "${ORT_INCLUDE_DIR:-}" ] && [ -f "$(dirname "$build")/native-build/ort-headers/onnxruntime_c_api.h" ]; then
  args+=(-DORT_INCLUDE_DIR="$(dirname "$build")/native-build/ort-headers")
fi
jobs=$(nproc 2>/dev/null || echo 2)
if [ "$mode" = sanitize-test ]; then
  cmake "${args[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DASNET_SANITIZE=ON -DASNET_CUDA=OFF >/dev/null
  cmake --build "$build" -j "$jobs" --target asnet_native_test
  (cd "$build" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 ctest --output-on-failure)
else
  cmake "${args[@]}" -DCMAKE_BUILD_TYPE=Release
  cmake --build "$build" -j "$jobs" --target asnet_ops asnet_list_ops
  # What the library registers, as ONNX Runtime sees it; RegisteredOpsTest compares it with the
  # Java op contract. Fails the build when registration or a kernel creation fails.
  "$build/asnet_list_ops" > "$build/registered-ops.txt.part"
  mv "$build/registered-ops.txt.part" "$build/registered-ops.txt"
fi
