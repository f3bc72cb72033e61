"""Benchmark translation: latency per sentence and throughput, with and without the cache.

    .venv/bin/python benchmarks/bench_translation.py [--packages DIR] [--out artifacts/bench_translation.json]

Always measured: the plumbing cost with the tiny random-weight test package (tests/argos_package.py:
protection, sentence splitting, tokenising, CTranslate2, restoring; its output is noise) and with the
deterministic fake translator as a baseline in the same run. With ``--packages`` (a folder of real
installed argos packages) the real pairs nl→en, en→nl and nl→ar (through en) are measured too.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.components.argos import PackageStore  # noqa: E402
from assistant.components.translation import (  # noqa: E402
    ArgosTranslator,
    FakeTranslator,
    SafeTranslator,
    TranslationCache,
    Translator,
    protected_terms,
)

KB = Path(__file__).resolve().parents[1] / "knowledge_base"
SENTENCES = [
    "Je kan Nederlands leren in een Huis van het Nederlands.",
    "Registreer je binnen drie maanden bij het Agentschap Integratie en Inburgering.",
    "De cursus maatschappelijke oriëntatie (MO) duurt ongeveer 60 uur.",
    "Meer informatie vind je op https://www.integratie-inburgering.be.",
    "In 2022 meldden 16.880 inburgeraars zich aan.",
    "Na het traject krijg je een inburgeringsattest.",
    "Je kan oefenen met een buddy of als vrijwilliger.",
    "Bel of mail je trajectbegeleider als je vragen hebt.",
]


def measure(translator: Translator, source: str, target: str, rounds: int) -> dict:
    """Cold and cached latency per sentence through ``SafeTranslator``."""
    safe = SafeTranslator(translator, protected_terms(KB), TranslationCache(None), timeout_s=120)
    cold, warm, kept = [], [], 0
    for r in range(rounds):
        safe.cache = TranslationCache(None)  # every round is cold again
        for sentence in SENTENCES:
            t = time.perf_counter()
            out = safe.translate(sentence, source, target)
            cold.append((time.perf_counter() - t) * 1000)
            kept += (not out.machine_translated) and r == 0
    for sentence in SENTENCES:
        t = time.perf_counter()
        safe.translate(sentence, source, target)
        warm.append((time.perf_counter() - t) * 1000)
    total_s = sum(cold) / 1000
    return {
        "pair": f"{source}→{target}", "sentences": len(cold),
        "cold_ms_p50": round(statistics.median(cold), 3),
        "cold_ms_p95": round(sorted(cold)[int(0.95 * (len(cold) - 1))], 3),
        "cached_ms_p50": round(statistics.median(warm), 4),
        "cache_speedup": round(statistics.median(cold) / max(statistics.median(warm), 1e-6), 1),
        "sentences_per_s": round(len(cold) / total_s, 1),
        "kept_original": kept,  # protected term lost, timeout or missing pair
    }


def main() -> None:
    """Print and save the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--packages", type=Path, default=None, help="folder of installed real packages")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("artifacts/bench_translation.json"))
    args = parser.parse_args()
    logging.getLogger("assistant").setLevel(logging.ERROR)  # the test package loses terms by design
    results = {"fake (baseline)": measure(FakeTranslator(), "nl", "en", args.rounds)}
    with tempfile.TemporaryDirectory() as tmp:
        from tests.argos_package import build_model, package

        base = build_model(Path(tmp) / "build")
        store = PackageStore(Path(tmp) / "installed")
        for src, tgt in [("nl", "en"), ("en", "ar")]:
            store.install(package(base, Path(tmp) / "files", src, tgt))
        tiny = ArgosTranslator(store)
        results["test package nl→en"] = measure(tiny, "nl", "en", args.rounds)
        results["test package nl→ar (through en)"] = measure(tiny, "nl", "ar", args.rounds)
    if args.packages:
        real = ArgosTranslator(PackageStore(args.packages))
        for src, tgt in [("nl", "en"), ("en", "nl"), ("nl", "ar")]:
            if real.version(src, tgt):
                results[f"real {src}→{tgt}"] = measure(real, src, tgt, max(1, args.rounds // 2))
            else:
                results[f"real {src}→{tgt}"] = {"skipped": "no package"}
    else:
        results["real packages"] = {"skipped": "none given (--packages DIR); none can be downloaded here"}
    baseline = results["fake (baseline)"]["cold_ms_p50"]
    for row in results.values():
        if "cold_ms_p50" in row:
            row["cold_vs_fake"] = round(row["cold_ms_p50"] / max(baseline, 1e-6), 1)
    print(json.dumps(results, indent=1, ensure_ascii=False))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
