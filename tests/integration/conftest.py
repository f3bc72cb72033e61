"""A real index of the whole bundled knowledge base, built once per test session."""

from __future__ import annotations

import pytest

from assistant.settings import Settings
from ingest.pipeline import KnowledgeIndex, ingest


@pytest.fixture(scope="session")
def kb_index(tmp_path_factory) -> tuple[Settings, KnowledgeIndex]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("kb-index"))
    report = ingest(settings, progress=False)
    assert not report.skipped, report.skipped
    return settings, KnowledgeIndex.open(settings)
