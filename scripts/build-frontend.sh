#!/usr/bin/env bash
# Builds the hydrating WASM front end and the stylesheet into $LAUNCHREADY_SITE_ROOT/pkg:
#   launchready.js, launchready_bg.wasm, launchready.css (+ .br and .gz next to each).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

name=launchready
pkg="$LAUNCHREADY_SITE_ROOT/pkg"
wasm_target="$LAUNCHREADY_CACHE/target-wasm"
mkdir -p "$pkg"

if rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  # A normal machine: the rustup toolchain with its prebuilt wasm32 standard library.
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=rust-lld \
    cargo build -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release --target-dir "$wasm_target"
else
  # Offline machine: Debian's Rust rebuilds std for wasm32 (build-std needs RUSTC_BOOTSTRAP).
  RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 /usr/bin/cargo build -p frontend --lib --target wasm32-unknown-unknown \
    --profile wasm-release -Zbuild-std=std,panic_abort --target-dir "$wasm_target"
fi

wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section --out-dir "$pkg" --out-name "$name" \
  "$wasm_target/wasm32-unknown-unknown/wasm-release/frontend.wasm"
cp style/main.css "$pkg/$name.css"

for f in "$pkg/$name.js" "$pkg/${name}_bg.wasm" "$pkg/$name.css"; do
  gzip -9 -k -f "$f"
  if command -v brotli >/dev/null; then brotli -q 11 -f -k "$f"; fi
done
printf 'front end built in %s: wasm %s bytes (brotli %s)\n' "$pkg" \
  "$(stat -c %s "$pkg/${name}_bg.wasm")" "$(stat -c %s "$pkg/${name}_bg.wasm.br" 2>/dev/null || echo n/a)"
