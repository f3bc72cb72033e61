"""Calibrate the abstention margins on labelled questions, and show how they carry to held-out sets.

    WEGWIJS_DATA_DIR=data .venv/bin/python benchmarks/calibrate.py \
        [--questions eval/questions [eval/holdout ...]] [--check eval/holdout4] [--out artifacts/calibration.json]

Every question is asked once; the signals behind its decision (nearest FAQ phrasing, best publication
passage, nearest off-topic and nearest personal-data example) are kept, and the rule of
``assistant.decision.abstain_reason`` is replayed over a grid of ``scope_margin`` x ``refusal_margin``
x ``off_topic_threshold`` (the linear classifier's cut-off).
The pair chosen is the best on the pooled ``--questions`` folders, ties broken by the mean accuracy of its grid
neighbours (a plateau beats a spike). The held-out ``--check`` sets are reported, never used to choose.
Writes the JSON report and a heat map (``<out dir>/<out stem>/abstention_grid.png``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant.decision import Decision, abstain_reason  # noqa: E402
from assistant.evaluation import load_questions  # noqa: E402
from assistant.schemas import AskRequest, Turn  # noqa: E402
from assistant.service import AssistantService  # noqa: E402
from assistant.settings import Settings  # noqa: E402

SCOPE_MARGINS = np.round(np.arange(-0.03, 0.0451, 0.005), 3)
REFUSAL_MARGINS = np.round(np.arange(-0.05, 0.0251, 0.005), 3)
OFF_TOPIC_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)  # 1.0: the classifier never decides


def collect(service: AssistantService, folder: Path) -> list[tuple[bool, Decision]]:
    """(expected to abstain, decision with its signals) for every question in ``folder``."""
    from tqdm import tqdm

    out = []
    for q in tqdm(load_questions(folder), desc=folder.name, unit="question"):
        _resp, decision = service.ask_explained(AskRequest(question=q.question, history=[Turn(**t) for t in q.history]))
        out.append((q.abstain, decision))
    return out


def abstains(d: Decision, settings: Settings) -> bool:
    """Whether the rule abstains on ``d`` under ``settings`` (instruction patterns always refuse)."""
    return d.abstain_reason == "instructions" or abstain_reason(d, settings) is not None


def accuracy(rows: list[tuple[bool, Decision]], settings: Settings) -> float:
    """Share of questions whose abstain-or-answer matches the label under ``settings``."""
    return sum(abstains(d, settings) == expected for expected, d in rows) / len(rows)


def grid(rows: list[tuple[bool, Decision]], settings: Settings) -> np.ndarray:
    """Accuracy for every (off_topic_threshold, scope_margin, refusal_margin) triple."""
    return np.array([[[accuracy(rows, replace_margins(settings, float(sm), float(rm), tau)) for rm in REFUSAL_MARGINS]
                      for sm in SCOPE_MARGINS] for tau in OFF_TOPIC_THRESHOLDS])


def choose(acc: np.ndarray) -> tuple[int, ...]:
    """Grid cell with the best accuracy; ties go to the cell whose neighbours score best."""
    padded = np.pad(acc, 1, mode="edge")
    shifts = np.stack(np.meshgrid(*[(-1, 0, 1)] * acc.ndim, indexing="ij"), -1).reshape(-1, acc.ndim)
    neighbours = np.mean([padded[tuple(slice(1 + d, 1 + d + n) for d, n in zip(shift, acc.shape, strict=True))]
                          for shift in shifts], axis=0)
    best = np.flatnonzero(acc == acc.max())
    return tuple(int(i) for i in np.unravel_index(best[int(np.argmax(neighbours.flat[best]))], acc.shape))


def plot(acc: np.ndarray, current: tuple[float, float], chosen: tuple[float, float], path: Path) -> Path:
    """Heat map of abstention accuracy on the pooled sets, with the current and the chosen margins marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    extent = (REFUSAL_MARGINS[0], REFUSAL_MARGINS[-1], SCOPE_MARGINS[0], SCOPE_MARGINS[-1])
    im = ax.imshow(acc, origin="lower", aspect="auto", extent=extent, cmap="viridis")
    fig.colorbar(im, ax=ax, label="abstention accuracy (questions it was chosen on)")
    ax.set_title("at the chosen off_topic_threshold")
    ax.plot(current[1], current[0], "wo", label=f"current {current}")
    ax.plot(chosen[1], chosen[0], "r*", markersize=14, label=f"chosen {chosen}")
    ax.set_xlabel("refusal_margin")
    ax.set_ylabel("scope_margin")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def misjudged(rows: list[tuple[bool, Decision]], settings: Settings) -> dict[str, int]:
    """How many answerable questions were refused or abstained on, and how many off-topic ones answered."""
    return {"abstained_on_answerable": sum(1 for exp, d in rows if not exp and abstains(d, settings)),
            "answered_off_topic": sum(1 for exp, d in rows if exp and not abstains(d, settings))}


def main() -> None:
    """Collect the signals, sweep the grid, print and write the report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=Path, nargs="+", default=[Path("eval/questions")],
                        help="folders to choose the margins on (their questions are pooled)")
    parser.add_argument("--check", type=Path, nargs="*", default=[])
    parser.add_argument("--out", type=Path, default=Path("artifacts/calibration.json"))
    args = parser.parse_args()
    settings = Settings()
    service = AssistantService(settings)
    tuned = {folder.name: collect(service, folder) for folder in args.questions}
    tuning = [row for rows in tuned.values() for row in rows]
    checks = {folder.name: collect(service, folder) for folder in args.check}
    acc = grid(tuning, settings)
    t, i, j = choose(acc)
    chosen = replace_margins(settings, float(SCOPE_MARGINS[i]), float(REFUSAL_MARGINS[j]), OFF_TOPIC_THRESHOLDS[t])
    report: dict = {"grid": {"off_topic_threshold": list(OFF_TOPIC_THRESHOLDS), "scope_margin": SCOPE_MARGINS.tolist(),
                             "refusal_margin": REFUSAL_MARGINS.tolist(), "tuning_accuracy": np.round(acc, 3).tolist()},
                    "sets": {}}
    print(f"{'set':<12} {'questions':>9}  {'current':>8}  {'chosen':>8}  errors (current -> chosen)")
    sets = {"+".join(tuned): tuning, **tuned, **checks} if len(tuned) > 1 else {**tuned, **checks}
    for name, rows in sets.items():
        now, new = accuracy(rows, settings), accuracy(rows, chosen)
        report["sets"][name] = {"questions": len(rows), "current": round(now, 3), "chosen": round(new, 3),
                                "current_errors": misjudged(rows, settings), "chosen_errors": misjudged(rows, chosen)}
        print(f"{name:<12.40} {len(rows):>9}  {now:>8.3f}  {new:>8.3f}  {misjudged(rows, settings)} -> {misjudged(rows, chosen)}")
    current = (settings.scope_margin, settings.refusal_margin)
    picked = (chosen.scope_margin, chosen.refusal_margin)
    keys = ("scope_margin", "refusal_margin", "off_topic_threshold")
    report["current"] = {k: getattr(settings, k) for k in keys}
    report["chosen"] = {k: getattr(chosen, k) for k in keys}
    print(f"current {report['current']}; chosen {report['chosen']} (chosen on {'+'.join(tuned)})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"report: {args.out}")
    print(f"plot: {plot(acc[t], current, picked, args.out.parent / args.out.stem / 'abstention_grid.png')}")


def replace_margins(settings: Settings, scope_margin: float, refusal_margin: float,
                    off_topic_threshold: float | None = None) -> Settings:
    """A copy of ``settings`` with other margins (and classifier threshold)."""
    update: dict[str, float] = {"scope_margin": scope_margin, "refusal_margin": refusal_margin}
    if off_topic_threshold is not None:
        update["off_topic_threshold"] = off_topic_threshold
    return settings.model_copy(update=update)


if __name__ == "__main__":
    main()
