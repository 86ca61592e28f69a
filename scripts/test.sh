#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test: the unit and end-to-end tests (g++),
# then each libFuzzer target for a short time (clang, with AddressSanitizer and UBSan).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DGPUFLEET_TESTS=ON >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"
if [ -n "$(ls fuzz/*.cc 2>/dev/null)" ]; then
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
    -DGPUFLEET_TESTS=OFF -DGPUFLEET_FUZZ=ON -DGPUFLEET_PYTHON=OFF >/dev/null
  cmake --build build-fuzz -j"$jobs" --target fuzzers
  ctest --test-dir build-fuzz --output-on-failure -j"$jobs"
fi
