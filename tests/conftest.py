"""Shared fixtures: every test gets its own data dir; fakes for the fast suite."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from assistant.settings import Settings

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
KB = REPO / "knowledge_base"
PUBLICATIONS = KB / "publications"


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test touches the real data dir."""
    data = tmp_path / "data"
    monkeypatch.setenv("WEGWIJS_DATA_DIR", str(data))
    return data


@pytest.fixture
def fake_settings(isolated_data_dir: Path) -> Settings:
    """Fake embeddings and the real embedded Chroma store (fast)."""
    return Settings(data_dir=isolated_data_dir, embedding_mode="fake")


@pytest.fixture
def small_kb(tmp_path: Path) -> Path:
    """A copy of part of the knowledge base that tests may change: two publications, two FAQ entries."""
    root = tmp_path / "kb"
    (root / "publications").mkdir(parents=True)
    (root / "faq").mkdir()
    for stem in ("sv-2024-170-inburgering-brussel", "sv-2024-90-werving-rechthebbenden"):
        for suffix in (".txt", ".meta.yaml"):
            shutil.copy(PUBLICATIONS / f"{stem}{suffix}", root / "publications" / f"{stem}{suffix}")
    for faq in sorted((KB / "faq").glob("*.yaml"))[:2]:
        shutil.copy(faq, root / "faq" / faq.name)
    return root


def _kb_fingerprint() -> dict[str, str]:
    import hashlib

    return {str(p.relative_to(KB)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(KB.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session", autouse=True)
def knowledge_base_untouched():
    """Staff operations write to a knowledge base: tests must give them a copy, never the repository's."""
    before = _kb_fingerprint()
    yield
    after = _kb_fingerprint()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"a test changed the repository's knowledge_base/: {changed[:10]}"
