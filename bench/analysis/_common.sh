# Shared by run-*: builds the opres bench driver (release) and the Python peers' venv (from PyPI).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/bench/out/analysis"
mkdir -p "$OUT"
if [ ! -x "$ROOT/bench/.venv/bin/python" ]; then python3 -m venv "$ROOT/bench/.venv"; fi
"$ROOT/bench/.venv/bin/pip" install -q scikit-learn pandas duckdb
PY="$ROOT/bench/.venv/bin/python"
(cd "$ROOT" && cargo build -q --release -p opres-analysis --example analysis_bench)
OPRES="$ROOT/target/release/examples/analysis_bench"
ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.2f}')" "$1" "$2"; }
field() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); [d:=d[k] for k in sys.argv[2].split('.')]; print(d)" "$1" "$2"; }
