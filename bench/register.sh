#!/usr/bin/env bash
# Max rate of the put-only register shape (proof-registry register, a new hash each), 64 in flight.
# Also reports bytes on disk per transaction on one peer.
# Usage: bench/register.sh [duration-s] [outstanding]
source "$(dirname "$0")/lib.sh"
consortia bench --workload register --duration "${1:-30}" --outstanding "${2:-64}" \
  --out "$OUT/register-$(stamp).json"
