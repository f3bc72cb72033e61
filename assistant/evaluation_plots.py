"""PNG plots of an evaluation report (matplotlib, Agg backend: no display is needed).

Written next to the JSON report in a folder named after its stem (``artifacts/bench_ask.json`` ->
``artifacts/bench_ask/*.png``), which is where the portal's staff page looks for them.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless machines and worker processes: never try to open a window

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

MODES = (("assistant", "assistant"), ("hybrid", "hybrid"), ("dense", "dense"), ("keyword", "BM25"))


def plot_folder(report_path: Path) -> Path:
    """The folder the plots of ``report_path`` go to: ``<report dir>/<report stem>/``."""
    return report_path.parent / report_path.stem


def plot_hits(report: dict, path: Path, target: float | None = 0.8) -> Path:
    """Grouped bars: hit@5 per language for the assistant and the three retrieval baselines."""
    by_lang: dict[str, dict[str, float]] = report.get("hit_at_5_by_language", {})
    langs = sorted(by_lang)
    fig, ax = plt.subplots(figsize=(max(8.0, 0.75 * len(langs) + 2), 4.2))
    width = 0.8 / len(MODES)
    x = np.arange(len(langs))
    for i, (key, label) in enumerate(MODES):
        overall = report.get("hit_at_5", {}).get(key)
        values = [by_lang[lang].get(key, float("nan")) for lang in langs]
        name = f"{label} ({overall:.2f})" if isinstance(overall, float) else label
        ax.bar(x + (i - (len(MODES) - 1) / 2) * width, values, width, label=name)
    if target is not None:
        ax.axhline(target, color="grey", linestyle="--", linewidth=0.8, label=f"floor {target:.2f}")
    ax.set_xticks(x, langs)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("hit@5")
    ax.set_title(f"Evidence among the top-5 sources, per language ({report.get('questions', '?')} questions)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize=8, ncols=len(MODES) + 1, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_latency(rows: list[dict], report: dict, path: Path) -> Path:
    """Latency: a histogram of end-to-end times with p50/p95, and the median time per stage."""
    latencies = [float(r["latency_ms"]) for r in rows if "latency_ms" in r]
    stages: dict[str, list[float]] = defaultdict(list)
    for r in rows:
        for stage, ms in (r.get("timings") or {}).items():
            if stage != "total":
                stages[stage].append(float(ms))
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [3, 2]})
    if latencies:
        left.hist(latencies, bins=min(40, max(10, len(latencies) // 5)), color="tab:blue", alpha=0.8)
        for name, colour in (("p50", "tab:green"), ("p95", "tab:red")):
            value = report.get("latency_ms", {}).get(name)
            if value is not None:
                left.axvline(value, color=colour, linestyle="--", label=f"{name} {value:.0f} ms")
        left.legend()
    left.set_xlabel("ms per question (in process)")
    left.set_ylabel("questions")
    left.set_title("End-to-end latency")
    names = list(stages)
    medians = [float(np.median(stages[s])) for s in names]
    p95s = [float(np.percentile(stages[s], 95)) for s in names]
    y = np.arange(len(names))
    right.barh(y - 0.2, medians, 0.4, label="p50")
    right.barh(y + 0.2, p95s, 0.4, label="p95")
    right.set_yticks(y, names)
    right.invert_yaxis()
    right.set_xlabel("ms")
    right.set_title("Per stage")
    right.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_plots(report: dict, rows: list[dict], report_path: Path) -> list[Path]:
    """Write every plot for ``report`` (and its per-question ``rows``); return the PNG paths."""
    folder = plot_folder(report_path)
    folder.mkdir(parents=True, exist_ok=True)
    return [plot_hits(report, folder / "hit_at_5_by_language.png"),
            plot_latency(rows, report, folder / "latency.png")]
