#!/usr/bin/env bash
# Set up and run every check: lint, types on the core packages, and all test markers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False
.venv/bin/ruff check .
.venv/bin/mypy assistant ingest portal
# addopts keep the default run fast (unit only); here every marker runs.
.venv/bin/python -m pytest -o addopts="" -ra -p no:cacheprovider "$@"
