"""Vector store component: Chroma (embedded or server) or an in-memory fake, one small contract.

The LangChain ``VectorStore`` inside (``.vector_store``) is what the indexing API writes to; the
methods here are what the rest of Wegwijs reads through, so the fake and the real store answer the
same contract test suite.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol, cast, runtime_checkable

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import InMemoryVectorStore, VectorStore

from assistant.components.embedding import embedding_name
from assistant.settings import Settings

log = logging.getLogger(__name__)

Where = dict[str, Any]


class StoreError(RuntimeError):
    """The vector store is unreachable or inconsistent; the message says what to do."""


@runtime_checkable
class ChunkStore(Protocol):
    """What Wegwijs needs from a vector store."""

    @property
    def vector_store(self) -> VectorStore:
        """The LangChain store the indexing API writes to."""
        ...

    location: str

    def count(self) -> int:
        """Number of chunks stored."""
        ...

    def search(self, embedding: list[float], k: int, where: Where | None = None) -> list[tuple[Document, float]]:
        """The ``k`` nearest chunks with cosine similarity (higher is closer), optionally filtered."""
        ...

    def get(self, ids: list[str] | None = None, where: Where | None = None) -> list[Document]:
        """Chunks by id and/or metadata filter (all when both are None); ``Document.id`` is set."""
        ...

    def delete(self, ids: list[str]) -> None:
        """Remove chunks by id (unknown ids are ignored)."""
        ...

    def vectors(self, ids: list[str]) -> dict[str, list[float]]:
        """The stored embedding of each id (unknown ids are left out)."""
        ...


def matches(metadata: dict[str, Any], where: Where | None) -> bool:
    """Evaluate a Chroma-style ``where`` filter against one metadata dict (used by the fake store)."""
    if not where:
        return True
    for key, cond in where.items():
        if key == "$and":
            if not all(matches(metadata, c) for c in cond):
                return False
            continue
        if key == "$or":
            if not any(matches(metadata, c) for c in cond):
                return False
            continue
        value = metadata.get(key)
        if not isinstance(cond, dict):
            cond = {"$eq": cond}
        for op, arg in cond.items():
            ok = {
                "$eq": lambda v, a: v == a,
                "$ne": lambda v, a: v != a,
                "$in": lambda v, a: v in a,
                "$nin": lambda v, a: v not in a,
                "$gt": lambda v, a: v is not None and v > a,
                "$gte": lambda v, a: v is not None and v >= a,
                "$lt": lambda v, a: v is not None and v < a,
                "$lte": lambda v, a: v is not None and v <= a,
            }[op](value, arg)
            if not ok:
                return False
    return True


class ChromaChunkStore:
    """Chroma through LangChain: ``PersistentClient`` under the data dir, or ``HttpClient`` to a server."""

    def __init__(self, settings: Settings, embeddings: Embeddings, client: Any | None = None) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        try:
            if client is not None:
                self.location = "custom client"
            elif settings.chroma_host:
                client = chromadb.HttpClient(
                    host=settings.chroma_host, port=settings.chroma_port, ssl=settings.chroma_ssl,
                    settings=chroma_settings,
                )
                self.location = f"chroma server {settings.chroma_host}:{settings.chroma_port}"
            else:
                path = Path(settings.chroma_dir)
                path.mkdir(parents=True, exist_ok=True)
                client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
                self.location = f"embedded chroma at {path}"
        except Exception as exc:
            raise StoreError(f"Cannot open the vector store ({settings.chroma_host or settings.chroma_dir}): {exc}") from exc
        self.client = client
        model = embedding_name(embeddings)
        # Always pass our embeddings: Chroma's default embedding function would download a model.
        self.vector_store: VectorStore = Chroma(
            collection_name=settings.collection,
            embedding_function=embeddings,
            client=client,
            collection_metadata={"hnsw:space": "cosine", "embedding_model": model},
        )
        self._collection = self.vector_store._collection  # type: ignore[attr-defined]
        stored = (self._collection.metadata or {}).get("embedding_model")
        if stored and stored != model:
            raise StoreError(
                f"The index in {self.location} was built with {stored!r}, but {model!r} is configured. "
                "Use the same embedding model, or set another WEGWIJS_COLLECTION and re-ingest."
            )

    def count(self) -> int:
        """Number of chunks stored."""
        return int(self._collection.count())

    def search(self, embedding: list[float], k: int, where: Where | None = None) -> list[tuple[Document, float]]:
        """Nearest chunks by cosine similarity."""
        if k <= 0:
            return []
        res: Any = self._collection.query(
            query_embeddings=cast(Any, [embedding]), n_results=k, where=where or None,
            include=["documents", "metadatas", "distances"],
        )
        out = []
        for cid, text, meta, dist in zip(
            res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0], strict=True
        ):
            out.append((Document(id=cid, page_content=text or "", metadata=dict(meta or {})), 1.0 - float(dist)))
        return out

    def get(self, ids: list[str] | None = None, where: Where | None = None) -> list[Document]:
        """Chunks by id and/or filter."""
        res: Any = self._collection.get(ids=ids, where=where or None, include=["documents", "metadatas"])
        return [
            Document(id=cid, page_content=text or "", metadata=dict(meta or {}))
            for cid, text, meta in zip(res["ids"], res["documents"], res["metadatas"], strict=True)
        ]

    def delete(self, ids: list[str]) -> None:
        """Remove chunks by id."""
        for start in range(0, len(ids), 1000):
            self._collection.delete(ids=ids[start : start + 1000])

    def vectors(self, ids: list[str]) -> dict[str, list[float]]:
        """Stored embeddings by id."""
        if not ids:
            return {}
        res: Any = self._collection.get(ids=ids, include=["embeddings"])
        return {cid: list(vec) for cid, vec in zip(res["ids"], res["embeddings"], strict=True)}


class MemoryChunkStore:
    """In-memory fake for unit tests: LangChain's ``InMemoryVectorStore`` with the same contract."""

    def __init__(self, embeddings: Embeddings) -> None:
        self._memory = InMemoryVectorStore(embeddings)
        self.vector_store: VectorStore = self._memory
        self.location = "memory"

    def _all(self) -> Iterable[tuple[str, dict[str, Any]]]:
        return self._memory.store.items()

    def count(self) -> int:
        """Number of chunks stored."""
        return len(self._memory.store)

    def search(self, embedding: list[float], k: int, where: Where | None = None) -> list[tuple[Document, float]]:
        """Nearest chunks by cosine similarity (vectors are normalised by the embedders)."""
        if k <= 0:
            return []
        scored = []
        for cid, rec in self._all():
            if not matches(rec["metadata"], where):
                continue
            sim = sum(a * b for a, b in zip(embedding, rec["vector"], strict=False))
            scored.append((Document(id=cid, page_content=rec["text"], metadata=dict(rec["metadata"])), sim))
        scored.sort(key=lambda pair: pair[1], reverse=True)
        return scored[:k]

    def get(self, ids: list[str] | None = None, where: Where | None = None) -> list[Document]:
        """Chunks by id and/or filter."""
        wanted = set(ids) if ids is not None else None
        return [
            Document(id=cid, page_content=rec["text"], metadata=dict(rec["metadata"]))
            for cid, rec in self._all()
            if (wanted is None or cid in wanted) and matches(rec["metadata"], where)
        ]

    def delete(self, ids: list[str]) -> None:
        """Remove chunks by id."""
        for cid in ids:
            self._memory.store.pop(cid, None)

    def vectors(self, ids: list[str]) -> dict[str, list[float]]:
        """Stored embeddings by id."""
        return {cid: list(self._memory.store[cid]["vector"]) for cid in ids if cid in self._memory.store}


def build_store(settings: Settings, embeddings: Embeddings) -> ChunkStore:
    """The chunk store for ``settings``: Chroma (embedded or server) or the in-memory fake."""
    if settings.vector_store_mode == "memory":
        return MemoryChunkStore(embeddings)
    return ChromaChunkStore(settings, embeddings)


def disk_usage(path: Path) -> int:
    """Bytes used by the files under ``path``."""
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) if Path(path).exists() else 0
