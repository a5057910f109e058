#!/usr/bin/env bash
# Serves the built product: what `make run` runs once `make build` is done, and what the
# start-up smoke test (scripts/smoke-run.sh) starts. The release binary `launchready serve`,
# from the repository root, so the defaults hold: SQLite in ./data, the worker in the same
# process, mail in the development outbox, http://127.0.0.1:3000. Any LAUNCHREADY_* variable
# in the environment overrides a default (see the README); arguments go to `launchready serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

bin="$CARGO_TARGET_DIR/release/launchready"
if [[ ! -x "$bin" ]]; then
  echo "serve: $bin is missing; \`make build\` builds it" >&2
  exit 2
fi
if [[ ! -f "$LAUNCHREADY_SITE_ROOT/pkg/launchready_bg.wasm" ]]; then
  echo "serve: the front end is not built in $LAUNCHREADY_SITE_ROOT/pkg; \`make build\` builds it" >&2
  exit 2
fi
exec "$bin" serve "$@"
