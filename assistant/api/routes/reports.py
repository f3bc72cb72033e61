"""Staff: the latest evaluation report (JSON) and its plots (PNG), from the data dir or ``artifacts/``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from assistant.api.deps import Staff, State
from assistant.api.errors import ProblemError
from assistant.settings import Settings

router = APIRouter(prefix="/v1/reports", tags=["staff"], dependencies=[Staff])
ARTIFACTS = Path(__file__).resolve().parents[3] / "artifacts"
#: Where reports are looked for: (folder, glob). The evaluation writes to ``<data dir>/eval`` or
#: ``<data dir>/reports``; the assistant benchmark writes ``artifacts/bench_ask*.json``.
PATTERNS = (("eval", "**/*.json"), ("reports", "**/*.json"))
ARTIFACT_PATTERNS = ("eval/**/*.json", "eval*.json", "bench_ask*.json")


def candidates(settings: Settings, artifacts: Path | None = None) -> list[Path]:
    """Report files, newest first."""
    artifacts = ARTIFACTS if artifacts is None else artifacts
    found: set[Path] = set()
    for folder, pattern in PATTERNS:
        found.update((settings.data_dir / folder).glob(pattern))
    for pattern in ARTIFACT_PATTERNS:
        found.update(artifacts.glob(pattern))
    return sorted((p for p in found if p.is_file()), key=lambda p: p.stat().st_mtime, reverse=True)


def plots_for(report: Path) -> list[Path]:
    """PNG plots next to a report (same folder, or its ``plots/`` or ``<stem>/`` sub-folder)."""
    folders = [report.parent, report.parent / "plots", report.parent / report.stem]
    return sorted({p for f in folders if f.is_dir() for p in f.glob("*.png")}, key=lambda p: p.name)


def _latest(state: State) -> Path:
    for path in candidates(state.settings):
        try:
            if isinstance(json.loads(path.read_text(encoding="utf-8")), dict):
                return path
        except (OSError, ValueError):
            continue
    raise ProblemError(404, "No evaluation report",
                       "No evaluation report has been written yet. Run the evaluation (or benchmarks/bench_ask.py) "
                       "to create one.")


@router.get("/latest")
def latest(state: State) -> dict:
    """The newest evaluation report and the names of its plots."""
    path = _latest(state)
    return {"name": path.name, "modified": dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).isoformat(),
            "report": json.loads(path.read_text(encoding="utf-8")),
            "plots": [p.name for p in plots_for(path)]}


@router.get("/latest/plots/{name}", response_class=FileResponse)
def plot(name: str, state: State) -> FileResponse:
    """One plot of the newest report, as PNG."""
    match = next((p for p in plots_for(_latest(state)) if p.name == name), None)
    if match is None:
        raise ProblemError(404, "Unknown plot", f"The latest report has no plot '{name[:80]}'.")
    return FileResponse(match, media_type="image/png")
