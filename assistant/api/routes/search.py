"""Search for referrers: passages with their metadata and scores."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from assistant.api.deps import Limited, State
from assistant.retrieval import SearchFilters

router = APIRouter(prefix="/v1", tags=["search"], dependencies=[Limited])


class SearchRequest(BaseModel):
    """A referrer's search."""

    query: str = Field(min_length=1, max_length=500)
    k: int = Field(default=10, ge=1, le=50)
    kind: Literal["publication", "faq"] | None = None
    documents: list[str] = Field(default_factory=list, max_length=50)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    language: str | None = Field(default=None, min_length=2, max_length=2)
    mode: Literal["hybrid", "dense", "keyword"] = "hybrid"


class Passage(BaseModel):
    """One passage: the whole chunk, where it comes from, and its scores."""

    id: str
    text: str
    kind: str
    doc_id: str
    title: str
    section: str | None
    url: str | None
    date: str | None
    language: str | None
    line_start: int | None
    line_end: int | None
    score: float
    dense_score: float | None
    keyword_score: float | None
    original_text: str | None


@router.post("/search", response_model=list[Passage])
def search(body: SearchRequest, state: State) -> list[Passage]:
    """Search the publications and FAQ with filters (kind, documents, dates, language)."""
    filters = SearchFilters(kind=body.kind, doc_ids=body.documents, date_from=body.date_from,
                            date_to=body.date_to, language=body.language)
    hits = state.service.retriever.search(body.query.strip() or body.query, body.k, filters, mode=body.mode)
    out = []
    for h in hits:
        md = h.doc.metadata
        out.append(Passage(
            id=h.id, text=h.doc.page_content if md.get("kind") != "faq" else str(md.get("original_text")),
            kind=str(md.get("kind")), doc_id=str(md.get("doc_id")), title=str(md.get("title", "")),
            section=md.get("section") or None, url=md.get("source_url") or None, date=md.get("date") or None,
            language=md.get("language"), line_start=md.get("line_start") or None,
            line_end=md.get("line_end") or None, score=round(h.fused, 5), dense_score=h.dense,
            keyword_score=h.keyword, original_text=md.get("original_text")))
    return out
