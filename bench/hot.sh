#!/usr/bin/env bash
# Mixed reads and writes with a share of conflicting (hot) keys, max rate, 64 in flight.
# Usage: bench/hot.sh [duration-s] [hot-key-share] [read-share]
source "$(dirname "$0")/lib.sh"
consortia bench --workload hot --duration "${1:-30}" --outstanding 64 \
  --hot-keys "${2:-0.1}" --read-share "${3:-0.5}" --out "$OUT/hot-$(stamp).json"
