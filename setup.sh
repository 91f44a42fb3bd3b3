#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu x86-64 machine for asnet: installs the system packages the build,
# the tests and the demo need (when missing), then builds everything.
#   ./setup.sh            install what is missing, then build (mvn -B install -DskipTests)
#   ./setup.sh --no-build install what is missing only (CI builds and tests in one go)
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v cmake >/dev/null || need+=(cmake)
command -v g++ >/dev/null || need+=(g++)
command -v make >/dev/null || need+=(make)
command -v mvn >/dev/null || need+=(maven)
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
# The native build fetches ONNX Runtime's headers with apt from the configured Debian mirror.
[ -r /usr/share/keyrings/debian-archive-keyring.gpg ] || need+=(debian-archive-keyring)
# Fashion-MNIST (/usr/share/datasets/fashion-mnist): tests, training, eval and the demo.
[ -d /usr/share/datasets/fashion-mnist ] || need+=(dataset-fashion-mnist)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${need[@]}"
fi

if [ "${1:-}" != "--no-build" ]; then
  mvn -B -q install -DskipTests
  echo "setup: done. Try ./asnet demo" >&2
fi
