#!/usr/bin/env bash
# Fetches the ONNX Runtime C/C++ API headers into DEST without installing anything system-wide:
# downloads Debian trixie's libonnxruntime-dev (1.21, API 21) with apt-get, from the Debian mirror
# this machine is already configured with, and unpacks only its headers.
set -euo pipefail
dest=${1:?usage: fetch-ort-headers.sh DEST}
fail() { echo "fetch-ort-headers: $*" >&2; exit 1; }

command -v apt-get >/dev/null || fail "apt-get not found; set ORT_INCLUDE_DIR to ONNX Runtime's include folder instead"
command -v dpkg-deb >/dev/null || fail "dpkg-deb not found; set ORT_INCLUDE_DIR instead"
[ -r /usr/share/keyrings/debian-archive-keyring.gpg ] ||
  fail "Debian's archive keyring is missing: apt-get install debian-archive-keyring (or set ORT_INCLUDE_DIR)"

# The mirror already configured for Debian packages (deb822 or one-line format).
mirror=$(grep -h -m1 -E '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | head -n1 || true)
if [ -z "$mirror" ]; then
  mirror=$(grep -h -E '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
           grep -v security | awk '{print $2}' | head -n1 || true)
fi
[ -n "$mirror" ] || fail "no Debian mirror configured in /etc/apt; set ORT_INCLUDE_DIR instead"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/parts" "$work/lists/partial" "$work/cache/archives/partial"
cat > "$work/parts/trixie.sources" <<SRC
Types: deb
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$work/parts"
      -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o "APT::Sandbox::User=root")
apt-get "${opts[@]}" -qq update || fail "apt-get update for trixie failed"
(cd "$work" && apt-get "${opts[@]}" -qq download libonnxruntime-dev) || fail "apt-get download libonnxruntime-dev failed"
dpkg-deb -x "$work"/libonnxruntime-dev_*.deb "$work/x"
src="$work/x/usr/include/onnxruntime"
[ -f "$src/onnxruntime_cxx_api.h" ] || fail "the package did not contain the expected headers"
mkdir -p "$(dirname "$dest")"
rm -rf "$dest.tmp" && cp -r "$src" "$dest.tmp" && rm -rf "$dest" && mv "$dest.tmp" "$dest"
echo "fetch-ort-headers: headers in $dest"
