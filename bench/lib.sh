# Shared by the bench/*.sh scripts: builds the CLI once, then runs it from dist/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ -z "${CONSORTIA_BENCH_NO_BUILD:-}" ]; then
  npm run -s build >&2
fi
OUT="$ROOT/.bench-out"
mkdir -p "$OUT"
consortia() { node "$ROOT/bin/consortia.js" "$@"; }
stamp() { date -u +%Y%m%d-%H%M%S; }
