#!/usr/bin/env bash
# Runs the libFuzzer targets for a set time each, seeded from the committed seeds, and
# appends what happened to fuzz/RESULTS.md.
#   fuzz/run.sh [SECONDS_PER_TARGET [TARGET...]]   (default 600 s, every target)
# Needs cargo-fuzz (`cargo install cargo-fuzz`). The toolchain here is stable, so the
# nightly-only flags cargo-fuzz passes are allowed with RUSTC_BOOTSTRAP=1, and the address
# sanitizer (nightly-only too) is off: a crash is a Rust panic, an abort or a stack overflow.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
shift $(( $# > 0 ? 1 : 0 ))
export RUSTC_BOOTSTRAP=1
for target in ${@:-$(cargo fuzz list)}; do
  mkdir -p "corpus/$target"
  cp -n seeds/"$target"/* "corpus/$target/" 2>/dev/null || true
  log=$(mktemp)
  status=0
  cargo fuzz run "$target" --sanitizer none -- \
    -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=10 >"$log" 2>&1 || status=$?
  # No `#N` line when an input of the corpus fails before the fuzzing starts.
  runs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#' || true)
  found=$(ls "artifacts/$target" 2>/dev/null | wc -l)
  printf '| %s | %s | %ss | %s | %s | %s |\n' "$(date -u +%Y-%m-%d)" "$target" "$seconds" \
    "${runs:-0}" "$([ "$status" = 0 ] && echo clean || echo "exit $status")" "$found artifact(s)" \
    >> RESULTS.md
  tail -n 3 "$log"
  rm -f "$log"
done
