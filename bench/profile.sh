#!/usr/bin/env bash
# CPU profile of a bench run (node --cpu-prof), then the top frames of the main thread.
# Usage: bench/profile.sh [workload] [duration-s]
source "$(dirname "$0")/lib.sh"
DIR="$OUT/profile-$(stamp)"
mkdir -p "$DIR"
node --cpu-prof --cpu-prof-dir="$DIR" "$ROOT/bin/consortia.js" bench --workload "${1:-register}" \
  --duration "${2:-15}" --outstanding 64 --out "$DIR/result.json"
for f in "$DIR"/*.cpuprofile; do
  echo "== $f"
  node "$ROOT/bench/cpu-top.mjs" "$f" 25
done
