"""Incremental ingestion with the fake embedder and the real embedded Chroma store."""

from pathlib import Path

import pytest

from assistant.settings import Settings
from ingest.pipeline import KnowledgeIndex, ingest
from tests.unit.make_files import encrypted_pdf

pytestmark = pytest.mark.unit


def _run(settings: Settings, kb: Path, **kw):
    return ingest(settings, [kb / "publications", kb / "faq"], progress=False, **kw)


def _ids_by_doc(settings: Settings) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for d in KnowledgeIndex.open(settings).store.get():
        out.setdefault(d.metadata["doc_id"], set()).add(d.id)
    return out


def test_first_run_indexes_both_kinds_with_full_metadata(fake_settings, small_kb):
    report = _run(fake_settings, small_kb)
    assert len(report.added) == 4 and not report.skipped
    chunks = KnowledgeIndex.open(fake_settings).store.get()
    assert report.chunks_written == len(chunks) == report.chunks_total
    kinds = {c.metadata["kind"] for c in chunks}
    assert kinds == {"publication", "faq"}
    pub = next(c for c in chunks if c.metadata["kind"] == "publication")
    for key in ("doc_id", "title", "section", "line_start", "line_end", "language", "kind", "source_url",
                "content_hash", "date", "original_text"):
        assert key in pub.metadata, key
    assert pub.metadata["source_url"].startswith("https://docs.vlaamsparlement.be/")
    faq = [c for c in chunks if c.metadata["kind"] == "faq"]
    assert {c.metadata["language"] for c in faq} >= {"nl", "en"}
    assert all(c.metadata["answer"] for c in faq)


def test_rerun_without_changes_writes_nothing(fake_settings, small_kb):
    _run(fake_settings, small_kb)
    before = _ids_by_doc(fake_settings)
    report = _run(fake_settings, small_kb)
    assert report.chunks_written == 0 and report.chunks_deleted == 0
    assert len(report.unchanged) == 4 and not report.added and not report.updated
    assert _ids_by_doc(fake_settings) == before


def test_changed_document_replaces_only_its_own_chunks(fake_settings, small_kb):
    _run(fake_settings, small_kb)
    before = _ids_by_doc(fake_settings)
    path = small_kb / "publications" / "sv-2024-90-werving-rechthebbenden.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("500.000 euro", "600.000 euro"), encoding="utf-8")
    report = _run(fake_settings, small_kb)
    assert report.updated == ["sv-2024-90-werving-rechthebbenden"]
    after = _ids_by_doc(fake_settings)
    changed = before["sv-2024-90-werving-rechthebbenden"] ^ after["sv-2024-90-werving-rechthebbenden"]
    assert changed and report.chunks_written == len(changed) // 2 == report.chunks_deleted
    for doc_id in before:
        if doc_id != "sv-2024-90-werving-rechthebbenden":
            assert after[doc_id] == before[doc_id]
    texts = [d.page_content for d in KnowledgeIndex.open(fake_settings).store.get()]
    assert any("600.000 euro" in t for t in texts) and not any("500.000 euro" in t for t in texts)


def test_removed_document_is_deleted(fake_settings, small_kb):
    _run(fake_settings, small_kb)
    (small_kb / "publications" / "sv-2024-90-werving-rechthebbenden.txt").unlink()
    report = _run(fake_settings, small_kb)
    assert report.deleted == ["sv-2024-90-werving-rechthebbenden"]
    assert "sv-2024-90-werving-rechthebbenden" not in _ids_by_doc(fake_settings)


def test_dry_run_writes_nothing(fake_settings, small_kb):
    report = _run(fake_settings, small_kb, dry_run=True)
    assert len(report.added) == 4 and report.chunks_written == 0
    assert KnowledgeIndex.open(fake_settings).store.count() == 0


def test_bad_input_is_reported_and_loses_nothing(fake_settings, small_kb):
    _run(fake_settings, small_kb)
    before = _ids_by_doc(fake_settings)
    pubs = small_kb / "publications"
    settings = fake_settings.model_copy(update={"max_file_mb": 0.5})
    (pubs / "leeg.txt").write_bytes(b"")
    (pubs / "willekeurig.pdf").write_bytes(bytes(range(256)) * 40)
    (pubs / "geheim.pdf").write_bytes(encrypted_pdf(["Vertrouwelijk"]))
    (pubs / "groot.txt").write_text("inburgering " * 60_000, encoding="utf-8")
    (pubs / "latin1.txt").write_bytes("Oekraïne en café".encode("latin-1"))
    (pubs / "kopie.txt").write_bytes((pubs / "sv-2024-170-inburgering-brussel.txt").read_bytes())
    (pubs / "tabel.xlsx").write_bytes(b"PK\x03\x04")
    # A previously good document becomes corrupt: its old chunks must stay.
    (pubs / "sv-2024-90-werving-rechthebbenden.txt").write_bytes(b"\xff\xfe\x00broken")
    report = _run(settings, small_kb)
    reasons = dict(report.skipped)
    assert "is empty" in reasons["leeg.txt"]
    assert "not a readable PDF" in reasons["willekeurig.pdf"]
    assert "encrypted PDF" in reasons["geheim.pdf"]
    assert "over the limit" in reasons["groot.txt"]
    assert "not UTF-8" in reasons["latin1.txt"]
    assert "same content as" in reasons["kopie.txt"] or "same content as" in reasons.get(
        "sv-2024-170-inburgering-brussel.txt", "")
    assert "unsupported file type" in reasons["tabel.xlsx"]
    assert "not UTF-8" in reasons["sv-2024-90-werving-rechthebbenden.txt"]
    assert _ids_by_doc(fake_settings) == before
    assert not report.deleted


def test_file_that_disappears_mid_run_is_reported(fake_settings, small_kb):
    victim = small_kb / "publications" / "sv-2024-90-werving-rechthebbenden.txt"

    def remove_victim(path: Path) -> None:
        if path.name.startswith("sv-2024-170"):
            victim.unlink()

    report = ingest(fake_settings, [small_kb / "publications"], progress=False, on_file=remove_victim)
    assert report.added == ["sv-2024-170-inburgering-brussel"]
    assert report.skipped == [("sv-2024-90-werving-rechthebbenden.txt", "disappeared before it could be read")]


def test_missing_path_is_reported(fake_settings, tmp_path):
    report = ingest(fake_settings, [tmp_path / "bestaat-niet"], progress=False)
    assert report.skipped and "does not exist" in report.skipped[0][1]
