# Shared settings for the project's scripts. Sourced, not run.
# Caches live outside the clone so CI runs on the same machine reuse earlier builds.
export LAUNCHREADY_CACHE="${LAUNCHREADY_CACHE:-$HOME/.cache/launchready}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$LAUNCHREADY_CACHE/target}"
export LAUNCHREADY_TOOLS="$LAUNCHREADY_CACHE/tools"
export PATH="$LAUNCHREADY_TOOLS/bin:$PATH"
# Where the built front end (WASM, JS glue, CSS) is put and served from.
export LAUNCHREADY_SITE_ROOT="${LAUNCHREADY_SITE_ROOT:-$PWD/target/site}"
