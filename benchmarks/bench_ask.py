"""Benchmark the assistant in process: latency p50/p95 with a stage breakdown, and quality on the
labelled questions (hit@5 per language for the assistant, hybrid, dense-only and BM25-only retrieval,
routing and abstention accuracy), all measured in the same run.

    WEGWIJS_DATA_DIR=data .venv/bin/python benchmarks/bench_ask.py [--out artifacts/bench_ask.json]

Uses the index in WEGWIJS_DATA_DIR (run `wegwijs ingest` first). Writes the JSON report to ``--out``
and PNG plots (hit@5 per language and mode, latency) to ``<out dir>/<out stem>/``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant.evaluation import evaluate, load_questions, write_report  # noqa: E402
from assistant.service import AssistantService  # noqa: E402
from assistant.settings import Settings  # noqa: E402


def main() -> None:
    """Run, print the figures, and write the report and its plots."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("artifacts/bench_ask.json"))
    parser.add_argument("--questions", type=Path, default=None,
                        help="folder of labelled questions (default eval/questions; eval/holdout is held out)")
    parser.add_argument("--no-plots", action="store_true", help="write the JSON report only")
    args = parser.parse_args()
    service = AssistantService(Settings())
    report = evaluate(service, load_questions(args.questions) if args.questions else load_questions())
    shown = {k: v for k, v in report.items() if k not in ("failures", "rows")}
    failures = report["failures"]
    print(json.dumps(shown, indent=1))
    print(f"{len(failures)} questions with a wrong route, abstention or missing evidence:")
    for f in failures:
        print(f"  {f['id']}: route {f['expected_route']}->{f['route']}, abstain {f['expected_abstain']}->"
              f"{f['abstained']} ({f['abstain_reason'] or 'answered'}), evidence found: {f.get('hit_assistant')}")
    plots = write_report(report, args.out, plots=not args.no_plots)
    print(f"report: {args.out}")
    for path in plots:
        print(f"plot: {path}")


if __name__ == "__main__":
    main()
