#!/usr/bin/env bash
# One committing peer fed pre-ordered blocks of endorsed register transactions, against its own
# signature bound (4 verifications per transaction).
# Usage: bench/peer.sh [txs] [block-size]
source "$(dirname "$0")/lib.sh"
consortia bench-peer --txs "${1:-10000}" --block-size "${2:-100}" --out "$OUT/peer-$(stamp).json"
