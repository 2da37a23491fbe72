#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, clang with ASan and UBSan) into build/fuzz and runs
# each for VO_FUZZ_SECONDS (default 60) from its seed corpus (tests/fuzz/corpus/<name>, read
# only: new inputs go to build/fuzz/corpus/<name>). A crash, leak, timeout or sanitizer report
# stops the script with the reproducer's path; add it to the corpus and a regression test.
# VO_FUZZ_SEED (default 1) fixes libFuzzer's random seed, so CI explores the same inputs on
# every run and a red CI means the change, not the dice; VO_FUZZ_SEED=0 draws a new seed (for
# longer exploring runs).
# Usage: bash scripts/fuzz.sh [target...]   (default: every target)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir="$root/build/fuzz"
seconds=${VO_FUZZ_SECONDS:-60}
seed=${VO_FUZZ_SEED:-1}
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(request_body bulk_request http_request webhook)

export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
# The sanitizer ignorelist is read by the compiler but not named in ccache's hash: add it.
export CCACHE_EXTRAFILES="$root/tests/fuzz/ubsan-ignorelist.txt"
CXX=clang++ cmake -S "$root/tests/fuzz" -B "$build_dir" -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
cmake --build "$build_dir" -j"${VO_JOBS:-$(nproc)}"

mkdir -p "$build_dir/crashes"
for target in "${targets[@]}"; do
  mkdir -p "$build_dir/corpus/$target"
  echo "== fuzz_$target for ${seconds} s"
  if ! "$build_dir/fuzz_$target" -seed="$seed" -max_total_time="$seconds" -timeout=10 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$build_dir/crashes/$target-" \
      "$build_dir/corpus/$target" "$root/tests/fuzz/corpus/$target" \
      >"$build_dir/$target.log" 2>&1; then
    tail -n 60 "$build_dir/$target.log" >&2
    echo "fuzz_$target found a problem; reproducer: $(ls -t "$build_dir/crashes/$target-"* | head -n 1)" >&2
    exit 1
  fi
  grep -E "^stat::number_of_executed_units|^Done" "$build_dir/$target.log" | tail -n 2
done
