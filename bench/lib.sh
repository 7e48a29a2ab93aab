#!/usr/bin/env bash
# What the benchmark scripts share: two timings measured in turn, and the best of each.

# bench_alternate <runs> <command-a> <command-b>: runs the two commands (each prints one time)
# one after the other, <runs> times, so a noisy machine slows both alike; their outputs land in
# the arrays BENCH_A and BENCH_B.
bench_alternate() {
  BENCH_A=()
  BENCH_B=()
  for _ in $(seq "$1"); do
    BENCH_A+=("$($2)")
    BENCH_B+=("$($3)")
  done
}

# bench_best <time>...: the smallest.
bench_best() { printf '%s\n' "$@" | sort -n | head -1; }
