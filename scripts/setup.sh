#!/usr/bin/env bash
# Installs what building, running and testing need, when it is missing. Safe to run again:
# each step checks first. Uses only the package registries (Debian, crates, npm).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

log() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

# The WASM front end: a rustup toolchain with the wasm32 target when the machine has one;
# otherwise Debian's Rust with its standard-library source (rebuilt for wasm32 with build-std)
# and LLVM's wasm linker, because rustup cannot download targets on offline machines.
need_apt=()
if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true
fi
if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  [ -x /usr/bin/rustc ] && [ -d /usr/lib/rustlib/src/rust/library ] || need_apt+=(rustc-web cargo-web rust-web-src)
  command -v wasm-ld-22 >/dev/null || need_apt+=(lld-22)
fi
command -v brotli >/dev/null || need_apt+=(brotli)
# The scanner's legacy-TLS probe links OpenSSL.
dpkg -s libssl-dev >/dev/null 2>&1 || need_apt+=(libssl-dev)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
if [ "${LAUNCHREADY_SKIP_BROWSER:-}" != 1 ] && [ ! -x /usr/bin/chromium ]; then need_apt+=(chromium); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing Debian packages: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

want=$(wasm_bindgen_version)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  log "installing wasm-bindgen-cli $want (a few minutes, once)"
  # Not --locked: the CLI's own lockfile pins a yanked crate.
  cargo install wasm-bindgen-cli --version "$want" --root "$LAUNCHREADY_TOOLS" --quiet
fi

if [ -f e2e/package-lock.json ] && [ ! -d e2e/node_modules ]; then
  log "installing browser-test dependencies (npm ci)"
  (cd e2e && npm ci --no-audit --no-fund --silent)
fi
log "ready"
