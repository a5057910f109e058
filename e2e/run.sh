#!/usr/bin/env bash
# Runs the browser end-to-end tests against a freshly started launchready server.
#
# Usage: e2e/run.sh <path-to-launchready-binary>
#
# The server gets a free loopback port, a throw-away SQLite database and data directory, and no
# SMTP server, so mail lands in the development outbox that the tests read at /dev/outbox.
# Names resolve through a free loopback UDP port (LAUNCHREADY_E2E_DNS_PORT): nothing answers
# there unless a test starts its own DNS server on it, so no DNS query leaves the machine. The
# tests run one file at a time, so a test that serves names there does not affect the others.
# Private targets are allowed and monitors may run every second, so a test can watch a server
# it starts on loopback. Billing talks to the local fake Stripe (`fake-stripe` from testkit, built
# beside the binary by `make test-rust`) on another free port; `ops@e2e.test` and `sprint-desk@e2e.test` are platform operators
# (one per test file, since every file signs its operator up).
# Set CHROMIUM to use a browser other than /usr/bin/chromium, and LAUNCHREADY_SITE_ROOT to serve
# the built front end from somewhere other than target/site.
# Exits with the test runner's exit code.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 <path-to-launchready-binary>" >&2
  exit 2
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ ! -f "$1" || ! -x "$1" ]]; then
  echo "e2e: $1 is not an executable file" >&2
  exit 2
fi
# Absolute, since the script changes directory before starting it.
BIN="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"

# A loopback port nothing listens on now: free_port tcp | free_port udp.
free_port() {
  python3 -c 'import socket, sys
kind = socket.SOCK_DGRAM if sys.argv[1] == "udp" else socket.SOCK_STREAM
s = socket.socket(socket.AF_INET, kind)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()' "$1"
}

PORT="$(free_port tcp)"
BASE_URL="http://127.0.0.1:$PORT"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/launchready-e2e.XXXXXX")"
LOG="$TMP/server.log"
SERVER_PID=""
FAKE_PID=""
STATUS=1

# shellcheck disable=SC2317 # invoked from the EXIT trap
cleanup() {
  if [[ -n "$FAKE_PID" ]]; then
    kill -TERM "$FAKE_PID" 2>/dev/null || true
    wait "$FAKE_PID" 2>/dev/null || true
  fi
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    # Give the graceful shutdown a moment, then make sure nothing is left behind.
    for _ in $(seq 1 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ "$STATUS" -ne 0 ]]; then
    echo "e2e: failed (exit $STATUS); last 80 lines of $LOG:" >&2
    tail -n 80 "$LOG" >&2 2>/dev/null || true
    echo "e2e: the database and log are kept in $TMP" >&2
  else
    rm -rf "$TMP"
  fi
}
trap 'STATUS=$?; cleanup; exit $STATUS' EXIT
trap 'exit 130' INT TERM

# From the repository root, so the default site root `target/site` resolves as in development.
cd "$ROOT"
FAKE_BIN="$(dirname "$BIN")/fake-stripe"
FAKE_PORT="$(free_port tcp)"
STRIPE_KEY="sk_test_e2e"
DNS_PORT="$(free_port udp)"
STRIPE_WEBHOOK_SECRET="whsec_e2e_$(python3 -c 'import secrets; print(secrets.token_hex(8))')"
if [[ ! -x "$FAKE_BIN" ]]; then
  echo "e2e: $FAKE_BIN is missing (make test-rust builds it: cargo test --release -p testkit)" >&2
  exit 2
fi
"$FAKE_BIN" --bind "127.0.0.1:$FAKE_PORT" --api-key "$STRIPE_KEY" --webhook-secret "$STRIPE_WEBHOOK_SECRET" \
  --webhook-url "$BASE_URL/webhooks/stripe" >"$TMP/fake-stripe.log" 2>&1 &
FAKE_PID=$!
echo "e2e: starting $BIN serve on $BASE_URL (data in $TMP)"
env -u LAUNCHREADY_SMTP_URL \
  LAUNCHREADY_ENV=development \
  LAUNCHREADY_BIND="127.0.0.1:$PORT" \
  LAUNCHREADY_BASE_URL="$BASE_URL" \
  LAUNCHREADY_DATABASE_URL="sqlite://$TMP/e2e.db?mode=rwc" \
  LAUNCHREADY_DATA_DIR="$TMP" \
  LAUNCHREADY_SITE_ROOT="${LAUNCHREADY_SITE_ROOT:-target/site}" \
  LAUNCHREADY_SCANNER__RESOLVER="127.0.0.1:$DNS_PORT" \
  LAUNCHREADY_SCANNER__ALLOW_PRIVATE_TARGETS=true \
  LAUNCHREADY_PLANS__FREE__MONITOR_MIN_INTERVAL_SECS=1 \
  LAUNCHREADY_PLANS__FREE__STATUS_PAGES=true \
  LAUNCHREADY_MONITORS__SCHEDULE_EVERY_SECS=1 \
  LAUNCHREADY_STRIPE__SECRET_KEY="$STRIPE_KEY" \
  LAUNCHREADY_STRIPE__WEBHOOK_SECRET="$STRIPE_WEBHOOK_SECRET" \
  LAUNCHREADY_STRIPE__API_BASE="http://127.0.0.1:$FAKE_PORT/" \
  LAUNCHREADY_STRIPE__PRICE_PRO="price_pro_e2e" \
  LAUNCHREADY_STRIPE__PRICE_AGENCY="price_agency_e2e" \
  LAUNCHREADY_ADMINS='["ops@e2e.test","sprint-desk@e2e.test"]' \
  "$BIN" serve >"$LOG" 2>&1 &
SERVER_PID=$!

ready=0
for _ in $(seq 1 120); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "e2e: the server exited before it was ready" >&2
    exit 1
  fi
  if curl -fsS "$BASE_URL/readyz" >/dev/null 2>&1; then
    ready=1
    break
  fi
  sleep 0.5
done
if [[ "$ready" -ne 1 ]]; then
  echo "e2e: $BASE_URL/readyz did not answer within 60 s" >&2
  exit 1
fi
echo "e2e: server ready"

cd "$ROOT/e2e"
if [[ ! -d node_modules ]]; then
  npm ci --no-audit --no-fund
fi

export LAUNCHREADY_E2E_BASE_URL="$BASE_URL"
export LAUNCHREADY_E2E_DNS_PORT="$DNS_PORT"
set +e
npm test
test_status=$?
set -e
exit "$test_status"
