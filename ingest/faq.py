"""Curated FAQ entries: the schema of ``knowledge_base/faq/<id>.yaml`` and how an entry becomes chunks.

Each (entry, language) becomes one chunk. Its text (what is embedded) is the question phrasings: a
newcomer's question is matched against questions written in the same language, which e5 does well,
and embedding only the phrasings keeps ingestion fast (the answers would triple the tokens). The
answer travels in the chunk's metadata and feeds the keyword index.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.settings import LANGUAGES, unknown_languages
from ingest.documents import DocumentMeta, LoadedDocument
from ingest.loaders import LoadError

Route = Literal["registration", "mo", "nt2", "practice", "none"]
_URL = re.compile(r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:/\S*)?$")


class FaqSource(BaseModel):
    """A publication in the knowledge base (with a verbatim quote) or a public web page."""

    model_config = ConfigDict(extra="forbid")

    publication: str | None = None
    quote: str | None = None
    url: str | None = None
    title: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> FaqSource:
        if self.publication:
            if not self.quote or not self.quote.strip():
                raise ValueError(f"source {self.publication!r} needs a verbatim quote")
        elif self.url:
            if not _URL.match(self.url):
                raise ValueError(f"malformed url {self.url!r}")
            if not self.title:
                raise ValueError(f"url source {self.url} needs a title")
        else:
            raise ValueError("a source needs either publication+quote or url+title")
        return self


class FaqTranslation(BaseModel):
    """One language of an entry."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["draft", "reviewed"] = "draft"
    questions: list[str] = Field(min_length=1, max_length=5)
    answer: str

    @field_validator("questions")
    @classmethod
    def _no_empty_questions(cls, value: list[str]) -> list[str]:
        if any(not q or not q.strip() for q in value):
            raise ValueError("empty question phrasing")
        return [q.strip() for q in value]

    @field_validator("answer")
    @classmethod
    def _no_empty_answer(cls, value: str) -> str:
        if not value or not value.strip():
            raise ValueError("empty answer")
        return value.strip()


class FaqEntry(BaseModel):
    """One curated FAQ entry (see knowledge_base/README.md)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    route: Route
    topics: list[str] = Field(default_factory=list)
    audience: list[str] = Field(default_factory=lambda: ["newcomer", "referrer"])
    sources: list[FaqSource] = Field(min_length=1)
    translations: dict[str, FaqTranslation]

    @field_validator("translations")
    @classmethod
    def _known_languages(cls, value: dict[str, FaqTranslation]) -> dict[str, FaqTranslation]:
        unknown = unknown_languages(value)
        if unknown:
            raise ValueError(f"unknown language codes {unknown}; use {', '.join(LANGUAGES)}")
        if "nl" not in value:
            raise ValueError("every entry needs at least the Dutch (nl) text")
        return value

    def missing_languages(self) -> list[str]:
        """Languages of the 17 that this entry does not have yet."""
        return [lang for lang in LANGUAGES if lang not in self.translations]


def read_faq(path: Path) -> FaqEntry:
    """Parse and validate one FAQ file; ``LoadError`` says what is wrong."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LoadError(f"{path.name} disappeared before it could be read") from None
    except UnicodeDecodeError:
        raise LoadError(f"{path.name} is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        raise LoadError(f"{path.name} is not valid YAML: {exc}".splitlines()[0]) from None
    if not isinstance(data, dict):
        raise LoadError(f"{path.name} is empty or not a FAQ entry (a YAML mapping)")
    try:
        entry = FaqEntry.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise LoadError(f"{path.name} is not a valid FAQ entry: {where}: {first['msg']}") from None
    if entry.id != path.stem:
        raise LoadError(f"{path.name}: id {entry.id!r} must equal the file name")
    return entry


def faq_document(path: Path) -> tuple[LoadedDocument, FaqEntry]:
    """A FAQ file as a ``LoadedDocument`` (for the manifest) plus its parsed entry."""
    entry = read_faq(path)
    nl = entry.translations["nl"]
    meta = DocumentMeta(id=f"faq-{entry.id}", title=nl.questions[0], doc_type="faq", language="nl",
                        source_url=next((s.url for s in entry.sources if s.url), None))
    return LoadedDocument(path=path, meta=meta, text=path.read_text(encoding="utf-8"), kind="faq"), entry


def faq_chunk_text(tr: FaqTranslation) -> str:
    """The embedded text of one language of an entry: its question phrasings, one per line."""
    return "\n".join(tr.questions)


def faq_chunk_metadata(entry: FaqEntry, lang: str) -> dict[str, str | int]:
    """Metadata of the chunk for ``entry`` in ``lang`` (Chroma accepts only scalars)."""
    tr = entry.translations[lang]
    return {
        "faq_id": entry.id,
        "route": entry.route,
        "review_status": tr.status,
        "title": tr.questions[0],
        "answer": tr.answer,
        "section": f"FAQ > {entry.id}",
        "language": lang,
        "topics": ",".join(entry.topics),
        "sources_json": json.dumps([s.model_dump(exclude_none=True) for s in entry.sources], ensure_ascii=False),
    }
