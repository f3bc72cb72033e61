"""Curated questions that publication passages answer, in 17 languages (``knowledge_base/publication_questions``).

The embedder reads a Somali or Tigrinya question poorly against Dutch prose, but well against another
question about the same fact in the same language: that is why the FAQ phrasings find their entry
96-100 % of the time while publication facts asked in another language were found 55-65 % of the
time. These questions (doc2query, written as curated content rather than generated at run time)
bridge the languages the same way: the nearest ones vote for the passage that contains their quote,
as one more ranked list in the publication search.

Each item names a publication and a verbatim quote, not a chunk id, so re-chunking a publication
keeps the questions valid; the quote is looked up in the current chunks on every re-index.
Embedded once per content and model; the vectors are cached under the data dir.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import yaml
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.components.embedding import embedding_name, save_cached_array
from assistant.settings import unknown_languages

log = logging.getLogger(__name__)
FOLDER = "publication_questions"


class PassageQuestionItem(BaseModel):
    """One fact: its verbatim quote and one question per language."""

    model_config = ConfigDict(extra="forbid")

    quote: str = Field(min_length=10)
    questions: dict[str, str] = Field(min_length=1)

    @field_validator("questions")
    @classmethod
    def _known_languages(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = unknown_languages(value)
        if unknown:
            raise ValueError(f"unknown language(s) {', '.join(unknown)}")
        if any(not str(q).strip() for q in value.values()):
            raise ValueError("an empty question")
        return value


class PassageQuestionFile(BaseModel):
    """A file of ``knowledge_base/publication_questions``: questions about one publication."""

    model_config = ConfigDict(extra="forbid")

    publication: str = Field(min_length=1)
    status: Literal["draft", "reviewed"] = "draft"
    items: list[PassageQuestionItem] = Field(min_length=1)


@dataclass(frozen=True)
class PassageQuestion:
    """One question, the publication it is about and the quote of the passage that answers it."""

    publication: str
    quote: str
    language: str
    text: str


def _files(kb_dir: Path) -> list[PassageQuestionFile]:
    """The files of ``kb_dir/publication_questions``; a broken file raises ``ValueError`` naming it."""
    out: list[PassageQuestionFile] = []
    for path in sorted((kb_dir / FOLDER).glob("*.y*ml")):
        try:
            out.append(PassageQuestionFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ValueError(f"{path}: not readable as YAML ({str(exc).splitlines()[0]})") from None
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            raise ValueError(f"{path}: {where}: {err['msg']}") from None
    return out


def publication_question_status(kb_dir: Path) -> list[tuple[str, str]]:
    """(review status, language) of every curated publication question, for ``wegwijs kb review``."""
    return [(f.status, lang) for f in _files(kb_dir) for item in f.items for lang in item.questions]


def load_passage_questions(kb_dir: Path) -> list[PassageQuestion]:
    """Every question of ``kb_dir/publication_questions``; a broken file raises ``ValueError`` naming it."""
    out: list[PassageQuestion] = []
    for data in _files(kb_dir):
        for item in data.items:
            quote = " ".join(item.quote.split())
            out += [PassageQuestion(data.publication, quote, lang, q.strip()) for lang, q in item.questions.items()]
    return out


def _letters(text: str) -> str:
    """Letters and digits only, lower case, without accents: cleaning joins hyphenated words
    ("CIT- app") and repairs scanned accents ("potentiéle"), so a verbatim quote of the source is
    compared without them."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", bare)


class PassageQuestionIndex:
    """The curated questions' embeddings, and the passages the nearest questions point to."""

    def __init__(self, kb_dir: Path, embeddings: Embeddings, cache_dir: Path) -> None:
        self.questions = load_passage_questions(kb_dir)
        self.matrix = np.zeros((0, 1), dtype=np.float32)
        self._chunks: dict[tuple[str, str], Document | None] = {}
        self._chunks_for: object = None
        if not self.questions:
            return
        texts = [q.text for q in self.questions]
        key = hashlib.sha256(json.dumps([texts, embedding_name(embeddings)], ensure_ascii=False).encode()).hexdigest()[:16]
        cache = cache_dir / f"passage_questions-{key}.npy"
        if cache.exists():
            self.matrix = np.load(cache)
            return
        log.info("embedding %d curated publication questions (once per content)", len(texts))
        # Passage prefix, like the FAQ phrasings: a question is matched against stored text.
        matrix = np.array(embeddings.embed_documents(texts), dtype=np.float32)
        self.matrix = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
        save_cached_array(cache, self.matrix)

    def __len__(self) -> int:
        return len(self.questions)

    def nearest(self, vector: list[float], k: int) -> list[tuple[PassageQuestion, float]]:
        """The ``k`` questions nearest to a query vector, by cosine similarity."""
        if not self.questions:
            return []
        sims = self.matrix @ np.asarray(vector, dtype=np.float32)
        top = np.argsort(-sims)[:k]
        return [(self.questions[int(i)], float(sims[i])) for i in top]

    def resolve(self, chunks: list[Document], version: object) -> list[tuple[str, str]]:
        """Map every (publication, quote) to the chunk that contains it; returns the quotes no chunk holds.

        ``version`` identifies the chunk set (the keyword index fingerprint): the map is rebuilt only
        when it changes."""
        if version == self._chunks_for:
            return [k for k, v in self._chunks.items() if v is None]
        by_doc: dict[str, list[Document]] = {}
        for doc in chunks:
            if doc.metadata.get("kind") == "publication":
                by_doc.setdefault(str(doc.metadata.get("doc_id")), []).append(doc)
        flat = {id(d): _letters(d.page_content) for docs in by_doc.values() for d in docs}
        self._chunks = {}
        for q in self.questions:
            key = (q.publication, q.quote)
            if key not in self._chunks:
                # A quote cut by a chunk boundary still points to the chunk holding its start.
                heads = (_letters(q.quote), _letters(q.quote)[:50])
                self._chunks[key] = next((d for head in heads for d in by_doc.get(q.publication, [])
                                          if head in flat[id(d)]), None)
        self._chunks_for = version
        missing = [k for k, v in self._chunks.items() if v is None]
        if missing:
            log.warning("%d curated publication questions quote text no indexed chunk holds", len(missing))
        return missing

    def passages(self, vector: list[float], k: int, questions: int = 30,
                 near: list[tuple[PassageQuestion, float]] | None = None) -> list[tuple[Document, float]]:
        """Up to ``k`` publication chunks, ranked by their nearest curated question (call ``resolve``
        first); ``near`` reuses a ``nearest`` result for the same vector."""
        out: dict[str, tuple[Document, float]] = {}
        for q, sim in near if near is not None else self.nearest(vector, questions):
            doc = self._chunks.get((q.publication, q.quote))
            if doc is not None and (doc.id or "") not in out:
                out[doc.id or ""] = (doc, sim)
                if len(out) >= k:
                    break
        return list(out.values())
