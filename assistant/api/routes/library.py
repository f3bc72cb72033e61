"""Public reading for referrers: the indexed publications, a passage in its context, FAQ topics."""

from __future__ import annotations

from fastapi import APIRouter, Query

from assistant.api.deps import Limited, State
from assistant.api.errors import ProblemError
from assistant.settings import LANGUAGES
from ingest.faq import read_faq
from ingest.loaders import LoadError

router = APIRouter(prefix="/v1", tags=["library"], dependencies=[Limited])


@router.get("/publications")
def publications(state: State) -> list[dict]:
    """Indexed publications (id and title), for search filters."""
    rows = state.index.manifest.all().values()
    return [{"id": r["doc_id"], "title": r["title"], "chunks": r["chunks"]}
            for r in sorted(rows, key=lambda r: r["title"].lower()) if r["kind"] == "publication"]


@router.get("/publications/{doc_id}/context/{chunk_id}")
def passage_context(doc_id: str, chunk_id: str, state: State, before: int = Query(1, ge=0, le=5),
                    after: int = Query(1, ge=0, le=5)) -> dict:
    """A passage with its neighbouring chunks in the same document, and where it comes from."""
    docs = state.service.store.get(where={"doc_id": doc_id})
    if not docs:
        raise ProblemError(404, "Unknown document", f"No indexed document has id '{doc_id}'.")
    docs.sort(key=lambda d: d.metadata.get("chunk_index", 0))
    position = next((i for i, d in enumerate(docs) if d.id == chunk_id), None)
    if position is None:
        raise ProblemError(404, "Unknown passage", f"Document '{doc_id}' has no passage '{chunk_id}'.")
    window = docs[max(0, position - before): position + after + 1]
    meta = docs[position].metadata
    return {
        "doc_id": doc_id, "title": meta.get("title"), "url": meta.get("source_url") or None,
        "date": meta.get("date") or None, "chunks_total": len(docs),
        "passages": [{"id": d.id, "text": d.page_content, "section": d.metadata.get("section") or None,
                      "chunk_index": d.metadata.get("chunk_index"), "line_start": d.metadata.get("line_start"),
                      "line_end": d.metadata.get("line_end"), "page": d.metadata.get("page"),
                      "target": d.id == chunk_id} for d in window],
    }


@router.get("/topics")
def topics(state: State, lang: str = Query("nl", min_length=2, max_length=2)) -> dict:
    """The curated FAQ entries by route and topic, with question and answer in ``lang`` (Dutch if missing)."""
    if lang not in LANGUAGES:
        raise ProblemError(422, "Unknown language", f"Use one of: {', '.join(LANGUAGES)}.")
    entries = []
    for path in sorted((state.settings.knowledge_base_dir / "faq").glob("*.yaml")):
        try:
            entry = read_faq(path)
        except LoadError:
            continue
        tr = entry.translations.get(lang) or entry.translations["nl"]
        entries.append({"id": entry.id, "route": entry.route, "topics": list(entry.topics),
                        "language": lang if lang in entry.translations else "nl", "status": tr.status,
                        "question": tr.questions[0], "answer": tr.answer})
    return {"language": lang, "entries": entries}
