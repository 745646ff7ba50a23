#!/usr/bin/env bash
# Bytes on disk per register transaction on one peer (block files + LMDB), from a longer run
# at a fixed rate so that LMDB's page growth averages out.
# Usage: bench/disk.sh [duration-s] [rate]
source "$(dirname "$0")/lib.sh"
consortia bench --workload register --duration "${1:-60}" --rate "${2:-200}" --out "$OUT/disk-$(stamp).json"
