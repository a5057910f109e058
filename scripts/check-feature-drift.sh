#!/usr/bin/env bash
# Fails when `cargo build --release -p server` (what `make run` builds) and the test build
# (`cargo test --release` over the server-side packages) would enable different features of
# some crate. Cargo compiles a crate once per feature set, so any difference makes a cold
# machine compile that crate, and everything above it, twice. A new dev-dependency that turns
# on a feature of a shared crate is the usual cause: pin that feature for the binary too, in
# server/Cargo.toml's "Feature pins". Reads only Cargo's resolution (no compiling): seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(-p domain -p migrations -p worker -p app -p server --features app/ssr)
host="$(rustc -vV | sed -n 's/^host: //p')"
# `package [features]` per line, for the host target; duplicates (a crate reached twice) folded.
features_of() { cargo tree --target "$host" --prefix none -f '{p} [{f}]' "$@" | sed 's/ (\*)$//' | sort -u; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
features_of -p server -e no-dev >"$tmp/binary"
features_of "${packages[@]}" >"$tmp/tests"

# Crates of the binary whose feature set the tests change (crates only the tests use are fine).
drift=0
while read -r name; do
  if ! diff -q <(grep "^$name v" "$tmp/binary") <(grep "^$name v" "$tmp/tests") >/dev/null; then
    echo "feature drift in $name:" >&2
    echo "  binary: $(grep "^$name v" "$tmp/binary" | tr '\n' ' ')" >&2
    echo "  tests:  $(grep "^$name v" "$tmp/tests" | tr '\n' ' ')" >&2
    drift=1
  fi
done < <(awk '{ print $1 }' "$tmp/binary" | sort -u)
if [[ "$drift" -ne 0 ]]; then
  echo "check-feature-drift: the release binary and the tests would compile the crates above twice; pin the tests' features in server/Cargo.toml" >&2
  exit 1
fi
echo "check-feature-drift: the release binary and the tests share one feature set ($(wc -l <"$tmp/binary") crates)"
