"""Figures about the index, for ``wegwijs index stats`` and the API."""

from __future__ import annotations

from collections import Counter

from assistant.components.embedding import build_embeddings, embedding_name
from assistant.components.vector_store import disk_usage
from assistant.settings import Settings
from ingest.pipeline import KnowledgeIndex


def index_stats(settings: Settings, kindex: KnowledgeIndex | None = None) -> dict:
    """Chunks per kind and language, documents, store location and size on disk."""
    kindex = kindex or KnowledgeIndex.open(settings)
    docs = kindex.manifest.all()
    metas = [d.metadata for d in kindex.store.get()]
    return {
        "store": kindex.store.location,
        "embedding_model": embedding_name(build_embeddings(settings)),
        "chunks": len(metas),
        "documents": len(docs),
        "documents_by_kind": dict(Counter(d["kind"] for d in docs.values())),
        "chunks_by_kind": dict(Counter(str(m.get("kind")) for m in metas)),
        "chunks_by_language": dict(sorted(Counter(str(m.get("language")) for m in metas).items())),
        "size_on_disk_mb": round(disk_usage(settings.data_dir) / 1e6, 2) if not settings.chroma_host else None,
    }
