"""Keyword index (BM25 with Dutch stemming and stop words) built from the same chunks as the vector store.

It is rebuilt from the store whenever the store's content changes: a fingerprint of the chunk ids
is saved with the index, and a mismatch (after an ingest by any process) triggers a rebuild, so the
two indexes never drift apart.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import bm25s
import bm25s.stopwords
import numpy as np
import Stemmer
from langchain_core.documents import Document

from assistant.components.vector_store import ChunkStore, Where, matches

log = logging.getLogger(__name__)
_TOKEN = r"(?u)\b\w\w+\b"
GENERATION_FILE = "index.generation"
CHECK_INTERVAL_S = 1.0


def bump_generation(data_dir: Path) -> None:
    """Tell every keyword index over this data dir that the chunks changed (called by ingestion)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / GENERATION_FILE).write_text(str(time.time_ns()))


def keyword_text(doc: Document) -> str:
    """What the keyword index reads for a chunk: its text, plus the answer of a FAQ chunk."""
    extra = doc.metadata.get("answer") or ""
    section = doc.metadata.get("section") or ""
    return f"{section}\n{doc.page_content}\n{extra}"


def fingerprint(ids: list[str]) -> str:
    """A stable digest of the set of chunk ids."""
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()[:20]


@dataclass
class KeywordHit:
    """One BM25 hit."""

    doc: Document
    score: float


class KeywordIndex:
    """BM25 over every chunk in the store; in memory, persisted under the data dir."""

    def __init__(self, store: ChunkStore, folder: Path) -> None:
        self.store = store
        self.folder = folder
        self._stemmer = Stemmer.Stemmer("dutch")
        self._lock = threading.Lock()
        self._docs: list[Document] = []
        self._retriever: bm25s.BM25 | None = None
        self._fingerprint = ""
        self._seen_state: tuple[str, int] | None = None
        self._checked_at = 0.0
        self._faq_map: dict[tuple[str, str], Document] = {}
        self._faq_docs: list[Document] = []
        self._faq_matrix = np.zeros((0, 1), dtype=np.float32)
        self._faq_map_for = ""

    def _state(self) -> tuple[str, int]:
        """Cheap change signal: the generation file ingestion bumps, and the chunk count."""
        marker = self.folder.parent / GENERATION_FILE
        try:
            generation = marker.read_text().strip()
        except OSError:
            generation = ""
        return generation, self.store.count()

    def _tokens(self, texts: list[str]) -> list[list[str]]:
        out = bm25s.tokenize(texts, token_pattern=_TOKEN, stopwords="nl", stemmer=self._stemmer,
                             return_ids=False, show_progress=False)
        return [list(t) for t in out]  # type: ignore[union-attr]

    def refresh(self, force: bool = False) -> bool:
        """Rebuild when the store changed since the last build; True when it rebuilt."""
        with self._lock:
            now = time.monotonic()
            if not force and self._seen_state is not None and now - self._checked_at < CHECK_INTERVAL_S:
                return False  # several calls per request: look at the store at most once a second
            self._checked_at = now
            state = self._state()
            if state == self._seen_state and not force:
                return False
            self._seen_state = state
            docs = self.store.get()
            fp = fingerprint([d.id or "" for d in docs])
            if fp == self._fingerprint and not force:
                return False
            if not force and self._load(fp, docs):
                return True
            self._build(docs, fp)
            return True

    def _build(self, docs: list[Document], fp: str) -> None:
        self._docs = docs
        self._fingerprint = fp
        if not docs:
            self._retriever = None
            return
        retriever = bm25s.BM25()
        retriever.index(self._tokens([keyword_text(d) for d in docs]), show_progress=False)
        self._retriever = retriever
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            retriever.save(str(self.folder / "bm25"))
            (self.folder / "meta.json").write_text(json.dumps({"fingerprint": fp, "ids": [d.id for d in docs]}))
        except OSError as exc:  # a read-only data dir only costs a rebuild next time
            log.warning("could not save the keyword index: %s", exc)

    def _load(self, fp: str, docs: list[Document]) -> bool:
        meta_path = self.folder / "meta.json"
        try:
            meta = json.loads(meta_path.read_text())
            if meta.get("fingerprint") != fp:
                return False
            by_id = {d.id: d for d in docs}
            self._docs = [by_id[i] for i in meta["ids"]]
            self._retriever = bm25s.BM25.load(str(self.folder / "bm25"))
            self._fingerprint = fp
            return True
        except (OSError, ValueError, KeyError):
            return False

    def search(self, query: str, k: int, where: Where | None = None) -> list[KeywordHit]:
        """The ``k`` best chunks for ``query`` by BM25 (score > 0), optionally filtered."""
        retriever = self._retriever
        if retriever is None or k <= 0:
            return []
        vocab = retriever.vocab_dict
        tokens = [t for t in self._tokens([query])[0] if t in vocab]
        if not tokens:
            return []
        scores = retriever.get_scores(tokens)
        order = np.argsort(-scores)
        hits: list[KeywordHit] = []
        for i in order:
            if scores[i] <= 0 or len(hits) >= k:
                break
            doc = self._docs[int(i)]
            if matches(doc.metadata, where):
                hits.append(KeywordHit(doc, float(scores[i])))
        return hits

    def _faq_cache(self) -> None:
        if self._faq_map_for == self._fingerprint:
            return
        faq = [d for d in self._docs if d.metadata.get("kind") == "faq"]
        self._faq_map = {(str(d.metadata.get("faq_id")), str(d.metadata.get("language"))): d for d in faq}
        vectors = self.store.vectors([d.id or "" for d in faq])
        self._faq_docs = [d for d in faq if d.id in vectors]
        self._faq_matrix = np.array([vectors[d.id or ""] for d in self._faq_docs], dtype=np.float32)
        self._faq_map_for = self._fingerprint

    def faq_chunk(self, faq_id: str, language: str) -> Document | None:
        """The chunk of FAQ entry ``faq_id`` in ``language`` (from memory; None when absent)."""
        self._faq_cache()
        return self._faq_map.get((faq_id, language))

    def faq_nearest(self, vector: list[float], k: int) -> list[tuple[Document, float]]:
        """The ``k`` FAQ chunks nearest to ``vector`` by cosine similarity, searched in memory
        (a few hundred curated chunks: exact and much cheaper than a store round trip)."""
        self._faq_cache()
        if not self._faq_docs:
            return []
        sims = self._faq_matrix @ np.asarray(vector, dtype=np.float32)
        top = np.argsort(-sims)[:k]
        return [(self._faq_docs[int(i)], float(sims[i])) for i in top]

    @property
    def version(self) -> str:
        """Fingerprint of the chunk set the index was built from (changes with every re-index)."""
        return self._fingerprint

    def documents(self) -> list[Document]:
        """Every chunk the index was built from."""
        return self._docs

    def __len__(self) -> int:
        return len(self._docs)


_DUTCH_STEMMER = Stemmer.Stemmer("dutch")
_DUTCH_STOPWORDS = frozenset(bm25s.stopwords.STOPWORDS_DUTCH)


def dutch_word_keys(words: list[str]) -> list[str]:
    """The keys the index compares for lower-case Dutch words: their stems, '' for stop words."""
    return ["" if w in _DUTCH_STOPWORDS else _DUTCH_STEMMER.stemWord(w) for w in words]


def query_terms(text: str) -> list[str]:
    """Lower-case word tokens of a query (for highlighting and sentence selection)."""
    return re.findall(_TOKEN, text.lower())
