#!/usr/bin/env bash
# Standalone GPU check of the ActiveShift CUDA kernels:  gpu-check.sh [BUILD_DIR] [--no-speed]
#
# Builds the CPU kernels, the CUDA kernels and test/gpu_check.cu (no ONNX Runtime, no network, no
# CUDA 12 runtime: only CMake, g++ and the CUDA 13 toolkit), for the local GPU's architecture
# only, then compares CUDA with CPU results on many shapes and reports kernel times and bandwidth.
# Exit status: 0 when every comparison passed, non-zero on a mismatch or a build/CUDA error.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$here/../target/gpu-check
if [ $# -gt 0 ] && [[ "$1" != --* ]]; then build=$1; shift; fi
fail() { echo "gpu-check: $*" >&2; exit 2; }

command -v cmake >/dev/null || fail "cmake not found (3.22 or newer needed)"
command -v c++ >/dev/null || fail "c++ not found (g++ with C++17)"
if ! command -v nvcc >/dev/null; then
  for d in /usr/local/cuda/bin /usr/local/cuda-13*/bin; do
    [ -x "$d/nvcc" ] && export PATH="$d:$PATH" && break
  done
fi
command -v nvcc >/dev/null || fail "nvcc not found: install the CUDA 13 toolkit or put its bin/ on PATH"
echo "== nvcc: $(nvcc --version | tail -n 2 | head -n 1)"

# Build for the local GPU only (fast); fall back to sm_90 when nvidia-smi cannot tell.
arch=90
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version,compute_cap --format=csv,noheader || true
  cap=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -n1 | tr -d ' .' || true)
  [[ "$cap" =~ ^[0-9]+$ ]] && arch=$cap
fi
echo "== building for sm_$arch in $build"
jobs=$(nproc 2>/dev/null || echo 4)
start=$(date +%s)
mkdir -p "$build"
cmake -S "$here" -B "$build" -DASNET_GPU_CHECK_ONLY=ON -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_CUDA_ARCHITECTURES="$arch" >"$build/configure.log" 2>&1 ||
  { cat "$build/configure.log"; fail "configure failed"; }
cmake --build "$build" -j "$jobs" --target asnet_gpu_check 2>&1 | tail -n 3
echo "== built in $(( $(date +%s) - start )) s"

set +e
"$build/asnet_gpu_check" "$@"
rc=$?
set -e
if [ $rc -eq 0 ]; then
  echo "== gpu-check: PASSED"
else
  echo "== gpu-check: FAILED (exit $rc)"
fi
exit $rc
