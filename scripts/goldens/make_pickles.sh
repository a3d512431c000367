#!/usr/bin/env bash
# Regenerates src/test/resources/pickle/: PyTorch pickle checkpoints of golden cases written by
# transformers 4 / torch (checkpoints/), the fuzz corpus of hostile checkpoints (hostile/), and the
# allow-list of torch's weights-only unpickler (torch-weights-only-globals.txt).
#
# Needs the goldens' "t4" Python (torch 2.13, transformers 4.57.6): GOLDENS_T4_PYTHON, or the venv
# scripts/goldens/make_goldens.sh creates (run `make_goldens.sh --venvs-only` once to make it).
# Run after make_goldens.sh: the cases are re-saved from src/test/resources/goldens.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/src/test/resources/pickle"
venvs=${GOLDENS_VENVS:-${XDG_CACHE_HOME:-$HOME/.cache}/modelport-goldens}
py=${GOLDENS_T4_PYTHON:-$venvs/t4/bin/python}

"$py" -c 'import torch, transformers, safetensors; assert transformers.__version__.startswith("4.")' 2>/dev/null \
  || { echo "make_pickles: $py lacks torch + transformers 4.x; run scripts/goldens/make_goldens.sh --venvs-only or set GOLDENS_T4_PYTHON" >&2; exit 1; }

stage=$(mktemp -d "${TMPDIR:-/tmp}/modelport-pickles.XXXXXX")
trap 'rm -rf "$stage"' EXIT
export PYTHONHASHSEED=0 OMP_NUM_THREADS=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TRANSFORMERS_VERBOSITY=error

"$py" "$here/make_pickle_cases.py" --out "$stage/pickle"
"$py" -W ignore "$here/make_hostile_pickles.py" --out "$stage/pickle/hostile"

rm -rf "$out"
cp -r "$stage/pickle" "$out"
echo "make_pickles: wrote $out ($(du -sb "$out" | cut -f1) bytes)"
