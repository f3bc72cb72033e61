"""Incremental, idempotent ingestion: load -> clean -> chunk -> embed -> upsert, with a closing report.

Writes go through LangChain's indexing API and a SQL record manager (one group per document), so an
unchanged chunk is never embedded twice, a changed document replaces only its own chunks, and a run
killed midway is completed by the next one. A small manifest remembers each file's hash so a
no-change run does not even re-read the files. Documents that fail to load are reported and keep
whatever they had in the index: nothing already indexed is lost because of bad input.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from langchain_core.documents import Document
from langchain_core.indexing import index
from tqdm import tqdm

from assistant.components.embedding import build_embeddings
from assistant.components.keyword_index import bump_generation
from assistant.components.vector_store import ChunkStore, build_store
from assistant.settings import Settings
from ingest.chunking import chunk_document
from ingest.cleaning import clean_lines, original_lines
from ingest.documents import IngestReport, LoadedDocument, is_sidecar, sidecar_path
from ingest.faq import FaqEntry, faq_chunk_metadata, faq_chunk_text, faq_document
from ingest.loaders import FAQ_TYPES, SUPPORTED, LoadError, load_file, supported_message

log = logging.getLogger(__name__)


def _record_manager(settings: Settings):  # -> SQLRecordManager (import is slow; keep it local)
    from langchain_classic.indexes import SQLRecordManager

    manager = SQLRecordManager(f"wegwijs/{settings.collection}", db_url=settings.record_manager_url)
    manager.create_schema()
    return manager


class Manifest:
    """What was indexed from which file, with the file hash (SQLite under the data dir)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with closing(self._connect()) as db, db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS documents (doc_id TEXT PRIMARY KEY, path TEXT NOT NULL, "
                "file_hash TEXT NOT NULL, content_hash TEXT NOT NULL, kind TEXT NOT NULL, title TEXT, "
                "chunks INTEGER NOT NULL, indexed_at REAL NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def all(self) -> dict[str, dict]:
        """Every row, keyed by document id."""
        with closing(self._connect()) as db:
            db.row_factory = sqlite3.Row
            return {row["doc_id"]: dict(row) for row in db.execute("SELECT * FROM documents")}

    def put(self, doc_id: str, path: Path, file_hash: str, content_hash: str, kind: str, title: str,
            chunks: int) -> None:
        """Insert or replace one row."""
        with closing(self._connect()) as db, db:
            db.execute(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (doc_id, str(path), file_hash, content_hash, kind, title, chunks, time.time()),
            )

    def remove(self, doc_id: str) -> None:
        """Forget one document."""
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))


@dataclass
class KnowledgeIndex:
    """The store, the record manager and the manifest that ingestion keeps in step."""

    settings: Settings
    store: ChunkStore
    record_manager: object
    manifest: Manifest

    @classmethod
    def open(cls, settings: Settings, store: ChunkStore | None = None) -> KnowledgeIndex:
        """Open (creating if needed) the index described by ``settings``."""
        settings.ensure_dirs()
        if store is None:
            store = build_store(settings, build_embeddings(settings))
        return cls(settings, store, _record_manager(settings), Manifest(settings.data_dir / "manifest.sqlite"))

    def delete_document(self, doc_id: str) -> int:
        """Remove every chunk of one document; returns how many were removed."""
        keys = self.record_manager.list_keys(group_ids=[doc_id])  # type: ignore[attr-defined]
        if keys:
            self.store.delete(keys)
            self.record_manager.delete_keys(keys)  # type: ignore[attr-defined]
        self.manifest.remove(doc_id)
        return len(keys)


def file_hash(path: Path) -> tuple[str, str]:
    """Hashes of (file + metadata sidecar, file alone): a metadata change re-indexes the document,
    the same bytes under two names are indexed once."""
    data = path.read_bytes()
    raw = hashlib.sha256(data).hexdigest()
    side = sidecar_path(path)
    combined = hashlib.sha256(data + (side.read_bytes() if side.exists() else b"")).hexdigest()
    return combined, raw


def _raw_hash_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Path], list[tuple[Path, str]]]:
    """Files to ingest, the directory roots scanned (for deletions), and refused files."""
    files: list[Path] = []
    roots: list[Path] = []
    refused: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw).resolve()
        if path.is_dir():
            roots.append(path)
            for f in sorted(p for p in path.rglob("*") if p.is_file()):
                if f.name.startswith(".") or is_sidecar(f) or (f.name.lower() == "readme.md" and f.parent == path):
                    continue
                if f.suffix.lower() in SUPPORTED:
                    files.append(f)
                else:
                    refused.append((f, supported_message(f)))
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED:
                files.append(path)
            else:
                refused.append((path, supported_message(path)))
        else:
            refused.append((path, f"{path} does not exist"))
    return files, roots, refused


def default_paths(settings: Settings) -> list[Path]:
    """The bundled knowledge base: publications and curated FAQ."""
    kb = settings.knowledge_base_dir
    return [kb / "publications", kb / "faq"]


def _publication_chunks(doc: LoadedDocument, settings: Settings) -> list[Document]:
    lines = clean_lines(doc.text)
    original = original_lines(doc.text)
    meta = doc.meta
    chunks = chunk_document(lines, meta.doc_type, settings.chunk_max_chars, settings.chunk_min_chars)
    out = []
    for i, ch in enumerate(chunks):
        md: dict[str, str | int] = {
            "doc_id": meta.id, "title": meta.title, "section": ch.section, "kind": "publication",
            "doc_type": meta.doc_type, "language": meta.language, "source_url": meta.source_url or "",
            "date": meta.date.isoformat() if meta.date else "",
            "date_int": int(meta.date.strftime("%Y%m%d")) if meta.date else 0,
            "line_start": ch.line_start, "line_end": ch.line_end, "chunk_index": i, "block": ch.kind,
            "original_text": "\n".join(original[ch.line_start - 1 : ch.line_end]),
            "content_hash": hashlib.sha256(ch.text.encode()).hexdigest()[:16],
        }
        if doc.page_starts:
            md["page_start"] = _page_of(ch.line_start, doc.page_starts)
            md["page_end"] = _page_of(ch.line_end, doc.page_starts)
        out.append(Document(page_content=ch.text, metadata=md))
    return out


def _page_of(line: int, page_starts: list[int]) -> int:
    page = 1
    for number, start in enumerate(page_starts, start=1):
        if start <= line:
            page = number
    return page


def _faq_chunks(doc: LoadedDocument, entry: FaqEntry) -> list[Document]:
    out = []
    for i, lang in enumerate(sorted(entry.translations)):
        text = faq_chunk_text(entry.translations[lang])
        md: dict[str, str | int] = {
            "doc_id": doc.meta.id, "kind": "faq", "doc_type": "faq", "source_url": doc.meta.source_url or "",
            "date": "", "date_int": 0, "line_start": 0, "line_end": 0, "chunk_index": i, "block": "faq",
            "content_hash": hashlib.sha256(text.encode()).hexdigest()[:16],
        }
        md.update(faq_chunk_metadata(entry, lang))
        md["original_text"] = f"{text}\n\n{md['answer']}"
        out.append(Document(page_content=text, metadata=md))
    return out


def build_chunks(path: Path, settings: Settings) -> tuple[LoadedDocument, list[Document]]:
    """Load, clean and chunk one file (``LoadError`` when it cannot be used)."""
    if path.suffix.lower() in FAQ_TYPES:
        max_bytes = int(settings.max_file_mb * 1e6)
        if path.exists() and path.stat().st_size > max_bytes:
            raise LoadError(f"{path.name} is over the limit of {settings.max_file_mb} MB")
        doc, entry = faq_document(path)
        return doc, _faq_chunks(doc, entry)
    doc = load_file(path, int(settings.max_file_mb * 1e6))
    return doc, _publication_chunks(doc, settings)


def content_hash(chunks: list[Document]) -> str:
    """Hash of what would be indexed for a document."""
    h = hashlib.sha256()
    for c in chunks:
        h.update(c.page_content.encode())
        h.update(json.dumps(c.metadata, sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()


def ingest(
    settings: Settings,
    paths: list[Path] | None = None,
    *,
    dry_run: bool = False,
    force: bool = False,
    progress: bool = True,
    kindex: KnowledgeIndex | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> IngestReport:
    """Bring the index in step with ``paths`` (default: the bundled knowledge base)."""
    started = time.perf_counter()
    report = IngestReport(dry_run=dry_run)
    kindex = kindex or KnowledgeIndex.open(settings)
    files, roots, refused = discover(paths or default_paths(settings))
    for path, reason in refused:
        report.seen += 1
        report.skip(path.name, reason)
    manifest = kindex.manifest.all()
    by_path = {row["path"]: row for row in manifest.values()}
    seen_ids: dict[str, Path] = {}
    seen_hashes: dict[str, Path] = {}
    present: set[str] = set()

    bar = tqdm(files, desc="ingest", unit="doc", disable=not progress, dynamic_ncols=True)
    for path in bar:
        report.seen += 1
        bar.set_postfix_str(path.name[:40])
        if on_file:
            on_file(path)
        try:
            fhash, raw_hash = file_hash(path)
        except FileNotFoundError:
            report.skip(path.name, "disappeared before it could be read")
            continue
        known = by_path.get(str(path))
        if known and known["file_hash"] == fhash and not force:
            present.add(known["doc_id"])
            seen_ids[known["doc_id"]] = path
            seen_hashes[raw_hash] = path
            report.unchanged.append(known["doc_id"])
            report.chunks_total += known["chunks"]
            continue
        if raw_hash in seen_hashes:
            report.skip(path.name, f"same content as {seen_hashes[raw_hash].name}; not indexed twice")
            continue
        try:
            doc, chunks = build_chunks(path, settings)
        except LoadError as exc:
            report.skip(path.name, str(exc))
            if known:
                present.add(known["doc_id"])  # keep what was indexed before
            continue
        doc_id = doc.meta.id
        if doc_id in seen_ids:
            report.skip(path.name, f"document id {doc_id!r} is already used by {seen_ids[doc_id].name}")
            continue
        dup = next((Path(r["path"]) for r in manifest.values() if r["doc_id"] != doc_id
                    and r["path"] != str(path) and _raw_hash_of(Path(r["path"])) == raw_hash), None)
        if dup:
            report.skip(path.name, f"same content as {dup.name}; not indexed twice")
            continue
        seen_ids[doc_id] = path
        seen_hashes[raw_hash] = path
        present.add(doc_id)
        chash = content_hash(chunks)
        report.chunks_total += len(chunks)
        previous = manifest.get(doc_id)
        if previous and previous["content_hash"] == chash and not force:
            report.unchanged.append(doc_id)
            if not dry_run:
                kindex.manifest.put(doc_id, path, fhash, chash, doc.kind, doc.meta.title, len(chunks))
            continue
        (report.updated if previous else report.added).append(doc_id)
        if dry_run:
            continue
        result = index(
            chunks, kindex.record_manager, kindex.store.vector_store,  # type: ignore[arg-type]
            cleanup="scoped_full", source_id_key="doc_id", key_encoder="sha256",
            batch_size=settings.embedding_batch_size, force_update=force,
        )
        report.chunks_written += result["num_added"] + result["num_updated"]
        report.chunks_deleted += result["num_deleted"]
        kindex.manifest.put(doc_id, path, fhash, chash, doc.kind, doc.meta.title, len(chunks))

    # Documents whose files are gone from a scanned folder: delete their chunks.
    for doc_id, row in manifest.items():
        row_path = Path(row["path"])
        if doc_id in present or row_path.exists():
            continue
        if any(root == row_path or root in row_path.parents for root in roots):
            report.deleted.append(doc_id)
            if not dry_run:
                report.chunks_deleted += kindex.delete_document(doc_id)
    if report.chunks_written or report.chunks_deleted:
        bump_generation(settings.data_dir)
    report.seconds = time.perf_counter() - started
    return report
