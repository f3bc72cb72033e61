"""Hybrid retrieval: dense (cross-lingual embeddings in Chroma) and keyword (BM25) fused by reciprocal rank."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from assistant.components.keyword_index import KeywordIndex
from assistant.components.vector_store import ChunkStore, Where

Mode = Literal["hybrid", "dense", "keyword"]
RRF_K = 60
CANDIDATES = 30


@dataclass
class SearchFilters:
    """Filters a referrer (or the assistant) can put on a search."""

    kind: str | None = None
    doc_ids: list[str] = field(default_factory=list)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    language: str | None = None

    def where(self) -> Where | None:
        """The Chroma-style filter for these settings (None when unfiltered)."""
        clauses: list[Where] = []
        if self.kind:
            clauses.append({"kind": self.kind})
        if self.doc_ids:
            clauses.append({"doc_id": {"$in": list(self.doc_ids)}})
        if self.date_from:
            clauses.append({"date_int": {"$gte": int(self.date_from.strftime("%Y%m%d"))}})
        if self.date_to:
            clauses.append({"date_int": {"$lte": int(self.date_to.strftime("%Y%m%d"))}})
        if self.language:
            clauses.append({"language": self.language})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass
class Hit:
    """A retrieved chunk with its scores: cosine similarity (dense), BM25, and the fused rank score."""

    doc: Document
    dense: float | None = None
    keyword: float | None = None
    fused: float = 0.0

    @property
    def id(self) -> str:
        """The chunk id."""
        return self.doc.id or ""


class HybridRetriever:
    """Dense + BM25 over the same chunks, fused with reciprocal rank fusion."""

    def __init__(self, store: ChunkStore, embeddings: Embeddings, keywords: KeywordIndex) -> None:
        self.store = store
        self.embeddings = embeddings
        self.keywords = keywords

    def search(
        self,
        query: str,
        k: int = 5,
        filters: SearchFilters | None = None,
        *,
        mode: Mode = "hybrid",
        query_vector: list[float] | None = None,
        keyword_queries: list[str] | None = None,
        extra_rankings: list[tuple[list[Document], float]] | None = None,
    ) -> list[Hit]:
        """The ``k`` best chunks for ``query``; ``keyword_queries`` (e.g. a Dutch translation) add BM25 lists,
        ``extra_rankings`` (chunks best first, and the list's weight) add ready-made lists to the fusion."""
        where = (filters or SearchFilters()).where()
        hits: dict[str, Hit] = {}
        ranked_lists: list[tuple[list[str], float]] = []
        if mode in ("hybrid", "dense"):
            vector = query_vector if query_vector is not None else self.embeddings.embed_query(query)
            dense = self.store.search(vector, CANDIDATES, where)
            for doc, score in dense:
                hits.setdefault(doc.id or "", Hit(doc)).dense = score
            ranked_lists.append(([doc.id or "" for doc, _ in dense], 1.0))
        if mode in ("hybrid", "keyword"):
            self.keywords.refresh()
            for q in [query, *(keyword_queries or [])]:
                kw = self.keywords.search(q, CANDIDATES, where)
                for h in kw:
                    hit = hits.setdefault(h.doc.id or "", Hit(h.doc))
                    hit.keyword = max(hit.keyword or 0.0, h.score)
                ranked_lists.append(([h.doc.id or "" for h in kw], 1.0))
        for docs, weight in extra_rankings or []:
            for doc in docs:
                hits.setdefault(doc.id or "", Hit(doc))
            ranked_lists.append(([doc.id or "" for doc in docs], weight))
        for ranking, weight in ranked_lists:
            for rank, cid in enumerate(ranking):
                hits[cid].fused += weight / (RRF_K + rank + 1)
        return sorted(hits.values(), key=lambda h: h.fused, reverse=True)[:k]
