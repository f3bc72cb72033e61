#!/usr/bin/env bash
# Create .venv and install the pinned dependencies (CPU torch first, so nothing pulls the CUDA build).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  for cand in python3.11 python3; do
    if command -v "$cand" >/dev/null && "$cand" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      PY="$cand"; break
    fi
  done
fi
[ -n "$PY" ] || { echo "bootstrap: Python 3.11 is required" >&2; exit 1; }
[ -x .venv/bin/python ] || "$PY" -m venv .venv
stamp=".venv/.wegwijs-lock-$(sha256sum requirements.lock pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  export PIP_DISABLE_PIP_VERSION_CHECK=1
  # torch==2.13.0 resolves to the CPU wheel on these machines; installing it first means the
  # lock below finds it satisfied and never reaches for the CUDA build.
  .venv/bin/pip install -q "torch==2.13.0"
  .venv/bin/pip install -q -r requirements.lock
  .venv/bin/pip install -q --no-deps -e .
  if .venv/bin/pip list 2>/dev/null | grep -qi '^nvidia-'; then
    echo "bootstrap: a CUDA package slipped in; refusing (torch must be the CPU build)" >&2; exit 1
  fi
  rm -f .venv/.wegwijs-lock-*
  touch "$stamp"
fi
echo "bootstrap: .venv ready ($(.venv/bin/python -c 'import torch; print("torch", torch.__version__)'))"
