"""Calibrate the abstention margins on labelled questions, and show how they carry to held-out sets.

    WEGWIJS_DATA_DIR=data .venv/bin/python benchmarks/calibrate.py \
        [--questions eval/questions [eval/holdout ...]] [--check eval/holdout4] [--out artifacts/calibration.json]

Every question is asked once; the signals behind its decision (nearest FAQ phrasing, best publication
passage, nearest off-topic and nearest personal-data example) are kept, and the rule of
``assistant.decision.abstain_reason`` is replayed over a grid of ``scope_margin`` x ``refusal_margin``.
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


def collect(service: AssistantService, folder: Path) -> list[tuple[bool, Decision]]:
    """(expected to abstain, decision with its signals) for every question in ``folder``."""
    from tqdm import tqdm

    out = []
    for q in tqdm(load_questions(folder), desc=folder.name, unit="question"):
        _resp, decision = service.ask_explained(AskRequest(question=q.question, history=[Turn(**t) for t in q.history]))
        out.append((q.abstain, decision))
    return out


def accuracy(rows: list[tuple[bool, Decision]], settings: Settings) -> float:
    """Share of questions whose abstain-or-answer matches the label under ``settings``."""
    right = 0
    for expected, d in rows:
        reason = "instructions" if d.abstain_reason == "instructions" else abstain_reason(d, settings)
        right += (reason is not None) == expected
    return right / len(rows)


def grid(rows: list[tuple[bool, Decision]], settings: Settings) -> np.ndarray:
    """Accuracy for every (scope_margin, refusal_margin) pair."""
    return np.array([[accuracy(rows, replace_margins(settings, float(sm), float(rm))) for rm in REFUSAL_MARGINS]
                     for sm in SCOPE_MARGINS])


def choose(acc: np.ndarray) -> tuple[int, int]:
    """Grid cell with the best accuracy; ties go to the cell whose neighbours score best."""
    padded = np.pad(acc, 1, mode="edge")
    neighbours = np.asarray(sum(padded[1 + di: 1 + di + acc.shape[0], 1 + dj: 1 + dj + acc.shape[1]]
                     for di in (-1, 0, 1) for dj in (-1, 0, 1))) / 9
    best = np.flatnonzero(acc == acc.max())
    i = best[int(np.argmax(neighbours.flat[best]))]
    return int(i // acc.shape[1]), int(i % acc.shape[1])


def plot(acc: np.ndarray, current: tuple[float, float], chosen: tuple[float, float], path: Path) -> Path:
    """Heat map of abstention accuracy on the pooled sets, with the current and the chosen margins marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    extent = (REFUSAL_MARGINS[0], REFUSAL_MARGINS[-1], SCOPE_MARGINS[0], SCOPE_MARGINS[-1])
    im = ax.imshow(acc, origin="lower", aspect="auto", extent=extent, cmap="viridis")
    fig.colorbar(im, ax=ax, label="abstention accuracy (questions it was chosen on)")
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
    wrong_abstain = sum(1 for exp, d in rows if not exp and d.abstain_reason != "instructions"
                        and abstain_reason(d, settings) is not None)
    wrong_answer = sum(1 for exp, d in rows if exp and d.abstain_reason != "instructions"
                       and abstain_reason(d, settings) is None)
    return {"abstained_on_answerable": wrong_abstain, "answered_off_topic": wrong_answer}


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
    i, j = choose(acc)
    chosen = replace_margins(settings, float(SCOPE_MARGINS[i]), float(REFUSAL_MARGINS[j]))
    report: dict = {"grid": {"scope_margin": SCOPE_MARGINS.tolist(), "refusal_margin": REFUSAL_MARGINS.tolist(),
                             "tuning_accuracy": np.round(acc, 3).tolist()}, "sets": {}}
    print(f"{'set':<12} {'questions':>9}  {'current':>8}  {'chosen':>8}  errors (current -> chosen)")
    sets = {"+".join(tuned): tuning, **tuned, **checks} if len(tuned) > 1 else {**tuned, **checks}
    for name, rows in sets.items():
        now, new = accuracy(rows, settings), accuracy(rows, chosen)
        report["sets"][name] = {"questions": len(rows), "current": round(now, 3), "chosen": round(new, 3),
                                "current_errors": misjudged(rows, settings), "chosen_errors": misjudged(rows, chosen)}
        print(f"{name:<12.40} {len(rows):>9}  {now:>8.3f}  {new:>8.3f}  {misjudged(rows, settings)} -> {misjudged(rows, chosen)}")
    current = (settings.scope_margin, settings.refusal_margin)
    picked = (chosen.scope_margin, chosen.refusal_margin)
    report["current"] = {"scope_margin": current[0], "refusal_margin": current[1]}
    report["chosen"] = {"scope_margin": picked[0], "refusal_margin": picked[1]}
    print(f"current scope_margin={current[0]} refusal_margin={current[1]}; "
          f"chosen scope_margin={picked[0]} refusal_margin={picked[1]} (chosen on {'+'.join(tuned)})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"report: {args.out}")
    print(f"plot: {plot(acc, current, picked, args.out.parent / args.out.stem / 'abstention_grid.png')}")


def replace_margins(settings: Settings, scope_margin: float, refusal_margin: float) -> Settings:
    """A copy of ``settings`` with other margins."""
    return settings.model_copy(update={"scope_margin": scope_margin, "refusal_margin": refusal_margin})


if __name__ == "__main__":
    main()
