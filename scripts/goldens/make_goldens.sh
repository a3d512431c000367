#!/usr/bin/env bash
# Regenerates src/test/resources/goldens/: tiny random checkpoints written by Hugging Face
# transformers itself, and transformers' own outputs on them (golden.json + golden.safetensors).
#
# Two Python environments are needed (created here, outside the repository, unless given):
#   t5: torch 2.13 (CPU), transformers 5.18.0, tokenizers 0.23.2, safetensors, sentencepiece + protobuf
#       (transformers reads the DeBERTa cases' spm.model with them)
#       (transformers 5.x requires tokenizers >= 0.23.1; 0.22.2 cannot be installed beside it)
#   t4: torch 2.13 (CPU), transformers 4.57.6, tokenizers 0.22.2, safetensors, sentencepiece + protobuf
#       (the marian-spm case's MarianTokenizer)
#       (used for the transformers-4 cases and for the question-answering pipeline, which
#        transformers 5 no longer has; tokenizers 0.22.2 because 0.23.x cuts long QA contexts,
#        tokenizers issue 2091)
#
# Environment overrides:
#   GOLDENS_VENVS     where the venvs live (default ${XDG_CACHE_HOME:-~/.cache}/modelport-goldens)
#   GOLDENS_T5_PYTHON a python that already has the t5 packages (e.g. /opt/goldens-venv/bin/python)
#   GOLDENS_T4_PYTHON a python that already has the t4 packages
#   GOLDENS_PYTHON    the interpreter that creates the venvs (default python3, needs >= 3.10)
#   PIP_EXTRA         extra arguments for pip install (default "--retries 0")
#
# Idempotent: everything is written to a staging folder first and swapped in only when both
# environments succeeded; the seeds are fixed, so a rerun writes the same files.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/src/test/resources/goldens"
venvs=${GOLDENS_VENVS:-${XDG_CACHE_HOME:-$HOME/.cache}/modelport-goldens}
base_python=${GOLDENS_PYTHON:-python3}
pip_extra=${PIP_EXTRA:---retries 0}

T5_PINS=(torch==2.13.0 transformers==5.18.0 tokenizers==0.23.2 safetensors numpy sentencepiece protobuf)
T4_PINS=(torch==2.13.0 tokenizers==0.22.2 safetensors numpy sentencepiece protobuf pyyaml regex requests tqdm packaging filelock
         huggingface_hub)

die() { echo "make_goldens: $*" >&2; exit 1; }

# has_versions PYTHON torch transformers tokenizers: true when that python imports exactly these
has_versions() {
  "$1" - "$2" "$3" "$4" <<'EOF' >/dev/null 2>&1
import sys
import torch, transformers, tokenizers, safetensors
want = sys.argv[1:]
got = [torch.__version__.split("+")[0], transformers.__version__, tokenizers.__version__]
sys.exit(0 if got == want else 1)
EOF
}

ensure_base_python() {
  command -v "$base_python" >/dev/null 2>&1 || die "Python 3 is missing: install python3 (>= 3.10) with venv and pip, or set GOLDENS_PYTHON / GOLDENS_T5_PYTHON / GOLDENS_T4_PYTHON."
  "$base_python" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null \
    || die "$base_python is older than 3.10 or has no venv module; transformers 5 needs Python >= 3.10."
}

make_venv() {  # make_venv DIR: a fresh venv at DIR
  rm -rf "$1"
  "$base_python" -m venv "$1" || die "could not create a venv at $1 (is python3-venv installed?)"
}

pip_install() {  # pip_install VENV ARGS...
  local venv=$1; shift
  # shellcheck disable=SC2086
  "$venv/bin/python" -m pip install $pip_extra --quiet "$@" \
    || die "pip could not install: $* (torch, transformers and tokenizers must be reachable by pip)"
}

t5_python() {
  if [ -n "${GOLDENS_T5_PYTHON:-}" ]; then
    "$GOLDENS_T5_PYTHON" -c 'import torch, transformers, tokenizers, safetensors' 2>/dev/null \
      || die "GOLDENS_T5_PYTHON=$GOLDENS_T5_PYTHON cannot import torch, transformers, tokenizers and safetensors."
    has_versions "$GOLDENS_T5_PYTHON" 2.13.0 5.18.0 0.23.2 \
      || echo "make_goldens: note: $GOLDENS_T5_PYTHON does not have torch 2.13.0 / transformers 5.18.0 / tokenizers 0.23.2; the goldens may change" >&2
    echo "$GOLDENS_T5_PYTHON"; return
  fi
  local v="$venvs/t5"
  if ! has_versions "$v/bin/python" 2.13.0 5.18.0 0.23.2; then
    ensure_base_python
    echo "make_goldens: creating $v (torch 2.13 CPU, transformers 5.18.0) ..." >&2
    make_venv "$v"
    pip_install "$v" "${T5_PINS[@]}"
    has_versions "$v/bin/python" 2.13.0 5.18.0 0.23.2 || die "$v does not import the pinned versions after installing them."
  fi
  echo "$v/bin/python"
}

t4_python() {
  if [ -n "${GOLDENS_T4_PYTHON:-}" ]; then
    "$GOLDENS_T4_PYTHON" -c 'import torch, transformers, tokenizers, safetensors' 2>/dev/null \
      || die "GOLDENS_T4_PYTHON=$GOLDENS_T4_PYTHON cannot import torch, transformers, tokenizers and safetensors."
    has_versions "$GOLDENS_T4_PYTHON" 2.13.0 4.57.6 0.22.2 \
      || echo "make_goldens: note: $GOLDENS_T4_PYTHON does not have torch 2.13.0 / transformers 4.57.6 / tokenizers 0.22.2; the goldens may change" >&2
    echo "$GOLDENS_T4_PYTHON"; return
  fi
  local v="$venvs/t4"
  if ! has_versions "$v/bin/python" 2.13.0 4.57.6 0.22.2; then
    ensure_base_python
    echo "make_goldens: creating $v (torch 2.13 CPU, transformers 4.57.6, tokenizers 0.22.2) ..." >&2
    make_venv "$v"
    pip_install "$v" "${T4_PINS[@]}"
    # transformers 4.57.6 pins huggingface-hub<1.0, and only 1.x is served to these machines;
    # reading local folders works with 1.x, so install without dependencies and relax the
    # import-time version check (the only place that enforces the pin).
    pip_install "$v" --no-deps transformers==4.57.6
    local table
    table=$("$v/bin/python" -c 'import importlib.util as u; print(u.find_spec("transformers").submodule_search_locations[0])')/dependency_versions_table.py
    sed -i 's/"huggingface-hub>=0.34.0,<1.0"/"huggingface-hub>=0.34.0"/' "$table"
    has_versions "$v/bin/python" 2.13.0 4.57.6 0.22.2 || die "$v does not import the pinned versions after installing them."
  fi
  echo "$v/bin/python"
}

py5=$(t5_python)
py4=$(t4_python)
if [ "${1:-}" = "--venvs-only" ]; then
  echo "make_goldens: t5 python: $py5"
  echo "make_goldens: t4 python: $py4"
  exit 0
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/modelport-goldens.XXXXXX")
trap 'rm -rf "$stage"' EXIT

export PYTHONHASHSEED=0 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1 TRANSFORMERS_VERBOSITY=error

echo "make_goldens: transformers 5 cases with $py5" >&2
"$py5" "$here/make_goldens.py" --phase t5 --out "$stage"
echo "make_goldens: transformers 4 cases and question-answering pipelines with $py4" >&2
"$py4" "$here/make_goldens.py" --phase t4 --out "$stage"
"$py5" "$here/make_goldens.py" --phase check --out "$stage"

rm -rf "$out"
mkdir -p "$out"
cp -r "$stage"/. "$out"/

echo "make_goldens: wrote $out:"
(cd "$out" && find . -type f | sort | while read -r f; do printf '%9d  %s\n' "$(stat -c %s "$f")" "${f#./}"; done)
echo "make_goldens: total $(du -sb "$out" | cut -f1) bytes in $(find "$out" -mindepth 1 -maxdepth 1 -type d | wc -l) cases"
