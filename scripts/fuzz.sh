#!/usr/bin/env bash
# `make fuzz`: every fuzz target (fuzz/Cargo.toml) for FUZZ_SECONDS each (default 600), one
# after the other, then a table of what each run did: executions, coverage (libFuzzer's
# `cov`, edges reached, and `ft`, features), the corpus it grew, and crashes.
#
# cargo-fuzz is installed from the crate registry on first use. libFuzzer's instrumentation
# needs rustc's unstable flags; the machine has only the stable toolchain, so
# RUSTC_BOOTSTRAP=1 lets it accept them (for this build only, in its own target directory).
#
# A crash stops that target: libFuzzer writes the input to fuzz/artifacts/<target>/. Copy it
# into fuzz/regressions/<target>/ (the engine's test `fuzz_seeds_and_past_crashes_replay_cleanly`
# replays every file there) and fix the reader.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

SECONDS_EACH="${FUZZ_SECONDS:-600}"
TARGETS="${FUZZ_TARGETS:-page body records product_file}"
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$HOME/.cache/launchready/fuzz-target}"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz (once)"
  cargo install cargo-fuzz --locked
fi

echo "fuzz: building the targets (address sanitizer, debug assertions)"
cargo fuzz build --debug-assertions

results=()
status=0
for target in $TARGETS; do
  mkdir -p "fuzz/corpus/$target"
  log="fuzz/artifacts/$target.log"
  mkdir -p fuzz/artifacts
  echo "fuzz: $target for ${SECONDS_EACH}s"
  if cargo fuzz run --debug-assertions "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
      -max_total_time="$SECONDS_EACH" -print_final_stats=1 -max_len=65536 -rss_limit_mb=4096 -timeout=10 >"$log" 2>&1; then
    crashed=no
  else
    crashed=yes
    status=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*' || true)
  ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*' || true)
  corp=$(grep -o 'corp: [0-9]*' <<<"$last" | grep -o '[0-9]*' || true)
  results+=("$(printf '%-13s %12s %7s %8s %7s  %s' "$target" "${runs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$crashed")")
  if [ "$crashed" = yes ]; then
    echo "fuzz: $target FAILED; the input is in fuzz/artifacts/$target/, the log in $log:"
    grep -E 'panicked|ERROR|SUMMARY|artifact_prefix|Test unit written' "$log" | head -20
  fi
done

echo
printf '%-13s %12s %7s %8s %7s  %s\n' target executions cov features corpus crashed
printf '%s\n' "${results[@]}"
exit $status
