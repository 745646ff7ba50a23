#!/usr/bin/env bash
# Max rate of number portability (requestPort + confirmPort on distinct numbers), 64 in flight.
# Usage: bench/transfer.sh [duration-s] [outstanding]
source "$(dirname "$0")/lib.sh"
consortia bench --workload transfer --duration "${1:-30}" --outstanding "${2:-64}" \
  --out "$OUT/transfer-$(stamp).json"
