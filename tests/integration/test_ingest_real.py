"""Incremental ingestion with the real model and the real embedded Chroma store, including kill -9."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.settings import Settings
from ingest.pipeline import KnowledgeIndex, ingest
from tests.conftest import KB, PUBLICATIONS

pytestmark = pytest.mark.integration


def _ids(settings: Settings) -> set[str]:
    return {d.id for d in KnowledgeIndex.open(settings).store.get()}


def test_idempotent_then_change_then_delete_with_real_model(small_kb, tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    paths = [small_kb / "publications", small_kb / "faq"]
    first = ingest(settings, paths, progress=False)
    assert len(first.added) == 4 and first.chunks_written > 20
    ids = _ids(settings)

    again = ingest(settings, paths, progress=False)
    assert again.chunks_written == 0 and again.chunks_deleted == 0 and _ids(settings) == ids

    faq = sorted((small_kb / "faq").glob("*.yaml"))[0]
    faq.write_text(faq.read_text(encoding="utf-8").replace("status: draft", "status: reviewed", 1), encoding="utf-8")
    changed = ingest(settings, paths, progress=False)
    assert changed.updated == [f"faq-{faq.stem}"]
    assert changed.chunks_written == changed.chunks_deleted == 1  # only the one language whose status changed

    faq.unlink()
    removed = ingest(settings, paths, progress=False)
    assert removed.deleted == [f"faq-{faq.stem}"]
    assert not KnowledgeIndex.open(settings).store.get(where={"doc_id": f"faq-{faq.stem}"})


def _manifest_rows(data: Path) -> int:
    db = data / "manifest.sqlite"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as con:
            return int(con.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_kill_9_midway_leaves_a_consistent_index_that_the_next_run_completes(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    for stem in ("sv-2023-64-vervolgtrajecten", "sv-2024-170-inburgering-brussel",
                 "sv-2024-90-werving-rechthebbenden", "sv-werving-rechthebbenden-lokale-besturen"):
        for suffix in (".txt", ".meta.yaml"):
            shutil.copy(PUBLICATIONS / f"{stem}{suffix}", kb / f"{stem}{suffix}")
    for faq in sorted((KB / "faq").glob("*.yaml"))[:2]:
        shutil.copy(faq, kb / faq.name)

    reference = Settings(data_dir=tmp_path / "reference")
    ingest(reference, [kb], progress=False)
    expected = _ids(reference)

    data = tmp_path / "killed"
    env = dict(os.environ, WEGWIJS_DATA_DIR=str(data), WEGWIJS_EMBEDDING_BATCH_SIZE="4")
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "ingest", "-q", str(kb)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _manifest_rows(data) < 1 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(0.5)  # well inside the next document's embedding batches
    assert proc.poll() is None, "ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    settings = Settings(data_dir=data)
    partial = _ids(settings)  # the store opens and reads after the kill
    assert partial and partial < expected

    report = ingest(settings, [kb], progress=False)
    assert not report.skipped
    assert _ids(settings) == expected
    assert KnowledgeIndex.open(settings).store.count() == len(expected)
    assert ingest(settings, [kb], progress=False).chunks_written == 0
