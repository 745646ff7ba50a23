#!/usr/bin/env bash
# p99 latency at 70% of the maximum rate: a max-rate run finds the maximum, then a fixed-rate
# run at 70% of it measures latency.
# Usage: bench/latency.sh [workload] [duration-s]
source "$(dirname "$0")/lib.sh"
WL="${1:-transfer}"
DUR="${2:-30}"
MAX="$OUT/$WL-max-$(stamp).json"
consortia bench --workload "$WL" --duration "$DUR" --outstanding 64 --out "$MAX"
RATE=$(node -e 'const r = require(process.argv[1]); console.log(Math.max(1, Math.round(r.committedTps * 0.7)))' "$MAX")
echo "fixed rate at 70% of $(node -p "require('$MAX').committedTps") tx/s: $RATE tx/s"
consortia bench --workload "$WL" --duration "$DUR" --rate "$RATE" --out "$OUT/$WL-70pct-$(stamp).json"
