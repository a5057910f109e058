#!/usr/bin/env bash
# Start-up smoke test of what `make run` serves: the release binary and the release front end,
# started through scripts/serve.sh exactly as `make run` starts them, but on a free loopback
# port with SQLite and the data directory in a temporary folder. It checks that
#   1. the server becomes ready (/readyz) within 60 s;
#   2. start-up logs no warning or error, and its first lines name the address it serves,
#      the database, and where mail goes (the development outbox and its page);
#   3. `/` renders and the hashed front-end files it references (JS glue and WASM) are served:
#      the WASM byte for byte as built, and brotli-compressed to a browser that accepts it;
#   4. SIGTERM stops it with exit code 0 within the shutdown grace period.
# Any failure names the step and prints the end of the server's log. Run by `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

GRACE_SECS="${LAUNCHREADY_SHUTDOWN_GRACE_SECS:-20}"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/launchready-smoke.XXXXXX")"
LOG="$TMP/server.log"
PID=""
PASSED=0

fail() {
  echo "smoke: FAILED: $*" >&2
  if [[ -f "$LOG" ]]; then
    echo "smoke: last 40 lines of the server's log ($LOG):" >&2
    tail -n 40 "$LOG" >&2 || true
  fi
  exit 1
}

# shellcheck disable=SC2317 # invoked from the EXIT trap
cleanup() {
  if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
    kill -KILL "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  if [[ "$PASSED" -eq 1 ]]; then rm -rf "$TMP"; else echo "smoke: database and log kept in $TMP" >&2; fi
}
trap cleanup EXIT

# Seconds since a `date +%s.%N` reading, to a tenth.
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
WASM_FILE="$LAUNCHREADY_SITE_ROOT/pkg/launchready_bg.wasm"

echo "smoke: starting $CARGO_TARGET_DIR/release/launchready serve on $BASE (data in $TMP)"
started=$(date +%s.%N)
env -u LAUNCHREADY_SMTP_URL -u LAUNCHREADY_CONFIG -u RUST_LOG \
  LAUNCHREADY_ENV=development \
  LAUNCHREADY_BIND="127.0.0.1:$PORT" \
  LAUNCHREADY_BASE_URL="$BASE" \
  LAUNCHREADY_DATA_DIR="$TMP" \
  LAUNCHREADY_DATABASE_URL="sqlite://$TMP/launchready.db?mode=rwc" \
  scripts/serve.sh >"$LOG" 2>&1 &
PID=$!

# 1. Ready.
ready=0
for _ in $(seq 1 120); do
  kill -0 "$PID" 2>/dev/null || { wait "$PID" && code=0 || code=$?; fail "the server exited (code $code) before it was ready"; }
  if curl -fsS -o /dev/null "$BASE/readyz" 2>/dev/null; then
    ready=1
    break
  fi
  sleep 0.5
done
[[ "$ready" -eq 1 ]] || fail "$BASE/readyz did not answer within 60 s"
echo "smoke: ready after $(since "$started") s"

# 2. A clean start: no warnings, and the first lines say where it serves, the database and mail.
plain_log() { sed 's/\x1b\[[0-9;]*m//g' "$LOG"; }
if plain_log | grep -E '^\S+\s+(WARN|ERROR)\b' >/dev/null; then
  fail "start-up logged warnings or errors: $(plain_log | grep -E '^\S+\s+(WARN|ERROR)\b' | head -5)"
fi
head_lines="$(plain_log | head -n 8)"
for want in "serving $BASE" "database sqlite://$TMP/launchready.db" "mail to the development outbox" "$BASE/dev/outbox"; do
  grep -qF -- "$want" <<<"$head_lines" || fail "the first lines of the log do not say \"$want\""
done

# 3. The page and the front end it references.
page="$(curl -fsS "$BASE/")" || fail "GET / failed"
wasm_path="$(grep -oE '/pkg/[0-9a-f]{12}/launchready_bg\.wasm' <<<"$page" | head -n 1 || true)"
js_path="$(grep -oE '/pkg/[0-9a-f]{12}/launchready\.js' <<<"$page" | head -n 1 || true)"
[[ -n "$wasm_path" && -n "$js_path" ]] || fail "GET / does not reference the hashed front end (/pkg/<hash>/launchready.js and launchready_bg.wasm)"
curl -fsS -o "$TMP/launchready.js" "$BASE$js_path" || fail "GET $js_path failed"
grep -q 'launchready_bg' "$TMP/launchready.js" || fail "$js_path is not the wasm-bindgen glue"
wasm_type="$(curl -fsS -o "$TMP/served.wasm" -w '%{content_type}' "$BASE$wasm_path")" || fail "GET $wasm_path failed"
[[ "$wasm_type" == application/wasm* ]] || fail "$wasm_path is served as '$wasm_type', not application/wasm"
cmp -s "$TMP/served.wasm" "$WASM_FILE" || fail "$wasm_path is not the built $WASM_FILE"
encoding="$(curl -fsS -o /dev/null -H 'Accept-Encoding: br' -w '%header{content-encoding}' "$BASE$wasm_path")" || fail "GET $wasm_path (br) failed"
[[ "$encoding" == br ]] || fail "$wasm_path is not served brotli-compressed to a browser that accepts it (Content-Encoding '$encoding')"
echo "smoke: / and $wasm_path ($(stat -c %s "$WASM_FILE") bytes) served"

# 4. A graceful stop.
kill -TERM "$PID"
stop_started=$(date +%s.%N)
deadline=$((GRACE_SECS * 10))
for _ in $(seq 1 "$deadline"); do
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$PID" 2>/dev/null; then
  fail "the server did not stop within the ${GRACE_SECS} s shutdown grace after SIGTERM"
fi
code=0
wait "$PID" || code=$?
PID=""
[[ "$code" -eq 0 ]] || fail "the server exited with code $code after SIGTERM (expected 0)"
echo "smoke: stopped by SIGTERM in $(since "$stop_started") s, exit code 0"
PASSED=1
echo "smoke: passed"
