#!/usr/bin/env bash
# Compiles the JNI shim over Gloo: build.sh OUTPUT_DIR JAVA_HOME. Run by Maven (profile gloo-native) when Gloo's
# headers are installed; skips, saying so, without g++. Recompiles only when the source is newer than the library.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source="$here/fulmen_gloo.cpp"
out_dir="$1"
java_home="$2"
library="$out_dir/libfulmen_gloo.so"
if ! command -v g++ >/dev/null 2>&1; then
  echo "[fulmen] skipping the native Gloo shim: g++ is not installed (apt-get install libgloo-dev g++, or" \
       "scripts/install-system-deps as root); strategy(\"ddp\") will fail at use until it is built" >&2
  exit 0
fi
if [[ -f "$library" && "$library" -nt "$source" && "$library" -nt "$here/build.sh" ]]; then
  exit 0
fi
mkdir -p "$out_dir"
# -I/usr/include/hiredis: Gloo's redis_store.h, pulled in by its headers, includes <hiredis.h>.
g++ -O2 -std=c++17 -shared -fPIC -Wall -Wextra -Werror \
    -I"$java_home/include" -I"$java_home/include/linux" -I/usr/include/hiredis \
    "$source" -o "$library.tmp" -lgloo
mv "$library.tmp" "$library"
echo "[fulmen] built the native Gloo shim: $library"
