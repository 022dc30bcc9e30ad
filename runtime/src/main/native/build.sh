#!/usr/bin/env bash
# Compiles the fused optimizer kernels: build.sh OUTPUT_DIR JAVA_HOME. Run by Maven (compile phase); without g++ it
# says so and the build goes on: optimizers then update one tensor at a time through DJL's kernels. Recompiles only
# when the source is newer than the library.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source="$here/fulmen_kernels.cpp"
out_dir="$1"
java_home="$2"
library="$out_dir/libfulmen_kernels.so"
if [[ "$(uname -s)/$(uname -m)" != "Linux/x86_64" ]]; then
  echo "[fulmen] skipping the fused optimizer kernels: built on Linux x86-64 only" >&2
  exit 0
fi
if ! command -v g++ >/dev/null 2>&1; then
  echo "[fulmen] skipping the fused optimizer kernels: g++ is not installed (apt-get install g++, or" \
       "scripts/install-system-deps as root); optimizers fall back to DJL's per-tensor kernels" >&2
  exit 0
fi
if [[ -f "$library" && "$library" -nt "$source" && "$library" -nt "$here/build.sh" ]]; then
  exit 0
fi
mkdir -p "$out_dir"
# -O3 vectorises the element loop; -fno-math-errno lets sqrt vectorise; no -ffast-math: the arithmetic stays IEEE.
g++ -O3 -fno-math-errno -std=c++17 -shared -fPIC -Wall -Wextra -Werror -pthread \
    -I"$java_home/include" -I"$java_home/include/linux" \
    "$source" -o "$library.tmp" -ldl
mv "$library.tmp" "$library"
echo "[fulmen] built the fused optimizer kernels: $library"
