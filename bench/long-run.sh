#!/usr/bin/env bash
# Throughput as the ledger grows: a long max-rate register run; compare the early and late
# throughput in the table (and the chart).
# Usage: bench/long-run.sh [duration-s]
source "$(dirname "$0")/lib.sh"
consortia bench --workload register --duration "${1:-600}" --outstanding 64 --out "$OUT/long-run-$(stamp).json"
